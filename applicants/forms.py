from captcha.fields import CaptchaField
from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from applicants.models import Attempt, Category, Education
from jianding.forms import DateInput, FormHelperMixin
from jianding.identity import resident_id_parse
from jianding.phones import PhoneField


class NewPasswordForm(forms.Form):
    """A password typed twice, checked against the validators when the account is known."""

    password1 = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput,
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(label=_("password again"), widget=forms.PasswordInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error(
                "password2",
                forms.ValidationError(
                    _("The two passwords differ; type the same one twice."), code="password_mismatch"
                ),
            )
        return cleaned


class SignUpCaptchaField(CaptchaField):
    """django-simple-captcha's letters; a wrong answer is refused with a code like every other error.

    Each picture is answered once: the store forgets it on any answer, and the page shows a new one.
    """

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("Type the letters of the picture; here is a new one."), code="wrong_captcha"
            ) from None


class SignUpForm(FormHelperMixin, NewPasswordForm):
    name = forms.CharField(label=_("name"), max_length=50, help_text=_("As on your ID card."))
    id_number = forms.CharField(
        label=_("resident ID number"),
        max_length=24,
        help_text=_("18 characters; you sign in with it. Birth date and sex are read from it."),
    )
    phone = PhoneField(label=_("mobile phone"))
    field_order = ["name", "id_number", "phone", "password1", "password2"]

    def __init__(self, *args, captcha: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if captcha:
            self.fields["captcha"] = SignUpCaptchaField(
                label=_("letters in the picture"),
                help_text=_("Many sign-ups came from your network lately; type the letters you see."),
            )
            # Crispy writes a field of two inputs as a fieldset, whose legend labels neither.
            _key, answer = self.fields["captcha"].widget.widgets
            answer.attrs["aria-label"] = self.fields["captcha"].label

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_id_number(self):
        return resident_id_parse(self.cleaned_data["id_number"]).number


def _captcha_field() -> SignUpCaptchaField:
    return SignUpCaptchaField(
        label=_("letters in the picture"), help_text=_("Type the letters you see; then the code is texted.")
    )


def _code_field() -> forms.CharField:
    return forms.RegexField(
        label=_("code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class CaptchaForm(FormHelperMixin, forms.Form):
    """The captcha asked before a code is texted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = _captcha_field()
        _key, answer = self.fields["captcha"].widget.widgets
        answer.attrs["aria-label"] = self.fields["captcha"].label


class PhoneCodeForm(FormHelperMixin, forms.Form):
    code = _code_field()


class ResetCodeRequestForm(CaptchaForm):
    id_number = forms.CharField(label=_("resident ID number"), max_length=24)
    phone = PhoneField(label=_("mobile phone"), help_text=_("The verified phone of your account."))
    field_order = ["id_number", "phone"]

    def clean_id_number(self):
        return resident_id_parse(self.cleaned_data["id_number"]).number


class ResetWithCodeForm(FormHelperMixin, NewPasswordForm):
    code = _code_field()
    field_order = ["code", "password1", "password2"]


class ActivateForm(FormHelperMixin, NewPasswordForm):
    id_number = forms.CharField(label=_("resident ID number"), max_length=24)
    code = forms.CharField(
        label=_("invitation code"),
        max_length=16,
        help_text=_("8 letters and digits, from the slip the center gave you."),
    )
    field_order = ["id_number", "code", "password1", "password2"]

    def clean_id_number(self):
        return resident_id_parse(self.cleaned_data["id_number"]).number


class ProfileForm(FormHelperMixin, forms.Form):
    phone = PhoneField(label=_("mobile phone"))
    education = forms.ChoiceField(label=_("education"), choices=Education.choices)
    employer_or_class = forms.CharField(
        label=_("employer or class"), max_length=60, help_text=_("Students: your class, e.g. 23 机电 1 班.")
    )
    work_history = forms.CharField(
        label=_("work history"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


# What an applicant may choose; "kept" is the portal's finding, never a choice.
CHOSEN_ATTEMPTS = [(Attempt.NEW.value, Attempt.NEW.label), (Attempt.RETAKE.value, Attempt.RETAKE.label)]


class ApplyForm(FormHelperMixin, forms.Form):
    category = forms.ChoiceField(label=_("category"), choices=Category.choices, widget=forms.RadioSelect)
    theory_attempt = forms.ChoiceField(
        label=_("theory exam"),
        choices=CHOSEN_ATTEMPTS,
        initial=Attempt.NEW,
        help_text=_("A part you passed in the last 12 months is found by your ID number and kept."),
    )
    skill_attempt = forms.ChoiceField(
        label=_("skill assessment"), choices=CHOSEN_ATTEMPTS, initial=Attempt.NEW
    )
    review_attempt = forms.ChoiceField(
        label=_("comprehensive review"), choices=[("", "—"), *CHOSEN_ATTEMPTS], required=False
    )

    def __init__(self, *args, batch=None, **kwargs):
        super().__init__(*args, **kwargs)
        if batch is not None and batch.level not in (1, 2):
            del self.fields["review_attempt"]


class DocumentForm(FormHelperMixin, forms.Form):
    """The upload of one document kind; the application page holds one per kind, so the ids name it."""

    kind = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("file (PDF, JPEG or PNG)"))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, auto_id=f"id_{kind}_%s", initial={"kind": kind}, **kwargs)


class ReviewForm(FormHelperMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning or rejecting; the applicant reads it."),
    )
    original_seen = forms.BooleanField(
        label=_("original education certificate seen at the desk"),
        required=False,
        help_text=_("Tick once the applicant has shown the original; approval waits for it."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    # The review queue's filters (its query string), to carry on to the next application.
    queue = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, asks_original: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not asks_original:
            del self.fields["original_seen"]


class CityApprovalForm(FormHelperMixin, forms.Form):
    document_number = forms.CharField(label=_("city center's document number"), max_length=60)
    approved_on = forms.DateField(label=_("approved on"), widget=DateInput)
    scan = forms.FileField(label=_("scan of the approval (PDF)"), required=False)
    applications = forms.TypedMultipleChoiceField(
        label=_("applications approved"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked when the city center approved the whole list."),
    )

    def __init__(self, *args, declared=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(a.pk, f"{a.applicant.name} {a.class_name}") for a in declared]
