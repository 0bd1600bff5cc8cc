"""The annual appraisal plan: drafted by the clerk, approved or returned by the director, and
revised by a new revision.

Rules: 管理人员 §1 (the clerk drafts the plan and its changes), 所长 §3 (the director approves it).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.models import AppraisalPlan, Occupation, PlanLine, PlanStatus
from exams.services.occupations import occupation_require_licensed
from jianding.decisions import decide, reason_require
from jianding.errors import RuleViolation
from jianding.permissions import require_role
from jianding.revisions import revision_first, revision_require_editable, revision_start, revision_supersede
from jianding.roles import Role
from jianding.staff import staff_holding
from notifications.kinds import Kind
from notifications.services import notify


def _locked(plan: AppraisalPlan) -> AppraisalPlan:
    return AppraisalPlan.objects.select_for_update().get(pk=plan.pk)


def plan_create(*, actor, year: int, basis: str = "") -> AppraisalPlan:
    """Start the first revision of a year's plan; later changes are revisions of it."""
    require_role(actor, Role.CLERK)
    exists = RuleViolation(
        _("There is a plan for %(year)d already; open it, or revise it if it is approved.") % {"year": year},
        field="year",
        code="plan_exists",
    )
    return revision_first(AppraisalPlan, actor=actor, year=year, exists=exists, basis=basis)


@transaction.atomic
def plan_line_save(
    *,
    actor,
    plan: AppraisalPlan,
    line: PlanLine | None = None,
    occupation: Occupation,
    level: int,
    month: int,
    expected_applicants: int,
    department: str,
) -> PlanLine:
    """Add a line to a draft or returned plan, or change one of its lines."""
    require_role(actor, Role.CLERK)
    plan = _locked(plan)
    revision_require_editable(plan)
    occupation_require_licensed(occupation, level)
    if expected_applicants < 1:
        raise RuleViolation(
            _("Expect at least one applicant."), field="expected_applicants", code="no_applicants"
        )
    duplicate = plan.lines.filter(occupation=occupation, level=level, month=month)
    if line is not None:
        duplicate = duplicate.exclude(pk=line.pk)
    if duplicate.exists():
        raise RuleViolation(
            _("The plan has this occupation and level in that month already; change that line instead."),
            field="month",
            code="line_duplicate",
        )
    values = {
        "occupation": occupation,
        "level": level,
        "month": month,
        "expected_applicants": expected_applicants,
        "department": department,
    }
    if line is None:
        return PlanLine.objects.create(plan=plan, **values)
    line = PlanLine.objects.select_for_update().filter(pk=line.pk, plan=plan).first()
    if line is None:
        raise RuleViolation(_("Someone removed this line meanwhile; nothing was saved."), code="line_removed")
    for name, value in values.items():
        setattr(line, name, value)
    line.save(update_fields=list(values))
    return line


@transaction.atomic
def plan_line_delete(*, actor, line: PlanLine) -> None:
    """Remove a line from a draft or returned plan."""
    require_role(actor, Role.CLERK)
    revision_require_editable(_locked(line.plan))
    line.delete()


@transaction.atomic
def plan_submit(*, actor, plan: AppraisalPlan) -> AppraisalPlan:
    """Send a draft or returned plan to the director."""
    require_role(actor, Role.CLERK)
    plan = _locked(plan)
    revision_require_editable(plan)
    if not plan.lines.exists():
        raise RuleViolation(_("Add at least one line before submitting the plan."), code="plan_empty")
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = timezone.now()
    plan._change_reason = _("Submitted to the director")
    plan.save(update_fields=["status", "submitted_at"])
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=staff_holding(Role.DIRECTOR).exclude(pk=actor.pk),
        text=gettext_lazy("%(plan)s waits for your approval: approve it or return it with the reason."),
        params={"plan": plan},
        link=reverse("exams:view_plan", args=[plan.pk]),
    )
    return plan


def _decided_notify(*, actor, plan: AppraisalPlan) -> None:
    """Tell the clerk who drafted ``plan`` that the director approved or returned it, and why."""
    if plan.status == PlanStatus.APPROVED:
        text = gettext_lazy("%(plan)s was approved; batches can now be created from its lines.")
    else:
        text = gettext_lazy("%(plan)s was returned: %(reason)s. Correct it and submit it again.")
    notify(
        kind=Kind.APPROVAL_DECIDED,
        recipients=[plan.created_by] if plan.created_by_id != actor.pk else [],
        text=text,
        params={"plan": plan, "reason": plan.decision_reason},
        link=reverse("exams:view_plan", args=[plan.pk]),
    )


@transaction.atomic
def plan_approve(*, actor, plan: AppraisalPlan, reason: str = "") -> AppraisalPlan:
    """Approve a submitted plan [所长 §3]; the revision it replaces is superseded."""
    require_role(actor, Role.DIRECTOR)
    plan = _locked(plan)
    if plan.status == PlanStatus.SUBMITTED:
        revision_supersede(plan, actor=actor)
    plan = decide(
        plan,
        actor=actor,
        status=PlanStatus.APPROVED,
        waiting=[PlanStatus.SUBMITTED],
        refusal=_("Only a submitted plan can be approved; this one is %(status)s.")
        % {"status": plan.get_status_display()},
        code="plan_not_submitted",
        reason=reason,
        note=_("Approved"),
    )
    _decided_notify(actor=actor, plan=plan)
    return plan


@transaction.atomic
def plan_return(*, actor, plan: AppraisalPlan, reason: str) -> AppraisalPlan:
    """Return a submitted plan to the clerk with the reason."""
    require_role(actor, Role.DIRECTOR)
    reason_require(reason, message=_("Say why the plan goes back."))
    plan = _locked(plan)
    plan = decide(
        plan,
        actor=actor,
        status=PlanStatus.RETURNED,
        waiting=[PlanStatus.SUBMITTED],
        refusal=_("Only a submitted plan can be returned; this one is %(status)s.")
        % {"status": plan.get_status_display()},
        code="plan_not_submitted",
        reason=reason,
    )
    _decided_notify(actor=actor, plan=plan)
    return plan


@transaction.atomic
def plan_revise(*, actor, plan: AppraisalPlan, basis: str) -> AppraisalPlan:
    """Start a new revision of an approved plan, its lines copied; the approved one stays in force."""
    require_role(actor, Role.CLERK)
    return revision_start(
        _locked(plan),
        actor=actor,
        basis=basis,
        rows={"lines": ["occupation_id", "level", "month", "expected_applicants", "department"]},
    )
