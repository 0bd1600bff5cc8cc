"""Expense requests under the single signature (一支笔 [经费 §4]).

Any staff member submits; only the director signs or returns, with his
password; a request the director submitted himself goes to the person named
by ``settings.EXPENSE_SELF_APPROVER``. Nothing is approved automatically: a
request with nobody to sign it waits. Finance books only signed requests.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finance.models import (
    Account,
    BudgetLine,
    Expense,
    ExpenseAttachment,
    ExpenseStatus,
    FeePlanStatus,
    LedgerEntry,
    Subject,
)
from finance.services.books import entry_write, money_require_positive
from jianding.decisions import decide, decision_require_pending, reason_require
from jianding.errors import RuleViolation
from jianding.money import fen
from jianding.permissions import require_role
from jianding.roles import STAFF_ROLES, Role, has_role
from jianding.second_factor import signature_confirm
from jianding.uploads import upload_check_document
from notifications.kinds import Kind
from notifications.services import notify

ATTACHMENTS_MAX = 10


def budget_line_for(*, subject: Subject, year: int) -> BudgetLine | None:
    """Return the subject's line in the approved budget of ``year``, if it has one."""
    return (
        BudgetLine.objects.filter(subject=subject, plan__year=year, plan__status=FeePlanStatus.APPROVED)
        .select_related("plan")
        .first()
    )


