"""Reads of batches: who sees which batch, the public list, what waits for approval or opening,
and what still keeps a batch from closing.

Rules: 工作规则 §2, 所长 §3.
"""

import datetime
from collections.abc import Callable

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applicants.models import Application, ApplicationStatus
from applicants.selectors import (
    ROSTER_ORDER,
)
from exams.models import (
    Batch,
    BatchStatus,
    ExamSession,
    SessionStatus,
)
from exams.selectors.results import batches_to_report, objections_open
from exams.selectors.scoring import tallies_to_check
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
    """Draft batches not returned to the clerk: those outside the plan wait for the director, the
    others for the deputy."""
    return Batch.objects.filter(
        status=BatchStatus.DRAFT, decided_at__isnull=True, plan_line__isnull=outside_plan
    )


def batches_due_to_open(*, today) -> QuerySet[Batch]:
    """Approved batches whose registration window has begun."""
    return Batch.objects.filter(
        status=BatchStatus.APPROVED, registration_opens__lte=today, registration_closes__gte=today
    )


def batches_due_to_close(*, today) -> QuerySet[Batch]:
    """Batches still open for registration whose registration end date has passed."""
    return Batch.objects.filter(status=BatchStatus.REGISTRATION_OPEN, registration_closes__lt=today)


def batches_to_arrange() -> QuerySet[Batch]:
    """Batches whose registration is closed and whose seating is not yet published: no session,
    or a session still being arranged."""
    sessions = ExamSession.objects.filter(batch=OuterRef("pk"))
    return Batch.objects.filter(status=BatchStatus.REGISTRATION_CLOSED).filter(
        ~Exists(sessions) | Exists(sessions.filter(status=SessionStatus.ARRANGING))
    )


def batches_examining(*, today) -> QuerySet[Batch]:
    """Batches with an exam session on ``today``: the rooms the deputy patrols."""
    return Batch.objects.filter(Exists(ExamSession.objects.filter(batch=OuterRef("pk"), date=today)))


def batches_with_open_objections() -> QuerySet[Batch]:
    return Batch.objects.filter(pk__in=objections_open().values("batch_id"))


def batches_with_tallies_to_check(*, actor) -> QuerySet[Batch]:
    """Batches with a session tallied by someone else, waiting for ``actor``'s check."""
    return Batch.objects.filter(pk__in=tallies_to_check(actor=actor).values("batch_id"))


# The next steps a batch may wait for, each the batches waiting: the dashboard's cards count them
# and open the batch list filtered by the step (``BatchFilter.step``), so both read one rule.
BATCH_STEPS: dict[str, tuple[str, Callable[..., QuerySet[Batch]]]] = {
    "approve_outside_plan": (
        gettext_lazy("to approve, outside the plan"),
        lambda *, actor, today: batches_waiting_for_approval(outside_plan=True),
    ),
    "approve_from_plan": (
        gettext_lazy("to approve, from the plan"),
        lambda *, actor, today: batches_waiting_for_approval(outside_plan=False),
    ),
    "open_registration": (
        gettext_lazy("registration to open"),
        lambda *, actor, today: batches_due_to_open(today=today),
    ),
    "close_registration": (
        gettext_lazy("registration to close"),
        lambda *, actor, today: batches_due_to_close(today=today),
    ),
    "arrange": (
        gettext_lazy("sessions to arrange and publish"),
        lambda *, actor, today: batches_to_arrange(),
    ),
    "exams_today": (
        gettext_lazy("exams today"),
        lambda *, actor, today: batches_examining(today=today),
    ),
    "tallies": (
        gettext_lazy("tallies to check"),
        lambda *, actor, today: batches_with_tallies_to_check(actor=actor),
    ),
    "objections": (
        gettext_lazy("objections to answer"),
        lambda *, actor, today: batches_with_open_objections(),
    ),
    "report": (
        gettext_lazy("to report to the city center"),
        lambda *, actor, today: batches_to_report(today=today),
    ),
}


def batches_at_step(*, actor, step: str, today: datetime.date | None = None) -> QuerySet[Batch]:
    """Return the batches waiting for ``step`` (a key of ``BATCH_STEPS``), as ``actor`` sees them."""
    waiting = BATCH_STEPS[step][1](actor=actor, today=today or timezone.localdate())
    return Batch.objects.visible_to(actor).filter(pk__in=waiting.values("pk"))


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
