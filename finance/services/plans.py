"""The year's fee plan and budget: drafted by a clerk, approved or returned by the director [§3].

An approved plan does not change: a new standard comes in by a revision of it, which the
director approves in turn, as the annual appraisal plan is revised.
"""

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from finance.models import BudgetLine, FeeItem, FeePlan, FeePlanStatus, PlanFee, Subject
from finance.services.books import money_require_positive
from jianding.decisions import decide, reason_require
from jianding.errors import RuleViolation
from jianding.permissions import require_role
from jianding.revisions import revision_first, revision_require_editable, revision_start, revision_supersede
from jianding.roles import Role
from jianding.staff import staff_holding
from notifications.kinds import Kind
from notifications.services import notify


def _locked(plan: FeePlan) -> FeePlan:
    return FeePlan.objects.select_for_update().get(pk=plan.pk)


def _save(obj, actor, reason=""):
    obj._history_user = actor
    if reason:
        obj._change_reason = reason


def fee_plan_create(*, actor, year: int) -> FeePlan:
    """Start the first revision of a year's fee plan and budget; later changes are revisions of it."""
    require_role(actor, Role.CLERK)
    exists = RuleViolation(
        _("There is a fee plan for %(year)d already; open it, or revise it if it is approved.")
        % {"year": year},
        field="year",
        code="plan_exists",
    )
    return revision_first(FeePlan, actor=actor, year=year, exists=exists)


@transaction.atomic
def plan_fee_add(*, actor, plan: FeePlan, fee_item: FeeItem, expected_count: int = 0) -> PlanFee:
    """Put a fee item in the plan at its standard amount."""
    require_role(actor, Role.CLERK)
    plan = _locked(plan)
    revision_require_editable(plan)
    if plan.fees.filter(fee_item=fee_item).exists():
        raise RuleViolation(_("This fee is in the plan already."), field="fee_item", code="fee_in_plan")
    fee = PlanFee(plan=plan, fee_item=fee_item, amount=fee_item.amount, expected_count=expected_count)
    _save(fee, actor)
    fee.save()
    return fee


@transaction.atomic
def budget_line_save(*, actor, plan: FeePlan, subject: Subject, amount: Decimal) -> BudgetLine:
    """Set the budget of an expense subject in the plan (a second time changes it)."""
    require_role(actor, Role.CLERK)
    plan = _locked(plan)
    revision_require_editable(plan)
    if amount is None or amount < 0:
        raise RuleViolation(_("A budget is not negative."), field="amount", code="amount_negative")
    if amount:
        money_require_positive(amount)
    if subject.kind != Subject.Kind.EXPENSE:
        raise RuleViolation(
            _("A budget line is for an expense subject."), field="subject", code="subject_not_expense"
        )
    line = plan.budget_lines.filter(subject=subject).first() or BudgetLine(plan=plan, subject=subject)
    line.amount = amount
    _save(line, actor)
    line.save()
    return line


@transaction.atomic
def fee_plan_submit(*, actor, plan: FeePlan) -> FeePlan:
    """Send a draft or returned plan to the director."""
    require_role(actor, Role.CLERK)
    plan = _locked(plan)
    revision_require_editable(plan)
    if not plan.fees.exists():
        raise RuleViolation(_("Put at least one fee in the plan first."), code="plan_empty")
    plan.status = FeePlanStatus.SUBMITTED
    _save(plan, actor, _("Submitted to the director"))
    plan.save(update_fields=["status"])
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=staff_holding(Role.DIRECTOR).exclude(pk=actor.pk),
        text=gettext_lazy("%(plan)s waits for your approval."),
        params={"plan": plan},
        link=_link(plan),
    )
    return plan


def _link(plan: FeePlan) -> str:
    return reverse("finance:view_fee_plan", args=[plan.pk])


def _decided_notify(actor, plan: FeePlan, text) -> None:
    """Tell the clerk who submitted ``plan`` the director's decision."""
    submitted = plan.history.filter(status=FeePlanStatus.SUBMITTED).order_by("-history_date").first()
    submitter = submitted.history_user if submitted is not None else plan.created_by
    notify(
        kind=Kind.APPROVAL_DECIDED,
        recipients=[submitter] if submitter is not None and submitter.pk != actor.pk else [],
        text=text,
        params={"plan": plan, "reason": plan.decision_reason},
        link=_link(plan),
    )


def _decide(actor, plan, status, reason):
    return decide(
        plan,
        actor=actor,
        status=status,
        waiting=[FeePlanStatus.SUBMITTED],
        refusal=_("Only a submitted plan is decided; this one is %(status)s.")
        % {"status": plan.get_status_display()},
        code="plan_not_submitted",
        reason=reason,
        note=_("Approved"),
    )


@transaction.atomic
def fee_plan_approve(*, actor, plan: FeePlan, reason: str = "") -> FeePlan:
    """Approve a submitted plan [所长 §3]; finance then collects under it, and the revision it replaces is superseded."""
    require_role(actor, Role.DIRECTOR)
    plan = _locked(plan)
    if plan.status == FeePlanStatus.SUBMITTED:
        revision_supersede(plan, actor=actor)
    plan = _decide(actor, plan, FeePlanStatus.APPROVED, reason)
    _decided_notify(actor, plan, gettext_lazy("%(plan)s was approved; fees are collected under it."))
    return plan


@transaction.atomic
def fee_plan_return(*, actor, plan: FeePlan, reason: str) -> FeePlan:
    """Return a submitted plan to the clerk with the reason."""
    require_role(actor, Role.DIRECTOR)
    reason_require(reason, message=_("Say why the plan goes back."))
    plan = _decide(actor, _locked(plan), FeePlanStatus.RETURNED, reason)
    _decided_notify(
        actor, plan, gettext_lazy("%(plan)s was returned: %(reason)s. Correct it and submit it again.")
    )
    return plan


@transaction.atomic
def fee_plan_revise(*, actor, plan: FeePlan, basis: str) -> FeePlan:
    """Start a new revision of an approved plan, its fees and budget copied; the approved one stays in force."""
    require_role(actor, Role.CLERK)
    return revision_start(
        _locked(plan),
        actor=actor,
        basis=basis,
        rows={"fees": ["fee_item_id", "amount", "expected_count"], "budget_lines": ["subject_id", "amount"]},
    )


@transaction.atomic
def plan_fee_remove(*, actor, fee: PlanFee) -> None:
    """Take a fee out of a draft or returned plan (a revision drops a standard no longer in force)."""
    require_role(actor, Role.CLERK)
    revision_require_editable(_locked(fee.plan))
    fee._history_user = actor
    fee.delete()
