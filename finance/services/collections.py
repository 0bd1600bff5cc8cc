"""Fees paid for applications, refunds, deferrals, and what an application still owes [§3]."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Application, ApplicationStatus
from finance import selectors
from finance.models import Account, Collection, Deferral, LedgerEntry, ReceiptBook
from finance.services.books import entry_write, money_require_positive
from jianding.decisions import decide, decision_record, reason_require
from jianding.errors import RuleViolation
from jianding.money import fen
from jianding.permissions import require_role
from jianding.roles import Role
from jianding.staff import staff_holding
from jianding.uploads import upload_check_document
from notifications.kinds import Kind
from notifications.services import notify

UNPAYABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
METHOD_ACCOUNT_KIND = {
    Collection.Method.DESK: Account.Kind.CASH,
    Collection.Method.TRANSFER: Account.Kind.BANK,
}


@transaction.atomic
def collection_record(
    *,
    actor,
    application: Application,
    amount: Decimal,
    method: str,
    account: Account,
    receipt_book: ReceiptBook,
    receipt_number: int,
    date: datetime.date | None = None,
    scan=None,
) -> Collection:
    """Record the fee of the application's batch paid, at its approved standard, with the next receipt.

    ``scan`` is the receipt's copy or the bank slip, archived with the collection [§5].
    """
    require_role(actor, Role.FINANCE)
    date = date or timezone.localdate()
    money_require_positive(amount)
    # One payer at a time: two desks taking the same fee at once, on two receipt books, pay it once.
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("applicant", "batch__fee_item")
        .get(pk=application.pk)
    )
    plan_fee = selectors.batch_plan_fee(batch=application.batch)
    if plan_fee is None:
        raise RuleViolation(
            _(
                "The fee of this batch is not in the approved fee plan of %(year)d; nothing is collected for it."
            )
            % {"year": application.batch.registration_opens.year},
            code="fee_not_in_approved_plan",
        )
    if amount != plan_fee.amount:
        raise RuleViolation(
            _("The approved standard of %(fee)s is ¥%(standard)s; collect exactly that.")
            % {"fee": plan_fee.fee_item.name, "standard": plan_fee.amount},
            field="amount",
            code="not_the_standard",
        )
    if application.status in UNPAYABLE_STATUSES:
        raise RuleViolation(
            _("This application is %(status)s; no fee is collected for it.")
            % {"status": application.get_status_display()},
            code="application_not_payable",
        )
    if not account.active or account.kind != METHOD_ACCOUNT_KIND[method]:
        raise RuleViolation(
            _("Money paid %(method)s goes to an account in use of the kind “%(kind)s”.")
            % {
                "method": Collection.Method(method).label,
                "kind": Account.Kind(METHOD_ACCOUNT_KIND[method]).label,
            },
            field="account",
            code="wrong_account",
        )
    book = ReceiptBook.objects.select_for_update().get(pk=receipt_book.pk)
    # Net of refunds: a fee refunded may be paid again, a fee paid (under any revision) not twice.
    paid = fen(
        application.fee_entries.filter(collection__plan_fee__fee_item=plan_fee.fee_item_id).aggregate(
            total=Sum("amount")
        )["total"]
    )
    if paid >= plan_fee.amount:
        raise RuleViolation(
            _("%(name)s has paid %(fee)s already (¥%(paid)s); it is not collected twice.")
            % {"name": application.applicant.name, "fee": plan_fee.fee_item.name, "paid": paid},
            field="application",
            code="already_paid",
        )
    used = Collection.objects.filter(receipt_book=book, receipt_number=receipt_number).first()
    if used is not None:
        raise RuleViolation(
            _("Receipt %(series)s-%(number)d is used already (%(date)s); take the next receipt, %(next)d.")
            % {"series": book.series, "number": receipt_number, "date": used.date, "next": book.next_number},
            field="receipt_number",
            code="receipt_used",
        )
    if book.is_used_up:
        raise RuleViolation(
            _("Receipt book %(series)s is used up; register a new one.") % {"series": book.series},
            field="receipt_book",
            code="book_used_up",
        )
    if receipt_number != book.next_number:
        raise RuleViolation(
            _("Receipts are used in order: the next receipt of book %(series)s is %(next)d.")
            % {"series": book.series, "next": book.next_number},
            field="receipt_number",
            code="receipt_out_of_order",
        )
    collection = Collection(
        application=application,
        plan_fee=plan_fee,
        amount=amount,
        method=method,
        account=account,
        receipt_book=book,
        receipt_number=receipt_number,
        date=date,
        recorded_by=actor,
    )
    if scan is not None:
        checked, content_type = upload_check_document(scan, field="scan")
        collection.scan.save(checked.content.name, checked.content, save=False)
        collection.scan_content_type = content_type
    collection._history_user = actor
    try:
        with transaction.atomic():
            collection.save()
    except IntegrityError:
        raise RuleViolation(
            _("Someone used this receipt a moment ago; take the next one."), code="receipt_used"
        ) from None
    book.next_number += 1
    book._history_user = actor
    book.save(update_fields=["next_number"])
    entry_write(
        actor=actor,
        date=date,
        kind=LedgerEntry.Kind.COLLECTION,
        account=account,
        subject=plan_fee.fee_item.subject,
        amount=amount,
        batch=application.batch,
        application=application,
        collection=collection,
        description=(f"{plan_fee.fee_item.name} {application.applicant.name} {book.series}-{receipt_number}")[
            :200
        ],
    )
    notify(
        kind=Kind.FEE,
        recipients=[application.applicant.user],
        text=gettext_lazy("We received your fee of ¥%(amount)s for %(batch)s, receipt %(receipt)s. Keep it."),
        params={"amount": amount, "batch": application.batch, "receipt": f"{book.series}-{receipt_number}"},
        link=_application_link(application),
    )
    return collection


def _application_link(application: Application) -> str:
    return reverse("applicants:view_application", args=[application.pk])


def fee_due_notify(*, application: Application) -> None:
    """Tell the applicant of an approved application the fee his batch owes; his page says how to pay.

    The desk, the hours and the account stay on the page (``how_to_pay``), which shows only what is
    configured, rather than in a text message that would carry blanks or grow past one SMS.

    Nothing is said when the batch is free, its fee is not in the approved plan yet, or he paid.
    """
    status = selectors.application_fee_status(application=application)
    if not status.due or status.is_paid:
        return
    notify(
        kind=Kind.FEE,
        recipients=[application.applicant.user],
        text=gettext_lazy(
            "The fee of ¥%(amount)s for %(batch)s is due; a transfer carries the reference “%(reference)s”. "
            "Your application page says where and how to pay."
        ),
        params={
            "amount": status.due - status.paid,
            "batch": application.batch,
            "reference": selectors.how_to_pay(application=application).reference,
        },
        link=_application_link(application),
    )


def _refundable(payment: Collection) -> Decimal:
    taken = payment.refunds.exclude(status=Collection.Status.REFUSED).aggregate(total=Sum("amount"))["total"]
    return payment.amount - fen(taken)


@transaction.atomic
def refund_request(*, actor, payment: Collection, amount: Decimal, reason: str) -> Collection:
    """Ask the director to approve a refund of (part of) a payment, with the reason."""
    require_role(actor, Role.FINANCE)
    money_require_positive(amount)
    reason_require(reason, message=_("Say why the fee is refunded."))
    payment = Collection.objects.select_for_update().get(pk=payment.pk)
    if payment.kind != Collection.Kind.PAYMENT:
        raise RuleViolation(_("Only a payment is refunded."), code="not_a_payment")
    if LedgerEntry.objects.filter(reverses__collection=payment).exists():
        raise RuleViolation(
            _("This payment was reversed; nothing is left to refund."), code="payment_reversed"
        )
    left = _refundable(payment)
    if amount > left:
        raise RuleViolation(
            _("At most ¥%(left)s of this payment can still be refunded.") % {"left": left},
            field="amount",
            code="refund_exceeds_payment",
        )
    refund = Collection(
        kind=Collection.Kind.REFUND,
        status=Collection.Status.PENDING,
        application_id=payment.application_id,
        plan_fee_id=payment.plan_fee_id,
        amount=amount,
        method=payment.method,
        account_id=payment.account_id,
        refund_of=payment,
        reason=reason,
        date=timezone.localdate(),
        recorded_by=actor,
    )
    refund._history_user = actor
    refund.save()
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=staff_holding(Role.DIRECTOR).exclude(pk=actor.pk),
        text=gettext_lazy("A refund of ¥%(amount)s to %(name)s waits for your approval: %(reason)s"),
        params={"amount": amount, "name": payment.application.applicant.name, "reason": reason},
        link=_dues_link(refund),
    )
    return refund


def _dues_link(refund: Collection) -> str:
    return reverse("finance:view_dues", args=[refund.application_id])


def _pending_refund(refund: Collection) -> Collection:
    return (
        Collection.objects.select_for_update(of=("self",))
        .select_related("plan_fee__fee_item__subject", "application__applicant", "account")
        .get(pk=refund.pk)
    )


def _refund_decide(actor, refund: Collection, status: str, **decision) -> Collection:
    return decide(
        refund,
        actor=actor,
        status=status,
        waiting=[Collection.Status.PENDING],
        refusal=_("This refund is decided already."),
        code="refund_decided",
        **decision,
    )


@transaction.atomic
def refund_approve(*, actor, refund: Collection) -> Collection:
    """The director approves a refund; it is booked as its own entry."""
    require_role(actor, Role.DIRECTOR)
    refund = _refund_decide(actor, _pending_refund(refund), Collection.Status.BOOKED, note=_("Approved"))
    entry_write(
        actor=actor,
        date=timezone.localdate(),
        kind=LedgerEntry.Kind.REFUND,
        account=refund.account,
        subject=refund.plan_fee.fee_item.subject,
        amount=-refund.amount,
        batch_id=refund.application.batch_id,
        application=refund.application,
        collection=refund,
        description=(f"{refund.plan_fee.fee_item.name} {refund.application.applicant.name}: {refund.reason}")[
            :200
        ],
    )
    notify(
        kind=Kind.FEE,
        recipients=[refund.application.applicant.user],
        text=gettext_lazy("¥%(amount)s of your fee for %(batch)s is refunded: %(reason)s"),
        params={"amount": refund.amount, "batch": refund.application.batch, "reason": refund.reason},
        link=_application_link(refund.application),
    )
    _refund_decided_notify(actor, refund, gettext_lazy("The refund of ¥%(amount)s to %(name)s was approved."))
    return refund


def _refund_decided_notify(actor, refund: Collection, text) -> None:
    """Tell the finance officer who asked for the refund what the director decided."""
    notify(
        kind=Kind.APPROVAL_DECIDED,
        recipients=[refund.recorded_by] if refund.recorded_by_id != actor.pk else [],
        text=text,
        params={
            "amount": refund.amount,
            "name": refund.application.applicant.name,
            "reason": refund.decision_reason,
        },
        link=_dues_link(refund),
    )


@transaction.atomic
def refund_refuse(*, actor, refund: Collection, reason: str) -> Collection:
    """The director refuses a refund, with the reason."""
    require_role(actor, Role.DIRECTOR)
    reason_require(reason, message=_("Say why the refund is refused."))
    refund = _refund_decide(actor, _pending_refund(refund), Collection.Status.REFUSED, reason=reason)
    _refund_decided_notify(
        actor, refund, gettext_lazy("The refund of ¥%(amount)s to %(name)s was refused: %(reason)s")
    )
    return refund


def deferral_grant(*, actor, application: Application, reason: str) -> Deferral:
    """The director lets an applicant pay later (缓缴); he then gets his ticket unpaid."""
    require_role(actor, Role.DIRECTOR)
    reason_require(reason, message=_("Say why payment is deferred."))
    deferral = Deferral(application=application)
    decision_record(deferral, actor=actor, reason=reason)
    try:
        with transaction.atomic():
            deferral.save()
    except IntegrityError:
        raise RuleViolation(_("This application has a deferral already."), code="deferral_exists") from None
    return deferral
