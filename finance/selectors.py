"""Reads of the books: every list starts from what the user may see, with its joins done here."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Application, ApplicationStatus
from finance.models import (
    BudgetLine,
    Collection,
    Deferral,
    Expense,
    ExpenseStatus,
    FeeItem,
    FeePlan,
    FeePlanStatus,
    LedgerEntry,
    PlanFee,
    Subject,
)
from jianding.money import MONEY, fen
from jianding.revisions import Column, Comparison, revisions_compare
from jianding.roles import BOOKS_ROLES, Role, has_role

ZERO = Value(Decimal("0.00"), output_field=DecimalField(**MONEY))


def fee_plan_list(*, actor) -> QuerySet[FeePlan]:
    return FeePlan.objects.select_related("created_by", "decided_by").annotate(
        fee_count=Count("fees", distinct=True), budget_total=Sum("budget_lines__amount")
    )


FEE_COLUMNS = [
    Column(gettext_lazy("fee item"), lambda fee: fee.fee_item.name),
    Column(gettext_lazy("standard amount (yuan)"), lambda fee: fee.amount, numeric=True),
    Column(gettext_lazy("expected payers"), lambda fee: fee.expected_count, numeric=True),
]
BUDGET_COLUMNS = [
    Column(gettext_lazy("expense subject"), str),
    Column(gettext_lazy("budget (yuan)"), lambda line: line.amount, numeric=True),
]


def fee_plan_compare(*, old: FeePlan, new: FeePlan) -> dict[str, Comparison]:
    """Compare two revisions line by line: fees by fee item, budget lines by subject."""

    def fees(plan):
        return plan.fees.select_related("fee_item")

    def lines(plan):
        return plan.budget_lines.select_related("subject")

    return {
        "fees": revisions_compare(
            fees(old),
            fees(new),
            key=lambda fee: fee.fee_item_id,
            order=lambda fee: fee.fee_item.name,
            columns=FEE_COLUMNS,
        ),
        "budget": revisions_compare(
            lines(old),
            lines(new),
            key=lambda line: line.subject_id,
            order=lambda line: line.subject.code,
            columns=BUDGET_COLUMNS,
        ),
    }


def fee_plans_waiting_for_director() -> QuerySet[FeePlan]:
    return FeePlan.objects.filter(status=FeePlanStatus.SUBMITTED)


def _approved_fee(*, fee_item, year) -> QuerySet[PlanFee]:
    # A batch's fee is its fee item in the approved plan of the year its registration opens [§3].
    return PlanFee.objects.filter(plan__status=FeePlanStatus.APPROVED, plan__year=year, fee_item=fee_item)


def batch_plan_fee(*, batch) -> PlanFee | None:
    """Return the approved plan's fee the batch collects, or None if its fee item is not in it."""
    if batch.fee_item_id is None:
        return None
    return (
        _approved_fee(fee_item=batch.fee_item_id, year=batch.registration_opens.year)
        .select_related("plan", "fee_item__subject")
        .first()
    )


def batch_fee(*, path: str = "") -> Case:
    """Annotate the fee due for the batch at ``path``: 0 without a fee item, None if not in the plan."""
    standard = _approved_fee(
        fee_item=OuterRef(f"{path}fee_item"), year=ExtractYear(OuterRef(f"{path}registration_opens"))
    ).values("amount")[:1]
    return Case(
        When(**{f"{path}fee_item__isnull": True}, then=ZERO),
        default=Subquery(standard),
        output_field=DecimalField(**MONEY),
    )


def fee_items_in_approved_plans() -> QuerySet[FeeItem]:
    """The fee items a batch may charge: those of an approved fee plan."""
    return FeeItem.objects.filter(plan_fees__plan__status=FeePlanStatus.APPROVED).distinct()


@dataclass(frozen=True)
class HowToPay:
    desk_address: str
    desk_hours: str
    payee: str
    bank: str
    account: str
    reference: str

    def sentences(self) -> list[str]:
        """Say where and how to pay, in one sentence for the desk and one for a transfer."""
        said = []
        if self.desk_address:
            said.append(
                _("Pay at %(desk)s (%(hours)s).") % {"desk": self.desk_address, "hours": self.desk_hours}
                if self.desk_hours
                else _("Pay at %(desk)s.") % {"desk": self.desk_address}
            )
        if self.account:
            said.append(
                _(
                    "Or transfer to %(payee)s, %(bank)s, account %(account)s, writing “%(reference)s” as the reference."
                )
                % {
                    "payee": self.payee,
                    "bank": self.bank,
                    "account": self.account,
                    "reference": self.reference,
                }
            )
        return said or [_("Ask the center's finance office where and how to pay.")]


def how_to_pay(*, application=None) -> HowToPay:
    """Return where and how the fee is paid (settings), the transfer reference filled in for ``application``."""
    if application is None:
        number, name = _("your application number"), _("name")
    else:
        number, name = str(application.pk), application.applicant.name
    return HowToPay(
        desk_address=settings.FEE_DESK_ADDRESS,
        desk_hours=settings.FEE_DESK_HOURS,
        payee=settings.FEE_BANK_PAYEE,
        bank=settings.FEE_BANK_NAME,
        account=settings.FEE_BANK_ACCOUNT,
        reference=settings.FEE_TRANSFER_REFERENCE.replace("{number}", number).replace("{name}", name),
    )


