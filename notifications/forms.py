from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Channel, kinds_offered


class PreferencesForm(forms.Form):
    """One set of channel boxes per kind a person may choose for; the portal always shows the message."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds_offered(user)
        for kind in self.kinds:
            self.fields[kind] = forms.MultipleChoiceField(
                label=kind.label,
                choices=Channel.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Unticked: only in the portal."),
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def choices(self) -> dict[str, set[str]]:
        return {kind: set(self.cleaned_data[kind]) for kind in self.kinds}
