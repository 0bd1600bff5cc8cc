"""Batches: created from an approved plan line (or approved outside it), edited, and moved through
their statuses from registration to the report.

Rules: 工作规则 §2, 所长 §3 (schemes approved by the director), 管理人员 §6.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.models import Batch, BatchStatus, Occupation, PlanLine
from exams.selectors import batch_close_blockers
from exams.services.occupations import occupation_require_licensed
from finance.selectors import batch_plan_fee, fee_items_in_approved_plans
from jianding import events
from jianding.decisions import decision_record, reason_require
from jianding.documents import DocumentKind
from jianding.errors import RuleViolation
from jianding.permissions import require_role
from jianding.roles import Role, has_role
from jianding.staff import staff_holding
from notifications.kinds import Kind
from notifications.services import notify


@dataclass(frozen=True)
class Transition:
    label: str
    source: BatchStatus
    target: BatchStatus
    roles: tuple[Role, ...]


# The batch's life, each step moved by the role the rules name. Approval of a
# batch outside the annual plan is the director's alone (see batch_approve); the report to the
# city center has its own step, after the publicity (services.publication.batch_report).
TRANSITIONS: dict[str, Transition] = {
    "approve": Transition(
        gettext_lazy("Approve batch and implementation scheme"),
        BatchStatus.DRAFT,
        BatchStatus.APPROVED,
        (Role.DEPUTY, Role.DIRECTOR),
    ),
    "open": Transition(
        gettext_lazy("Open registration"), BatchStatus.APPROVED, BatchStatus.REGISTRATION_OPEN, (Role.CLERK,)
    ),
    "close": Transition(
        gettext_lazy("Close registration"),
        BatchStatus.REGISTRATION_OPEN,
        BatchStatus.REGISTRATION_CLOSED,
        (Role.CLERK,),
    ),
    "start_exam": Transition(
        gettext_lazy("Start the exams"), BatchStatus.REGISTRATION_CLOSED, BatchStatus.IN_EXAM, (Role.DEPUTY,)
    ),
    "start_scoring": Transition(
        gettext_lazy("Move the batch to scoring (exams held)"),
        BatchStatus.IN_EXAM,
        BatchStatus.SCORING,
        (Role.EXAM_STAFF,),
    ),
    "finish": Transition(
        gettext_lazy("Close the batch"), BatchStatus.REPORTED, BatchStatus.CLOSED, (Role.CLERK,)
    ),
}


def batch_transitions_for(*, actor, batch: Batch) -> list[tuple[str, Transition]]:
    """Return the steps ``actor`` may take on ``batch`` now."""
    return [
        (name, step)
        for name, step in TRANSITIONS.items()
        if step.source == batch.status
        and has_role(actor, *batch_step_roles(name, batch))
        and not (name == "approve" and batch.is_returned)
    ]


def batch_step_roles(name: str, batch: Batch) -> tuple[Role, ...]:
    # A batch outside the plan in force (none, or its plan was since revised
    # away) is the director's to approve [所长 §3].
    in_plan = batch.plan_line_id is not None and batch.plan_line.plan.is_in_force
    if name == "approve" and not in_plan:
        return (Role.DIRECTOR,)
    return TRANSITIONS[name].roles


def batch_fee_problem(*, batch: Batch) -> str | None:
    """Say why the batch's fee cannot be collected (so registration cannot open), or None if it can."""
    if batch.fee_item_id is None:
        return _(
            "Choose the batch's fee item from the approved fee plan; registration cannot open without one."
        )
    if batch_plan_fee(batch=batch) is None:
        return _(
            "The fee item “%(item)s” is not in the approved fee plan of %(year)d, so its fee cannot be "
            "collected and registration cannot open. Choose an item of that plan, or have the plan revised."
        ) % {"item": batch.fee_item.name, "year": batch.registration_opens.year}
    return None