@dataclass(frozen=True)
class FeeStatus:
    due: Decimal | None  # None: the batch's fee item is not in the approved plan, nothing can be paid
    paid: Decimal
    deferred: bool

    @property
    def is_paid(self) -> bool:
        return self.due is not None and self.paid >= self.due

    @property
    def may_have_ticket(self) -> bool:
        return self.is_paid or self.deferred


def application_fee_status(*, application: Application) -> FeeStatus:
    """Return what the application owes (its batch's approved fee), has paid net of refunds, and any deferral."""
    paid = fen(application.fee_entries.aggregate(total=Sum("amount"))["total"])
    deferred = Deferral.objects.filter(application=application).exists()
    due = (
        Application.objects.filter(pk=application.pk)
        .annotate(due=batch_fee(path="batch__"))
        .values_list("due", flat=True)
        .get()
    )
    return FeeStatus(due=None if due is None else fen(due), paid=paid, deferred=deferred)


def applications_unsettled(*, application_ids) -> list[Application]:
    """Return those of the applications that have neither paid their batch's fee nor a deferral."""
    applications = (
        Application.objects.filter(
            pk__in=list(application_ids), batch__fee_item__isnull=False, fee_deferral__isnull=True
        )
        .select_related("applicant", "batch")
        .annotate(paid=Sum("fee_entries__amount"), due=batch_fee(path="batch__"))
        .order_by("applicant__name_sort_key", "pk")
    )
    return [a for a in applications if a.due is None or (a.paid or 0) < a.due]


def application_dues(*, actor) -> QuerySet[Application]:
    """Applications that owe a fee (not draft, rejected or withdrawn), with what they paid net."""
    return (
        Application.objects.exclude(
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN]
        )
        .select_related("applicant", "batch__occupation", "fee_deferral")
        .annotate(paid=Coalesce(Sum("fee_entries__amount"), ZERO), due=batch_fee(path="batch__"))
        .order_by("batch_id", "applicant__name_sort_key", "pk")
    )


def dues_unpaid(dues: QuerySet[Application]) -> QuerySet[Application]:
    """The applications of ``application_dues`` that have not paid their whole fee, or whose fee is not set."""
    return dues.filter(Q(due__isnull=True) | Q(paid__lt=F("due")))


def application_collections(*, application) -> QuerySet[Collection]:
    return application.fee_collections.select_related(
        "plan_fee__fee_item", "receipt_book", "account", "recorded_by", "decided_by", "entry"
    ).order_by("date", "pk")


def application_collections_history(*, application) -> QuerySet:
    """Every change to the application's payments and refunds, newest first: who, when, what."""
    return (
        Collection.history.filter(application_id=application.pk)
        .select_related("history_user")
        .order_by("-history_date")
    )


def collections_of_day(*, day: datetime.date) -> QuerySet[Collection]:
    """Payments recorded on ``day`` and refunds booked on it: the daily collection report."""
    return (
        Collection.objects.filter(
            Q(kind=Collection.Kind.PAYMENT, date=day) | Q(kind=Collection.Kind.REFUND, entry__date=day)
        )
        .filter(status=Collection.Status.BOOKED)
        .select_related("application__applicant", "application__batch__occupation", "plan_fee__fee_item")
        .select_related("receipt_book", "account", "recorded_by", "entry")
        .order_by("kind", "receipt_book__series", "receipt_number", "pk")
    )


def day_totals(collections) -> dict:
    """Totals of a day's collections by method and by fee, and the net, to the fen."""
    by_method, by_fee = defaultdict(Decimal), defaultdict(Decimal)
    net = Decimal("0.00")
    for collection in collections:
        signed = collection.amount if collection.kind == Collection.Kind.PAYMENT else -collection.amount
        by_method[collection.get_method_display()] += signed
        by_fee[collection.plan_fee.fee_item.name] += signed
        net += signed
    return {"by_method": dict(by_method), "by_fee": dict(by_fee), "net": fen(net)}


def expense_batch_choices() -> QuerySet:
    """The batches an expense may be spent for, reached through the expense's own relation
    (finance sits below exams and does not import it)."""
    return Expense._meta.get_field("batch").related_model.objects.select_related("occupation")


def expense_list(*, actor) -> QuerySet[Expense]:
    """Every request for the books' roles; one's own (and those one must sign) for everybody else."""
    expenses = Expense.objects.select_related("subject", "submitted_by", "decided_by", "batch__occupation")
    if has_role(actor, *BOOKS_ROLES):
        return expenses
    visible = Q(submitted_by=actor)
    if settings.EXPENSE_SELF_APPROVER and actor.username == settings.EXPENSE_SELF_APPROVER:
        # the authority the school names signs the director's own requests, whatever his role
        directors = get_user_model().objects.filter(groups__name=Role.DIRECTOR.value)
        visible |= Q(submitted_by__in=directors)
    return expenses.filter(visible)


