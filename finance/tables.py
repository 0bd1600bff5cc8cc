import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from finance.models import Expense, FeePlan, LedgerEntry
from jianding.money import fen


class FeePlanTable(tables.Table):
    plan = tables.LinkColumn(
        "finance:view_fee_plan", args=[tables.A("pk")], text=str, accessor="pk", verbose_name=_("plan")
    )
    fee_count = tables.Column(verbose_name=_("fees"))
    budget_total = tables.Column(verbose_name=_("budget (yuan)"))

    class Meta:
        model = FeePlan
        fields = ("plan", "status", "fee_count", "budget_total", "created_by", "decided_by", "decided_at")
        attrs = {"class": "table table-hover align-middle"}


class DueTable(tables.Table):
    """The rows of ``selectors.application_dues``: every column is declared, no model named."""

    applicant = tables.LinkColumn(
        "finance:view_dues",
        args=[tables.A("pk")],
        accessor="applicant__name",
        verbose_name=_("applicant"),
        order_by=("applicant__name_sort_key",),
    )
    batch = tables.Column(verbose_name=_("appraisal batch"))
    class_name = tables.Column(verbose_name=_("class or employer"))
    due = tables.Column(verbose_name=_("due (yuan)"))
    paid = tables.Column(verbose_name=_("paid (yuan)"))
    fee_state = tables.Column(
        empty_values=(), orderable=False, verbose_name=pgettext_lazy("payment state", "fee")
    )

    class Meta:
        attrs = {"class": "table table-hover align-middle"}

    def render_due(self, value):
        return fen(value)  # SQLite drops the trailing zeros of an annotation

    def render_fee_state(self, record):
        if record.due is not None and record.paid >= record.due:
            return pgettext_lazy("payment state", "paid")
        if hasattr(record, "fee_deferral"):
            return _("deferred")
        return _("not paid")


class ExpenseTable(tables.Table):
    number = tables.LinkColumn(
        "finance:view_expense", args=[tables.A("pk")], accessor="pk", verbose_name=_("number")
    )

    class Meta:
        model = Expense
        fields = (
            "number",
            "subject",
            "amount",
            "purpose",
            "status",
            "submitted_by",
            "submitted_at",
            "decided_by",
        )
        attrs = {"class": "table table-hover align-middle"}

    def render_purpose(self, value):
        return value if len(value) <= 40 else value[:40] + "…"


class EntryTable(tables.Table):
    reverse = tables.TemplateColumn(
        template_name="finance/includes/reverse_cell.html", orderable=False, verbose_name=_("correction")
    )

    class Meta:
        model = LedgerEntry
        fields = (
            "voucher_number",
            "date",
            "kind",
            "account",
            "subject",
            "amount",
            "description",
            "booked_by",
        )
        attrs = {"class": "table table-hover align-middle"}
