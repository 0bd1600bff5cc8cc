from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jianding.forms import FormHelperMixin


class NoticeForm(FormHelperMixin, forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    body = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000)
    publish_at = forms.DateTimeField(
        label=_("publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        initial=timezone.now,
    )


class AskForm(FormHelperMixin, forms.Form):
    asker_name = forms.CharField(label=_("your name"), max_length=30)
    contact = forms.CharField(
        label=_("phone or e-mail (optional, never published)"), max_length=60, required=False
    )
    question = forms.CharField(
        label=_("question"),
        min_length=5,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "min_length": _("Write the question in a few more words."),
            "max_length": _("Keep the question under 1000 characters."),
        },
    )
    # A field people never see; bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."), code="bot")
        return ""


class AnswerForm(FormHelperMixin, forms.Form):
    answer = forms.CharField(label=_("answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    seen_answer = forms.CharField(required=False, widget=forms.HiddenInput, strip=False)
    publish = forms.BooleanField(label=_("publish the question and answer"), required=False, initial=True)