def budget_line_committed(*, line: BudgetLine, exclude: Expense | None = None) -> Decimal:
    """Return what is booked against the line plus what is signed and waits to be booked."""
    # booked against this subject's line of any revision of the year's plan
    booked = (
        LedgerEntry.objects.filter(
            budget_line__subject=line.subject_id, budget_line__plan__year=line.plan.year
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    signed = Expense.objects.filter(
        status=ExpenseStatus.SIGNED, subject=line.subject, decided_at__year=line.plan.year
    )
    if exclude is not None:
        signed = signed.exclude(pk=exclude.pk)
    waiting = signed.aggregate(total=Sum("amount"))["total"] or 0
    return fen(-booked + waiting)


def _submitter_is_director(expense: Expense) -> bool:
    return has_role(expense.submitted_by, Role.DIRECTOR)


def expense_signers(*, expense: Expense) -> list:
    """Return the active users who may sign the request."""
    User = get_user_model()
    if _submitter_is_director(expense):
        username = getattr(settings, "EXPENSE_SELF_APPROVER", "")
        if not username:
            return []
        return list(
            User.objects.filter(username=username, is_active=True).exclude(pk=expense.submitted_by_id)
        )
    return list(
        User.objects.filter(is_active=True, groups__name=Role.DIRECTOR.value)
        .exclude(pk=expense.submitted_by_id)
        .distinct()
    )


def expense_why_waiting(*, expense: Expense) -> str:
    """Say why nobody can sign the request, or return "" when someone can."""
    if expense.status != ExpenseStatus.SUBMITTED or expense_signers(expense=expense):
        return ""
    if _submitter_is_director(expense):
        return _(
            "The director submitted this request himself, and no active account is named to sign it "
            "(setting EXPENSE_SELF_APPROVER); it waits and is never approved automatically."
        )
    return _("There is no active director account; the request waits and is never approved automatically.")


def expense_may_sign(*, actor, expense: Expense) -> bool:
    """Tell whether ``actor`` may sign or return the request."""
    if not actor.is_active or actor.pk == expense.submitted_by_id:
        return False
    if _submitter_is_director(expense):
        username = getattr(settings, "EXPENSE_SELF_APPROVER", "")
        return bool(username) and actor.username == username
    return has_role(actor, Role.DIRECTOR)


@transaction.atomic
def expense_submit(
    *, actor, subject: Subject, amount: Decimal, purpose: str, invoices=(), batch=None
) -> Expense:
    """Submit a request to spend, with its invoices, for the director's signature."""
    require_role(actor, *STAFF_ROLES)
    money_require_positive(amount)
    if not purpose.strip():
        raise RuleViolation(_("Say what the money is for."), field="purpose", code="purpose_required")
    if subject.kind != Subject.Kind.EXPENSE or not subject.active:
        raise RuleViolation(
            _("Choose an expense subject in use."), field="subject", code="subject_not_expense"
        )
    year = timezone.localdate().year
    if budget_line_for(subject=subject, year=year) is None:
        raise RuleViolation(
            _(
                "“%(subject)s” has no line in the approved budget of %(year)d; money is spent only on budgeted subjects."
            )
            % {"subject": subject.name, "year": year},
            field="subject",
            code="subject_not_budgeted",
        )
    invoices = list(invoices)
    if not invoices:
        raise RuleViolation(_("Attach the invoice."), field="invoices", code="invoice_required")
    if len(invoices) > ATTACHMENTS_MAX:
        raise RuleViolation(
            _("Attach at most %(count)d files.") % {"count": ATTACHMENTS_MAX},
            field="invoices",
            code="too_many",
        )
    checked = _checked_invoices(invoices)
    expense = Expense(subject=subject, amount=amount, purpose=purpose, batch=batch, submitted_by=actor)
    expense._history_user = actor
    expense.save()
    _attach(actor, expense, checked)
    _waiting_notify(expense)
    return expense


def _link(expense: Expense) -> str:
    return reverse("finance:view_expense", args=[expense.pk])


def _waiting_notify(expense: Expense) -> None:
    """Tell those who may sign ``expense`` that it waits for their signature, on the page where they sign."""
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=expense_signers(expense=expense),
        text=gettext_lazy("%(name)s asks you to sign an expense of ¥%(amount)s: %(purpose)s"),
        params={"name": expense.submitted_by, "amount": expense.amount, "purpose": expense.purpose},
        link=_link(expense),
    )


def _decided_notify(expense: Expense, text) -> None:
    """Tell the submitter of ``expense`` what was decided; the signer is never its submitter."""
    notify(
        kind=Kind.APPROVAL_DECIDED,
        recipients=[expense.submitted_by],
        text=text,
        params={"amount": expense.amount, "purpose": expense.purpose, "reason": expense.decision_reason},
        link=_link(expense),
    )


def _checked_invoices(invoices) -> list:
    return [(upload, *upload_check_document(upload, field="invoices")) for upload in invoices]


def _attach(actor, expense: Expense, checked) -> None:
    for upload, file, content_type in checked:
        attachment = ExpenseAttachment(
            expense=expense,
            content_type=content_type,
            size=file.size,
            sha256=file.sha256,
            name=(upload.name or "")[:120],
        )
        attachment.file.save(file.content.name, file.content, save=False)
        attachment._history_user = actor
        attachment.save()


@transaction.atomic
def expense_resubmit(*, actor, expense: Expense, amount: Decimal, purpose: str, invoices=()) -> Expense:
    """The submitter corrects a returned request and sends it to be signed again; its history keeps both."""
    expense = Expense.objects.select_for_update(of=("self",)).select_related("subject").get(pk=expense.pk)
    if expense.submitted_by_id != actor.pk:
        raise PermissionDenied
    if expense.status != ExpenseStatus.RETURNED:
        raise RuleViolation(
            _("Only a returned request is corrected; this one is %(status)s.")
            % {"status": expense.get_status_display()},
            code="expense_not_returned",
        )
    money_require_positive(amount)
    if not purpose.strip():
        raise RuleViolation(_("Say what the money is for."), field="purpose", code="purpose_required")
    invoices = list(invoices)
    if expense.attachments.count() + len(invoices) > ATTACHMENTS_MAX:
        raise RuleViolation(
            _("Attach at most %(count)d files.") % {"count": ATTACHMENTS_MAX},
            field="invoices",
            code="too_many",
        )
    _attach(actor, expense, _checked_invoices(invoices))
    expense.amount, expense.purpose, expense.status = amount, purpose, ExpenseStatus.SUBMITTED
    expense.decided_by, expense.decided_at = None, None
    expense._history_user = actor
    expense._change_reason = _("Corrected and submitted again")
    expense.save(update_fields=["amount", "purpose", "status", "decided_by", "decided_at"])
    _waiting_notify(expense)
    return expense


def _undecided(expense: Expense) -> dict:
    return {
        "waiting": [ExpenseStatus.SUBMITTED],
        "refusal": _("This request is %(status)s; it is decided already.")
        % {"status": expense.get_status_display()},
        "code": "expense_decided",
    }


def _to_decide(actor, expense: Expense) -> Expense:
    expense = (
        Expense.objects.select_for_update(of=("self",))
        .select_related("subject", "submitted_by")
        .get(pk=expense.pk)
    )
    if not expense_may_sign(actor=actor, expense=expense):
        raise PermissionDenied
    decision_require_pending(expense, **_undecided(expense))
    return expense


def _decide(actor, expense: Expense, status: str, **decision) -> Expense:
    return decide(expense, actor=actor, status=status, **_undecided(expense), **decision)


def expense_over_budget(*, expense: Expense) -> tuple[Decimal, Decimal] | None:
    """Return (budget, committed) when signing the request would pass its budget line, else None."""
    line = budget_line_for(subject=expense.subject, year=timezone.localdate().year)
    if line is None:
        return Decimal(0), Decimal(0)
    committed = budget_line_committed(line=line, exclude=expense)
    if committed + expense.amount > line.amount:
        return line.amount, committed
    return None


def expense_sign(
    *, actor, expense: Expense, password: str, token: str = "", accept_over_budget: bool = False
) -> Expense:
    """The director signs the request with his password and his second factor (``token``, when he has
    one); over its budget line only when he accepts that."""
    signature_confirm(actor, password=password, token=token)
    return _expense_sign(actor=actor, expense=expense, accept_over_budget=accept_over_budget)


@transaction.atomic
def _expense_sign(*, actor, expense: Expense, accept_over_budget: bool) -> Expense:
    expense = _to_decide(actor, expense)
    line = budget_line_for(subject=expense.subject, year=timezone.localdate().year)
    if line is not None:
        # Two signatures on one line at once: the second sees the first's amount as committed.
        BudgetLine.objects.select_for_update().get(pk=line.pk)
    over = expense_over_budget(expense=expense)
    if over is not None and not accept_over_budget:
        budget, committed = over
        raise RuleViolation(
            _(
                "This request passes its budget line: budget ¥%(budget)s, already committed ¥%(committed)s, "
                "this request ¥%(amount)s. Tick “sign over the budget” if you approve it all the same."
            )
            % {"budget": budget, "committed": committed, "amount": expense.amount},
            field="accept_over_budget",
            code="over_budget",
        )
    expense.over_budget = over is not None
    note = _("Signed over the budget") if over else _("Signed")
    expense = _decide(actor, expense, ExpenseStatus.SIGNED, note=note, also=["over_budget"])
    _decided_notify(
        expense, gettext_lazy("Your expense of ¥%(amount)s (%(purpose)s) was signed; finance can book it.")
    )
    return expense


@transaction.atomic
def expense_return(*, actor, expense: Expense, reason: str) -> Expense:
    """The director returns the request with the reason; it is not booked."""
    reason_require(reason, message=_("Say why the request goes back."))
    expense = _decide(actor, _to_decide(actor, expense), ExpenseStatus.RETURNED, reason=reason)
    _decided_notify(
        expense,
        gettext_lazy(
            "Your expense of ¥%(amount)s (%(purpose)s) was returned: %(reason)s. Correct it and submit it again."
        ),
    )
    return expense


@transaction.atomic
def expense_book(
    *, actor, expense: Expense, account: Account, date: datetime.date | None = None
) -> LedgerEntry:
    """Finance books a signed request against its budget line, with the next voucher number."""
    require_role(actor, Role.FINANCE)
    date = date or timezone.localdate()
    expense = Expense.objects.select_for_update(of=("self",)).select_related("subject").get(pk=expense.pk)
    if expense.status != ExpenseStatus.SIGNED:
        raise RuleViolation(
            _("Only a request the director signed is booked; this one is %(status)s.")
            % {"status": expense.get_status_display()},
            code="expense_not_signed",
        )
    if not account.active:
        raise RuleViolation(_("This account is not in use."), field="account", code="account_closed")
    line = budget_line_for(subject=expense.subject, year=date.year)
    if line is None:
        raise RuleViolation(
            _("“%(subject)s” has no line in the approved budget of %(year)d.")
            % {"subject": expense.subject.name, "year": date.year},
            code="subject_not_budgeted",
        )
    expense.status = ExpenseStatus.BOOKED
    expense._history_user = actor
    expense._change_reason = _("Booked")
    expense.save(update_fields=["status"])
    return entry_write(
        actor=actor,
        date=date,
        kind=LedgerEntry.Kind.EXPENSE,
        account=account,
        subject=expense.subject,
        amount=-expense.amount,
        budget_line=line,
        batch_id=expense.batch_id,
        expense=expense,
        description=expense.purpose[:200],
    )
