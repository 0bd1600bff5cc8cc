"""Reads of results and publication: the results register, who qualified, the basis of a
retake, the publicity and the report deadline, objections, and released results.

Rules: 工作规则 §3, 考务组 §6, and the retake rule of the city center (parts passed are kept).
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from applicants.contributions import RetakeBasis
from applicants.models import Application
from applicants.selectors import (
    ROSTER_ORDER,
)
from exams.models import (
    Batch,
    BatchStatus,
    Objection,
    Outcome,
    PartResult,
)

TENTH = Decimal("0.1")


@dataclass
class RegisterRow:
    application: object
    parts: dict
    qualified: bool


def _register_ready(batch: Batch) -> bool:
    """The register exists once every session of the batch has its tally checked."""
    sessions = list(batch.sessions.all())
    return bool(sessions) and all(session.checked_at is not None for session in sessions)


def qualifies(outcomes) -> bool:
    """A candidate qualifies when every part he sat is passed."""
    return all(outcome == Outcome.PASSED for outcome in outcomes)


def score_register(*, batch: Batch) -> list[RegisterRow] | None:
    """The score register (成绩登记表) of a batch, or None while a session's tally is not checked."""
    if not _register_ready(batch):
        return None
    by_application = {}
    results = (
        PartResult.objects.filter(session__batch=batch)
        .select_related("session", "application__applicant", "application__ticket")
        .order_by(*(f"application__{field}" for field in ROSTER_ORDER))
    )
    for result in results:
        row = by_application.setdefault(result.application_id, RegisterRow(result.application, {}, True))
        row.parts[result.session.part] = result
    for row in by_application.values():
        row.qualified = qualifies(result.outcome for result in row.parts.values())
    return list(by_application.values())


def months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def retake_basis(*, id_number: str, occupation_id: int, level: int, on: datetime.date) -> RetakeBasis | None:
    """The person's latest checked results of this occupation and level, still valid on ``on``,
    where one part was passed and another not — the ground of a retake [报考流程]."""
    since = months_before(on, settings.RETAKE_VALID_MONTHS)
    results = (
        PartResult.objects.filter(
            application__applicant__id_number=id_number,
            application__batch__occupation_id=occupation_id,
            application__batch__level=level,
            session__checked_at__isnull=False,
            session__date__gte=since,
        )
        .select_related("session")
        .order_by("-session__date")
    )
    by_application = {}
    for result in results:
        by_application.setdefault(result.application_id, {})[result.session.part] = result.outcome
    for application_id, outcomes in by_application.items():
        passed = [part for part, outcome in outcomes.items() if outcome == Outcome.PASSED]
        if passed and len(passed) < len(outcomes):
            return RetakeBasis(
                application_id, {part: outcome == Outcome.PASSED for part, outcome in outcomes.items()}
            )
        return None
    return None


def qualified_people(*, batch: Batch) -> list[dict] | None:
    """Those qualified as the public list names them (name, sex, ID number), in roster order.

    The public page's lean read of the register: outcomes and three fields, no
    model objects. None before the register, as ``qualified_rows``.
    """
    if not _register_ready(batch):
        return None
    outcomes = defaultdict(list)
    for application_id, outcome in PartResult.objects.filter(session__batch=batch).values_list(
        "application_id", "outcome"
    ):
        outcomes[application_id].append(outcome)
    chosen = [application_id for application_id, parts in outcomes.items() if qualifies(parts)]
    return list(
        Application.objects.filter(pk__in=chosen)
        .order_by(*ROSTER_ORDER)
        .values("applicant__name", "applicant__sex", "applicant__id_number")
    )


def qualified_rows(*, batch: Batch) -> list[RegisterRow] | None:
    """The second half of the register (报名与合格人员登记表): those qualified, or None before the register."""
    rows = score_register(batch=batch)
    return None if rows is None else [row for row in rows if row.qualified]


def batches_publicised(*, today: datetime.date) -> QuerySet[Batch]:
    return Batch.objects.filter(publicity_starts__lte=today, publicity_ends__gte=today).select_related(
        "occupation"
    )


def batches_to_report(*, today: datetime.date) -> QuerySet[Batch]:
    """Batches whose exams are held and that are not yet reported to the city center.

    The deadline runs from the last exam whether or not exam staff have moved
    the batch to scoring yet: it is on the dashboards either way.
    """
    held = Q(status=BatchStatus.IN_EXAM, theory_date__lte=today, skill_date__lte=today)
    return (
        Batch.objects.filter(held | Q(status=BatchStatus.SCORING))
        .select_related("occupation")
        .order_by("skill_date")
    )


def objections_open() -> QuerySet[Objection]:
    return Objection.objects.filter(answered_at__isnull=True).select_related("batch__occupation")


def released_results() -> Prefetch:
    """An application's results, once its batch is reported, as ``released_results``."""
    return Prefetch(
        "results",
        queryset=PartResult.objects.released().select_related("session").order_by("session__date"),
        to_attr="released_results",
    )
