"""Forms check the shape of input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finance import selectors
from finance.models import Account, Collection, FeeItem, ReceiptBook, Subject
from jianding.forms import FormHelperMixin
from jianding.money import MONEY


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class AccountForm(FormHelperMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("finance account", "name"), max_length=60)
    kind = forms.ChoiceField(label=_("kind"), choices=Account.Kind.choices)
    number = forms.CharField(label=_("account number"), max_length=40, required=False)


class SubjectForm(FormHelperMixin, forms.Form):
    code = forms.CharField(label=_("code"), max_length=12)
    name = forms.CharField(label=pgettext_lazy("subject", "name"), max_length=60)
    kind = forms.ChoiceField(label=_("kind"), choices=Subject.Kind.choices)


class ReceiptBookForm(FormHelperMixin, forms.Form):
    series = forms.CharField(label=_("series"), max_length=20)
    first_number = forms.IntegerField(label=_("first number"), min_value=1)
    last_number = forms.IntegerField(label=_("last number"), min_value=1)


class FeeItemForm(FormHelperMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("fee item", "name"), max_length=80)
    subject = forms.ModelChoiceField(
        label=_("income subject"), queryset=Subject.objects.filter(kind=Subject.Kind.INCOME, active=True)
    )
    amount = forms.DecimalField(label=_("standard amount (yuan)"), **MONEY)
    document_number = forms.CharField(label=_("document number"), max_length=60)
    document_date = forms.DateField(label=_("document date"), widget=forms.DateInput(attrs={"type": "date"}))
    document_scan = forms.FileField(
        label=_("document scan"), required=False, help_text=_("PDF, JPEG or PNG.")
    )


class FeePlanForm(FormHelperMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)


class PlanFeeForm(FormHelperMixin, forms.Form):
    fee_item = forms.ModelChoiceField(label=_("fee item"), queryset=FeeItem.objects.all())
    expected_count = forms.IntegerField(label=_("expected payers"), min_value=0, initial=0)


class BudgetLineForm(FormHelperMixin, forms.Form):
    subject = forms.ModelChoiceField(
        label=_("expense subject"), queryset=Subject.objects.filter(kind=Subject.Kind.EXPENSE, active=True)
    )
    amount = forms.DecimalField(label=_("budget (yuan)"), **MONEY)


class CollectionForm(FormHelperMixin, forms.Form):
    amount = forms.DecimalField(label=_("amount (yuan)"), **MONEY)
    method = forms.ChoiceField(label=_("paid"), choices=Collection.Method.choices)
    account = forms.ModelChoiceField(label=_("account"), queryset=Account.objects.filter(active=True))
    receipt_book = forms.ModelChoiceField(label=_("receipt book"), queryset=ReceiptBook.objects.all())
    receipt_number = forms.IntegerField(label=_("receipt number"), min_value=1)
    scan = forms.FileField(
        label=_("scan of the receipt or bank slip"), required=False, help_text=_("PDF, JPEG or PNG.")
    )


class RefundForm(FormHelperMixin, forms.Form):
    amount = forms.DecimalField(label=_("amount (yuan)"), **MONEY)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DeferralForm(FormHelperMixin, forms.Form):
    reason = forms.CharField(label=_("reason for the deferral"), widget=forms.Textarea(attrs={"rows": 2}))


class ExpenseForm(FormHelperMixin, forms.Form):
    subject = forms.ModelChoiceField(
        label=_("expense subject"), queryset=Subject.objects.filter(kind=Subject.Kind.EXPENSE, active=True)
    )
    amount = forms.DecimalField(label=_("amount (yuan)"), **MONEY)
    purpose = forms.CharField(label=_("purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    batch = forms.ModelChoiceField(
        label=_("appraisal batch"),
        queryset=selectors.expense_batch_choices(),
        required=False,
        help_text=_("The batch the money is spent for, if any."),
    )
    invoices = MultipleFileField(
        label=_("invoices"), required=False, help_text=_("PDF, JPEG or PNG; several files at once.")
    )


class ResubmitForm(FormHelperMixin, forms.Form):
    amount = forms.DecimalField(label=_("amount (yuan)"), **MONEY)
    purpose = forms.CharField(label=_("purpose"), widget=forms.Textarea(attrs={"rows": 3}))
    invoices = MultipleFileField(
        label=_("more invoices"), required=False, help_text=_("PDF, JPEG or PNG; several files at once.")
    )


class SignForm(FormHelperMixin, forms.Form):
    password = forms.CharField(
        label=_("your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("You sign with your own password."),
    )
    token = forms.CharField(
        label=_("code from the app, or a recovery code"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
        help_text=_("The second factor is asked again for every signature."),
    )
    accept_over_budget = forms.BooleanField(label=_("sign over the budget"), required=False)


class BookForm(FormHelperMixin, forms.Form):
    account = forms.ModelChoiceField(
        label=_("paid from account"), queryset=Account.objects.filter(active=True)
    )


class DayForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
