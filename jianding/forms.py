from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianding.errors import RuleViolation
from jianding.identity import RESIDENT_ID_SHAPE, resident_id_normalise
from jianding.phones import PhoneField
from jianding.roles import STAFF_ROLES, Role

# The years a page may be asked about: year 0 or 10000 is no date at all, and none of them is ours.
YEAR_MIN, YEAR_MAX = 2000, 2100
# The largest id the database holds (BigAutoField); SQLite cannot even be sent a larger number.
ID_MAX = 2**63 - 1


class FormHelperMixin:
    """Give the form a crispy helper without its own <form> tag: the template writes that."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class DecisionForm(FormHelperMixin, forms.Form):
    """The reason given with a decision (``jianding.decisions``); the buttons name the decision."""

    reason = forms.CharField(
        label=_("reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when returning or rejecting."),
    )


class RevisionForm(FormHelperMixin, forms.Form):
    """What the next revision of an approved plan changes, and why (``jianding.revisions``)."""

    basis = forms.CharField(
        label=_("what the revision changes and why"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DateInput(forms.DateInput):
    """The browser's date picker, which wants ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class SignInForm(FormHelperMixin, AuthenticationForm):
    """Sign-in; an ID number typed with a small x or full-width digits still matches."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Login name or ID number")

    def clean_username(self):
        username = self.cleaned_data["username"]
        normalised = resident_id_normalise(username)
        return normalised if RESIDENT_ID_SHAPE.fullmatch(normalised) else username


class StaffForm(FormHelperMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    phone = PhoneField(label=_("mobile phone"), required=False)
    roles = forms.TypedMultipleChoiceField(
        label=_("roles"),
        choices=[(role.value, role.label) for role in STAFF_ROLES],
        coerce=Role,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Grant at least one role.")},
    )
    is_chief_examiner = forms.BooleanField(
        label=_("chief examiner"),
        required=False,
        help_text=_("Only for examiners: supervises scoring and reopens signed sheets."),
    )


class StaffCreateForm(StaffForm):
    username = forms.RegexField(
        label=_("login name"),
        max_length=30,
        regex=r"^[A-Za-z0-9_.-]+$",
        error_messages={
            "invalid": _("Use letters, digits and . _ - only, without spaces."),
        },
    )
    password = forms.CharField(
        label=_("initial password"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Hand it over in person; the person must change it at first sign-in."),
    )
    field_order = ["username", "name", "phone", "roles", "is_chief_examiner", "password"]


class StaffUpdateForm(StaffForm):
    is_active = forms.BooleanField(
        label=_("may sign in"),
        required=False,
        help_text=_("Clear it when the person leaves the center; the record and its history stay."),
    )
    reason = forms.CharField(
        label=_("reason for the change of roles"),
        max_length=200,
        required=False,
        help_text=_("Needed when you grant or withdraw a role; it is kept in the account's history."),
    )


class ImportForm(FormHelperMixin, forms.Form):
    file = forms.FileField(label=_("spreadsheet (.xlsx)"))


def form_refuse(form: forms.Form, error: RuleViolation) -> None:
    """Show a service's refusal on the field it names (or above the form), keeping its code."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, forms.ValidationError(error.message, code=error.code))


class SecondFactorForm(FormHelperMixin, forms.Form):
    token = forms.CharField(
        label=_("code from the app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class SecondFactorSetupForm(SecondFactorForm):
    """The new phone's first code; replacing an enrolled phone also takes a code of the old one."""

    current = forms.CharField(
        label=_("code of your present phone app, or a recovery code"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, replacing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields["current"].required = True
        else:
            del self.fields["current"]


class YearForm(forms.Form):
    """The year a report or a statistics page shows (``?year=``)."""

    year = forms.IntegerField(label=_("year"), min_value=YEAR_MIN, max_value=YEAR_MAX)


def id_asked(value: str) -> int | None:
    """The object id an address parameter names, or None when it names none (``²``, ``1e9``, 30 digits)."""
    try:
        return forms.IntegerField(min_value=1, max_value=ID_MAX).clean(value)
    except ValidationError:
        return None


def year_asked(query) -> int:
    """The year ``?year=`` asks for; this year when it is missing or out of range."""
    form = YearForm(query)
    return form.cleaned_data["year"] if form.is_valid() else timezone.localdate().year


class ModelChoicesField(forms.ModelMultipleChoiceField):
    """Django's field, but an id beyond the database's range is an invalid choice, not an OverflowError."""

    def _check_values(self, value):
        for pk in value:
            digits = str(pk).strip().lstrip("+-")
            if digits.isdecimal() and (len(digits) > len(str(ID_MAX)) or int(digits) > ID_MAX):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)
