from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from jianding.forms import FormHelperMixin, phone_validator
from jianding.identity import resident_id_parse


class SignUpForm(FormHelperMixin, forms.Form):
    name = forms.CharField(label=_("name"), max_length=50, help_text=_("As on your ID card."))
    id_number = forms.CharField(
        label=_("resident ID number"),
        max_length=24,
        help_text=_("18 characters; you sign in with it. Birth date and sex are read from it."),
    )
    phone = forms.CharField(label=_("mobile phone"), max_length=20, validators=[phone_validator])
    password1 = forms.CharField(
        label=_("password"),
        widget=forms.PasswordInput,
        help_text=password_validators_help_text_html,
    )
    password2 = forms.CharField(label=_("password again"), widget=forms.PasswordInput)

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_id_number(self):
        return resident_id_parse(self.cleaned_data["id_number"]).number

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