def _check_fields(
    *,
    occupation: Occupation,
    level: int,
    plan_line: PlanLine | None,
    registration_opens: datetime.date,
    registration_closes: datetime.date,
    theory_date: datetime.date,
    skill_date: datetime.date,
    fee_item,
    student_documents: list[str],
    social_documents: list[str],
    **_unchecked,
) -> None:
    occupation_require_licensed(occupation, level)
    if plan_line is not None:
        if not plan_line.plan.is_in_force:
            raise RuleViolation(
                _("This line belongs to a plan that is not in force; choose a line of the approved plan."),
                field="plan_line",
                code="plan_not_in_force",
            )
        if (plan_line.occupation_id, plan_line.level) != (occupation.pk, level):
            raise RuleViolation(
                _("The plan line is for %(line)s; the batch must have the same occupation and level.")
                % {"line": plan_line},
                field="plan_line",
                code="plan_line_mismatch",
            )
    if registration_closes < registration_opens:
        raise RuleViolation(
            _("Registration cannot close before it opens."),
            field="registration_closes",
            code="window_reversed",
        )
    for field, day in (("theory_date", theory_date), ("skill_date", skill_date)):
        if day <= registration_closes:
            raise RuleViolation(
                _("The exam must come after registration closes (%(closes)s).")
                % {"closes": registration_closes},
                field=field,
                code="exam_before_registration_closes",
            )
    if fee_item is not None and not fee_items_in_approved_plans().filter(pk=fee_item.pk).exists():
        raise RuleViolation(
            _("Choose the fee item from an approved fee plan."),
            field="fee_item",
            code="fee_not_in_approved_plan",
        )
    for field, kinds in (("student_documents", student_documents), ("social_documents", social_documents)):
        if not kinds or any(kind not in DocumentKind.values for kind in kinds):
            raise RuleViolation(
                _("Choose the documents from the list."), field=field, code="documents_invalid"
            )


BATCH_FIELDS = (
    "occupation",
    "level",
    "plan_line",
    "registration_opens",
    "registration_closes",
    "theory_date",
    "skill_date",
    "fee_item",
    "eligibility",
    "min_age",
    "student_documents",
    "social_documents",
    "scheme",
)


@transaction.atomic
def batch_create(*, actor, **fields) -> Batch:
    """Create a draft batch from a line of the approved plan, or outside the plan."""
    require_role(actor, Role.CLERK)
    _check_fields(**fields)
    batch = Batch.objects.create(created_by=actor, **{key: fields[key] for key in BATCH_FIELDS})
    _approval_waiting_notify(actor=actor, batch=batch)
    return batch


def _approval_waiting_notify(*, actor, batch: Batch) -> None:
    # Whoever may approve it is told: the director alone for a batch outside the plan [所长 §3].
    notify(
        kind=Kind.APPROVAL_WAITING,
        recipients=staff_holding(*batch_step_roles("approve", batch)).exclude(pk=actor.pk),
        text=gettext_lazy(
            "The batch %(batch)s and its implementation scheme wait for your approval; approve it on the batch page."
        ),
        params={"batch": batch},
        link=reverse("exams:view_batch", args=[batch.pk]),
    )


@transaction.atomic
def batch_update(*, actor, batch: Batch, **fields) -> Batch:
    """Change a draft batch; an approved one is changed only by going back to the approver."""
    require_role(actor, Role.CLERK)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.DRAFT:
        raise RuleViolation(
            _("This batch is %(status)s; only a draft can be changed.")
            % {"status": batch.get_status_display()},
            code="batch_not_draft",
        )
    _check_fields(**fields)
    before = {key: getattr(batch, key) for key in BATCH_FIELDS}
    for key in BATCH_FIELDS:
        setattr(batch, key, fields[key])
    returned = batch.is_returned
    if returned and before == {key: getattr(batch, key) for key in BATCH_FIELDS}:
        raise RuleViolation(
            _("Change the batch as the reason says before it goes back for approval."),
            code="batch_unchanged",
        )
    if returned:
        # Changed after its return, it waits for approval again; the history keeps the reason.
        batch.decided_by, batch.decided_at, batch.decision_reason = None, None, ""
        batch._change_reason = _("Changed after its return; waits for approval again")
    batch._history_user = actor
    batch.save()
    if returned:
        _approval_waiting_notify(actor=actor, batch=batch)
    return batch


