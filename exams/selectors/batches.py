"""Reads of batches: who sees which batch, the public list, what waits for approval or opening,
and what still keeps a batch from closing.

Rules: 工作规则 §2, 所长 §3.
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Application, ApplicationStatus
from applicants.selectors import (
    ROSTER_ORDER,
)
from exams.models import (
    Batch,
    BatchStatus,
)
from exams.selectors.sessions import applications_not_seated
from finance.selectors import batch_fee


def batch_list(*, actor) -> QuerySet[Batch]:
    """Return the batches ``actor`` may see, each with ``fee``, its due from the approved fee plan."""
    return (
        Batch.objects.visible_to(actor)
        .select_related("occupation", "plan_line__plan", "fee_item")
        .annotate(fee=batch_fee())
    )


def batch_public_list() -> QuerySet[Batch]:
    """Return the batches open to the public, each with ``fee``, its due from the approved fee plan."""
    return (
        Batch.objects.open_for_registration(timezone.localdate())
        .select_related("occupation")
        .annotate(fee=batch_fee())
        .order_by("registration_closes")
    )


def batches_waiting_for_approval(*, outside_plan: bool) -> QuerySet[Batch]:
    """Draft batches: those outside the plan wait for the director, the others for the deputy."""
    return Batch.objects.filter(status=BatchStatus.DRAFT, plan_line__isnull=outside_plan)


def batches_due_to_open(*, today) -> QuerySet[Batch]:
    """Approved batches whose registration window has begun."""
    return Batch.objects.filter(
        status=BatchStatus.APPROVED, registration_opens__lte=today, registration_closes__gte=today
    )


def batch_close_blockers(*, batch: Batch) -> list[str]:
    """What keeps the batch from closing, as messages naming each applicant.

    Every application must be decided, and every approved applicant hold a
    ticket or a recorded reason why he was not admitted.
    """
    problems = []
    undecided = (
        Application.objects.filter(
            batch=batch, status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED)
        )
        .select_related("applicant")
        .order_by(*ROSTER_ORDER)
    )
    for application in undecided:
        problems.append(
            _("%(name)s: the application is %(status)s; decide it.")
            % {"name": application.applicant.name, "status": application.status_label}
        )
    for application in applications_not_seated(batch=batch):
        problems.append(
            _("%(name)s: approved, not seated; seat him or record why he is not admitted.")
            % {"name": application.applicant.name}
        )
    return problems