def expenses_waiting_signature() -> QuerySet[Expense]:
    return Expense.objects.filter(status=ExpenseStatus.SUBMITTED)


def expenses_to_book() -> QuerySet[Expense]:
    return Expense.objects.filter(status=ExpenseStatus.SIGNED)


def ledger_entries(*, actor) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.select_related(
        "account",
        "subject",
        "booked_by",
        "reverses",
        "reversed_by",
        "batch__occupation",
        "application__applicant",
    )


def ledger_years() -> list[int]:
    return sorted(
        {d.year for d in LedgerEntry.objects.dates("date", "year")}
        | set(FeePlan.objects.values_list("year", flat=True))
    )


@dataclass
class SubjectRow:
    subject: Subject
    months: list[Decimal] = field(default_factory=lambda: [Decimal("0.00")] * 12)

    @property
    def total(self) -> Decimal:
        return sum(self.months, Decimal("0.00"))


def ledger_by_subject_and_month(*, year: int) -> list[SubjectRow]:
    """Each subject's net amount per month of ``year`` (income +, expenditure −), in one query."""
    rows: dict[int, SubjectRow] = {}
    totals = (
        LedgerEntry.objects.filter(date__year=year)
        .annotate(month=ExtractMonth("date"))
        .values("subject", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    subjects = Subject.objects.in_bulk({t["subject"] for t in totals})
    for t in totals:
        row = rows.setdefault(t["subject"], SubjectRow(subjects[t["subject"]]))
        row.months[t["month"] - 1] += fen(t["total"])
    return sorted(rows.values(), key=lambda r: r.subject.code)


@dataclass
class BudgetRow:
    line: BudgetLine
    actual: Decimal

    @property
    def left(self) -> Decimal:
        return self.line.amount - self.actual

    @property
    def percent(self) -> int:
        return int(self.actual * 100 / self.line.amount) if self.line.amount else (100 if self.actual else 0)


def budget_against_actual(*, year: int) -> list[BudgetRow]:
    """The approved budget of ``year``, line by line, against what is booked on each line."""
    # what is booked on the subject's line of any revision of the year's plan
    booked = (
        LedgerEntry.objects.filter(budget_line__plan__year=year, budget_line__subject=OuterRef("subject"))
        .order_by()
        .values("budget_line__subject")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    lines = (
        BudgetLine.objects.filter(plan__year=year, plan__status=FeePlanStatus.APPROVED)
        .select_related("subject")
        .annotate(booked=Coalesce(Subquery(booked), ZERO))
        .order_by("subject__code")
    )
    return [BudgetRow(line=line, actual=fen(-line.booked)) for line in lines]


def batch_income_and_cost(*, year: int) -> list[dict]:
    """Income and cost booked per appraisal batch in ``year``, each batch by its full name."""
    rows = list(
        LedgerEntry.objects.filter(date__year=year, batch__isnull=False)
        .values("batch")
        .annotate(
            income=Coalesce(Sum("amount", filter=Q(subject__kind=Subject.Kind.INCOME)), ZERO),
            cost=Coalesce(Sum("amount", filter=Q(subject__kind=Subject.Kind.EXPENSE)), ZERO),
            one_entry=Min("pk"),
        )
        .order_by("batch__theory_date", "batch")
    )
    # one entry of each batch brings the batch itself, to be named as everywhere else
    entries = LedgerEntry.objects.select_related("batch__occupation").in_bulk([r["one_entry"] for r in rows])
    return [
        {
            "batch": str(entries[r["one_entry"]].batch),
            "income": fen(r["income"]),
            "cost": fen(-r["cost"]),
            "net": fen(r["income"] + r["cost"]),
        }
        for r in rows
    ]


def account_balances() -> QuerySet:
    return (
        LedgerEntry.objects.values("account__name").annotate(balance=Sum("amount")).order_by("account__name")
    )


def refunds_waiting_for_director() -> QuerySet[Collection]:
    return Collection.objects.filter(kind=Collection.Kind.REFUND, status=Collection.Status.PENDING)


def fee_plans_returned() -> QuerySet[FeePlan]:
    return FeePlan.objects.filter(status=FeePlanStatus.RETURNED)


def expenses_waiting_reasons() -> list[str]:
    """Say why waiting requests cannot be signed (no active director, no authority named), once each."""
    from finance.services.expenses import expense_why_waiting

    reasons = []
    # Who may sign depends on who submitted, not on the request: one request of each submitter
    # is asked, so the dashboard's queries do not grow with the requests waiting.
    firsts = (
        expenses_waiting_signature()
        .order_by()
        .values("submitted_by")
        .annotate(first=Min("pk"))
        .values("first")
    )
    for expense in Expense.objects.filter(pk__in=firsts).select_related("submitted_by"):
        reason = expense_why_waiting(expense=expense)
        if reason and reason not in reasons:
            reasons.append(reason)
    return reasons