@transaction.atomic
def batch_return(*, actor, batch: Batch, reason: str) -> Batch:
    """Return a draft batch waiting for approval to the clerk with the reason; he changes it and it
    waits for approval again. Whoever may approve it may return it [所长 §3]."""
    batch = Batch.objects.select_for_update(of=("self",)).select_related("plan_line__plan").get(pk=batch.pk)
    require_role(actor, *batch_step_roles("approve", batch))
    reason_require(reason, message=_("Say why the batch goes back."))
    if batch.status != BatchStatus.DRAFT or batch.is_returned:
        raise RuleViolation(
            _("Only a batch waiting for approval can be returned."),
            code="batch_not_waiting",
        )
    batch.save(update_fields=decision_record(batch, actor=actor, reason=reason))
    # Every clerk, since any clerk may change it: with its creator absent, it still moves on.
    notify(
        kind=Kind.APPROVAL_DECIDED,
        recipients=staff_holding(Role.CLERK).exclude(pk=actor.pk),
        text=gettext_lazy(
            "The batch %(batch)s was returned: %(reason)s. Change it and it waits for approval again."
        ),
        params={"batch": batch, "reason": reason},
        link=reverse("exams:view_batch", args=[batch.pk]),
    )
    return batch


@transaction.atomic
def batch_move(
    *, actor, batch: Batch, action: str, today: datetime.date | None = None, reason: str = ""
) -> Batch:
    """Take one step of the batch's life, as the role the rules name; ``reason`` goes with an approval."""
    if action not in TRANSITIONS:
        raise RuleViolation(_("There is no such step."), code="unknown_step")
    step = TRANSITIONS[action]
    batch = Batch.objects.select_for_update(of=("self",)).select_related("plan_line__plan").get(pk=batch.pk)
    require_role(actor, *batch_step_roles(action, batch))
    if batch.status != step.source:
        raise RuleViolation(
            _("“%(step)s” needs a batch that is %(needed)s; this one is %(status)s.")
            % {"step": step.label, "needed": step.source.label, "status": batch.get_status_display()},
            code="step_out_of_order",
        )
    today = today or timezone.localdate()
    if action == "approve" and batch.is_returned:
        raise RuleViolation(
            _("This batch was returned to the clerk; it can be approved once he has changed it."),
            code="batch_returned",
        )
    if action == "approve" and not batch.scheme.strip():
        raise RuleViolation(
            _("Write the implementation scheme before approving."), field="scheme", code="scheme_missing"
        )
    if action == "open" and (problem := batch_fee_problem(batch=batch)):
        raise RuleViolation(problem, field="fee_item", code="fee_not_in_approved_plan")
    if action == "open" and not batch.registration_opens <= today <= batch.registration_closes:
        raise RuleViolation(
            _("Registration can be opened only between %(opens)s and %(closes)s.")
            % {"opens": batch.registration_opens, "closes": batch.registration_closes},
            code="outside_registration_window",
        )
    if action == "finish":
        blockers = batch_close_blockers(batch=batch)
        if blockers:
            raise RuleViolation(" ".join(blockers), code="close_blocked")
    batch.status = step.target
    update_fields = ["status"]
    batch._change_reason = str(step.label)
    if action == "approve":
        update_fields += decision_record(batch, actor=actor, reason=reason, note=str(step.label))
    batch.save(update_fields=update_fields)
    if action == "approve" and batch.created_by_id != actor.pk:
        notify(
            kind=Kind.APPROVAL_DECIDED,
            recipients=[batch.created_by],
            text=gettext_lazy("The batch %(batch)s was approved; open its registration from %(opens)s."),
            params={"batch": batch, "opens": batch.registration_opens},
            link=reverse("exams:view_batch", args=[batch.pk]),
        )
    if action == "close":
        events.registration_closed.send(sender=Batch, batch=batch, today=today)
    return batch
