"""Accounts, subjects, fee items, receipt books, and the voucher numbers of the ledger."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from finance.models import Account, Collection, FeeItem, LedgerEntry, ReceiptBook, Subject, VoucherSequence
from jianding.decisions import reason_require
from jianding.errors import RuleViolation
from jianding.money import FEN
from jianding.permissions import require_role
from jianding.roles import Role
from jianding.uploads import upload_check_document


def money_require_positive(amount: Decimal, *, field: str = "amount") -> Decimal:
    """Refuse an amount that is not positive or has more than two decimals (fen)."""
    if amount is None or amount <= 0:
        raise RuleViolation(_("The amount must be more than zero."), field=field, code="amount_not_positive")
    if amount != amount.quantize(FEN):
        raise RuleViolation(_("Amounts are in yuan to the fen."), field=field, code="amount_below_fen")
    return amount


def _unique(create, *, message, field, code):
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        raise RuleViolation(message, field=field, code=code) from None


def account_create(*, actor, name: str, kind: str, number: str = "") -> Account:
    """Open an account (cash box or bank account) of the center's books."""
    require_role(actor, Role.FINANCE)
    account = Account(name=name, kind=kind, number=number)
    account._history_user = actor
    return _unique(
        lambda: account.save() or account,
        message=_("There is an account of this name already."),
        field="name",
        code="account_exists",
    )


def subject_create(*, actor, code: str, name: str, kind: str) -> Subject:
    """Add a subject (科目) of income or expenditure."""
    require_role(actor, Role.FINANCE)
    subject = Subject(code=code, name=name, kind=kind)
    subject._history_user = actor
    return _unique(
        lambda: subject.save() or subject,
        message=_("There is a subject with this code already."),
        field="code",
        code="subject_exists",
    )


def fee_item_create(
    *,
    actor,
    name: str,
    subject: Subject,
    amount: Decimal,
    document_number: str,
    document_date: datetime.date,
    document_scan=None,
) -> FeeItem:
    """Record a fee and the official document that sets its standard."""
    require_role(actor, Role.FINANCE, Role.CLERK)
    money_require_positive(amount)
    if subject.kind != Subject.Kind.INCOME:
        raise RuleViolation(
            _("A fee is income: choose an income subject."), field="subject", code="subject_not_income"
        )
    if not document_number.strip():
        raise RuleViolation(
            _("Name the document that sets this fee."), field="document_number", code="document_required"
        )
    item = FeeItem(
        name=name,
        subject=subject,
        amount=amount,
        document_number=document_number,
        document_date=document_date,
        created_by=actor,
    )
    if document_scan is not None:
        checked, content_type = upload_check_document(document_scan, field="document_scan")
        item.document_scan.save(checked.content.name, checked.content, save=False)
        item.document_content_type = content_type
    item._history_user = actor
    item.save()
    return item


def receipt_book_create(*, actor, series: str, first_number: int, last_number: int) -> ReceiptBook:
    """Register a book of numbered receipts; its numbers are then used in order."""
    require_role(actor, Role.FINANCE)
    if first_number < 1 or last_number < first_number:
        raise RuleViolation(
            _("The last number must not be before the first."), field="last_number", code="book_range"
        )
    book = ReceiptBook(
        series=series, first_number=first_number, last_number=last_number, next_number=first_number
    )
    book._history_user = actor
    return _unique(
        lambda: book.save() or book,
        message=_("There is a receipt book of this series already."),
        field="series",
        code="book_exists",
    )


def voucher_next(*, year: int) -> str:
    """Return the year's next voucher number. Caller is inside a transaction."""
    VoucherSequence.objects.get_or_create(year=year)
    sequence = VoucherSequence.objects.select_for_update().get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:05d}"


def entry_write(*, actor, date: datetime.date, **values) -> LedgerEntry:
    """Write one ledger entry with the next voucher number. Caller is inside a transaction."""
    entry = LedgerEntry(date=date, voucher_number=voucher_next(year=date.year), booked_by=actor, **values)
    entry._history_user = actor
    entry.save()
    return entry


@transaction.atomic
def entry_reverse(*, actor, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """Correct a booked entry by a reversing one; the entry itself is never changed."""
    require_role(actor, Role.FINANCE)
    reason_require(reason, message=_("Say why the entry is reversed."))
    entry = LedgerEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.collection_id is not None:
        # The payment's row, as refund_request locks it: a refund asked meanwhile is seen below,
        # and a refund asked after this reversal finds the payment reversed.
        Collection.objects.select_for_update().get(pk=entry.collection_id)
    if entry.kind == LedgerEntry.Kind.REVERSAL:
        raise RuleViolation(
            _("A reversal is not reversed; book the entry again instead."), code="reversal_of_reversal"
        )
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise RuleViolation(
            _("Entry %(voucher)s is reversed already.") % {"voucher": entry.voucher_number},
            code="reversed_already",
        )
    if (
        entry.kind == LedgerEntry.Kind.COLLECTION
        and entry.collection.refunds.exclude(status="refused").exists()
    ):
        raise RuleViolation(
            _("This payment has refunds; settle them before reversing it."), code="payment_has_refunds"
        )
    return entry_write(
        actor=actor,
        date=timezone.localdate(),
        kind=LedgerEntry.Kind.REVERSAL,
        account=entry.account,
        subject=entry.subject,
        amount=-entry.amount,
        budget_line=entry.budget_line,
        batch=entry.batch,
        application=entry.application,
        reverses=entry,
        description=(
            _("Reversal of %(voucher)s: %(reason)s") % {"voucher": entry.voucher_number, "reason": reason}
        )[:200],
    )
