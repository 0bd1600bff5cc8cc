"""The center's own books [经费管理制度 §1–§6]: subjects, fees, plans, collections, expenses, ledger.

Money is ``Decimal`` to the fen. Ledger entries are written once and never
changed; a correction is a reversing entry.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from jianding.decisions import Decided
from jianding.fields import optional_link
from jianding.money import MONEY


class Account(models.Model):
    """A cash box or bank account of the center's independent books [§1]."""

    class Kind(models.TextChoices):
        CASH = "cash", _("cash")
        BANK = "bank", _("bank account")

    name = models.CharField(pgettext_lazy("finance account", "name"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    number = models.CharField(_("account number"), max_length=40, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Subject(models.Model):
    """A subject (科目) of income or expenditure; money is earmarked by subject [§2]."""

    class Kind(models.TextChoices):
        INCOME = "income", _("income")
        EXPENSE = "expense", _("expenditure")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(pgettext_lazy("subject", "name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class FeeItem(models.Model):
    """A fee and its standard, set by an official document [§2, 管理人员 §7]."""

    name = models.CharField(pgettext_lazy("fee item", "name"), max_length=80)
    subject = models.ForeignKey(
        Subject,
        verbose_name=_("income subject"),
        on_delete=models.PROTECT,
        related_name="fee_items",
        limit_choices_to={"kind": Subject.Kind.INCOME},
    )
    amount = models.DecimalField(_("standard amount (yuan)"), **MONEY)
    document_number = models.CharField(_("document number"), max_length=60)
    document_date = models.DateField(_("document date"))
    document_scan = models.FileField(_("document scan"), upload_to="finance/documents/", blank=True)
    document_content_type = models.CharField(_("content type"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="fee_item_amount_positive")]

    def __str__(self):
        return f"{self.name} ¥{self.amount}"


class FeePlanStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("waiting for the director")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned")
    SUPERSEDED = "superseded", _("superseded by a later revision")


class FeePlan(Decided):
    """The year's fee plan and budget (收费计划及预算) [§3, 管理人员 §7]; a change to an approved plan is a new revision."""

    year = models.PositiveSmallIntegerField(_("year"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    basis = models.TextField(
        _("what changed and why"), blank=True, help_text=_("For a revision: what it changes and why.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=FeePlanStatus.choices, default=FeePlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee plan and budget")
        verbose_name_plural = _("fee plans and budgets")
        ordering = ["-year", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "revision"], name="fee_plan_revision_unique"),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="approved"), name="fee_plan_one_approved_per_year"
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="fee_plan_one_open_revision_per_year",
            ),
        ]

    def __str__(self):
        return _("%(year)d fee plan and budget (revision %(revision)d)") % {
            "year": self.year,
            "revision": self.revision,
        }

    @property
    def is_editable(self) -> bool:
        return self.status in (FeePlanStatus.DRAFT, FeePlanStatus.RETURNED)


class PlanFee(models.Model):
    """A fee item of a plan at the standard in force when it was added."""

    plan = models.ForeignKey(
        FeePlan, verbose_name=_("fee plan"), on_delete=models.CASCADE, related_name="fees"
    )
    fee_item = models.ForeignKey(
        FeeItem, verbose_name=_("fee item"), on_delete=models.PROTECT, related_name="plan_fees"
    )
    amount = models.DecimalField(_("standard amount (yuan)"), **MONEY)
    expected_count = models.PositiveIntegerField(_("expected payers"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planned fee")
        verbose_name_plural = _("planned fees")
        ordering = ["fee_item__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "fee_item"], name="plan_fee_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_fee_amount_positive"),
        ]

    def __str__(self):
        return f"{self.fee_item.name} ¥{self.amount}"


class BudgetLine(models.Model):
    """The budget of one expense subject in a plan; expenses are booked against it."""

    plan = models.ForeignKey(
        FeePlan, verbose_name=_("fee plan"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("expense subject"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    amount = models.DecimalField(_("budget (yuan)"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["subject__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "subject"], name="budget_line_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.plan.year} {self.subject} ¥{self.amount}"


class ReceiptBook(models.Model):
    """A book of numbered receipts (票据); its numbers are used in order, each once."""

    series = models.CharField(_("series"), max_length=20, unique=True)
    first_number = models.PositiveIntegerField(_("first number"))
    last_number = models.PositiveIntegerField(_("last number"))
    next_number = models.PositiveIntegerField(_("next number"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receipt book")
        verbose_name_plural = _("receipt books")
        ordering = ["series"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_number__lte=models.F("last_number")), name="receipt_book_range"
            ),
        ]

    def __str__(self):
        return f"{self.series} ({self.first_number}–{self.last_number})"

    @property
    def is_used_up(self) -> bool:
        return self.next_number > self.last_number


class Collection(Decided):
    """A fee paid for an application, with its receipt; or a refund of one [§3]."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("payment")
        REFUND = "refund", _("refund")

    class Method(models.TextChoices):
        DESK = "desk", _("at the desk")
        TRANSFER = "transfer", _("bank transfer")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the director")
        BOOKED = "booked", _("booked")
        REFUSED = "refused", _("refused")

    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices, default=Kind.PAYMENT)
    status = models.CharField(_("status"), max_length=7, choices=Status.choices, default=Status.BOOKED)
    application = models.ForeignKey(
        "applicants.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="fee_collections",
    )
    plan_fee = models.ForeignKey(
        PlanFee, verbose_name=_("fee"), on_delete=models.PROTECT, related_name="collections"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    method = models.CharField(_("paid"), max_length=8, choices=Method.choices)
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="+"
    )
    receipt_book = optional_link(ReceiptBook, _("receipt book"), related_name="collections")
    receipt_number = models.PositiveIntegerField(_("receipt number"), null=True, blank=True)
    scan = models.FileField(_("scan of the receipt or bank slip"), upload_to="finance/receipts/", blank=True)
    scan_content_type = models.CharField(_("content type"), max_length=40, blank=True)
    refund_of = optional_link("self", _("refund of"), related_name="refunds")
    reason = models.TextField(_("reason"), blank=True)
    date = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee collection")
        verbose_name_plural = _("fee collections")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="collection_amount_positive"),
            models.UniqueConstraint(
                fields=["receipt_book", "receipt_number"],
                condition=Q(receipt_number__isnull=False),
                name="receipt_number_once_per_book",
            ),
            models.CheckConstraint(
                condition=Q(kind="refund", refund_of__isnull=False)
                | Q(kind="payment", refund_of__isnull=True, receipt_number__isnull=False),
                name="collection_payment_has_receipt_refund_has_payment",
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.REFUND:
            return _("Refund ¥%(amount)s") % {"amount": self.amount}
        return _("Receipt %(series)s-%(number)s ¥%(amount)s") % {
            "series": self.receipt_book.series if self.receipt_book_id else "",
            "number": self.receipt_number,
            "amount": self.amount,
        }


class Deferral(Decided):
    """The director's leave to pay later (缓缴): the applicant gets his ticket unpaid."""

    application = models.OneToOneField(
        "applicants.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="fee_deferral",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fee deferral")
        verbose_name_plural = _("fee deferrals")

    def __str__(self):
        return _("Deferral for %(application)s") % {"application": self.application}


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for the signature")
    SIGNED = "signed", _("signed, to be booked")
    RETURNED = "returned", _("returned")
    BOOKED = "booked", _("booked")


class Expense(Decided):
    """A request to spend (一支笔 [§4]): only the director's signature lets finance book it."""

    subject = models.ForeignKey(
        Subject, verbose_name=_("expense subject"), on_delete=models.PROTECT, related_name="expenses"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    purpose = models.TextField(_("purpose"))
    batch = models.ForeignKey(
        "exams.Batch",
        verbose_name=_("appraisal batch"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("The batch the money is spent for, if any."),
    )
    status = models.CharField(
        _("status"), max_length=9, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    over_budget = models.BooleanField(_("signed over its budget line"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expense request")
        verbose_name_plural = _("expense requests")
        ordering = ["-submitted_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")]

    def __str__(self):
        return _("Expense %(number)d: %(subject)s ¥%(amount)s") % {
            "number": self.pk or 0,
            "subject": self.subject.name,
            "amount": self.amount,
        }


class ExpenseAttachment(models.Model):
    """An invoice or other paper of an expense request, checked by the upload checker."""

    expense = models.ForeignKey(
        Expense, verbose_name=_("expense request"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="finance/invoices/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    name = models.CharField(pgettext_lazy("attachment", "name"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expense attachment")
        verbose_name_plural = _("expense attachments")

    def __str__(self):
        return self.name


class LedgerEntry(models.Model):
    """One line of the books, written once; ``amount`` is what came in (+) or went out (−)."""

    class Kind(models.TextChoices):
        COLLECTION = "collection", _("fee collected")
        REFUND = "refund", _("fee refunded")
        EXPENSE = "expense", _("expense")
        REVERSAL = "reversal", _("reversal")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    voucher_number = models.CharField(_("voucher number"), max_length=20, unique=True)
    date = models.DateField(_("date"))
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries"
    )
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="entries"
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    budget_line = optional_link(BudgetLine, _("budget line"), related_name="entries")
    batch = optional_link("exams.Batch", _("appraisal batch"))
    application = optional_link("applicants.Application", _("application"), related_name="fee_entries")
    collection = optional_link(
        Collection, _("fee collection"), related_name="entry", field=models.OneToOneField
    )
    expense = optional_link(Expense, _("expense request"), related_name="entry", field=models.OneToOneField)
    reverses = optional_link("self", _("reverses"), related_name="reversed_by", field=models.OneToOneField)
    description = models.CharField(_("description"), max_length=200)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self):
        return f"{self.voucher_number} {self.subject.name} {self.amount}"


class VoucherSequence(models.Model):
    """The last voucher number given in a year; its row is the lock that keeps numbers in order."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("voucher sequence")
        verbose_name_plural = _("voucher sequences")

    def __str__(self):
        return f"{self.year}: {self.last}"
