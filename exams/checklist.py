"""The batch's path as a checklist [工作规则 §3]: each step, who takes it, what is still missing, and where.

Read from the same rules the steps are refused by (the batch's transitions,
the duty shortfalls, the report's refusals), so the list never disagrees with
the buttons.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from exams.models import COUNTED_SHEET_STATUSES, Batch, BatchStatus, ExamSession, SessionStatus, SheetStatus
from exams.selectors import batch_close_blockers
from exams.services.batches import TRANSITIONS, batch_step_roles
from exams.services.publication import PUBLICITY_ROLES, report_missing
from exams.services.results import TALLY_ROLES
from exams.services.seats import duty_shortfalls
from jianding.roles import Role
from jianding.workdays import working_days_between

STATUS_ORDER = list(BatchStatus)


@dataclass
class Missing:
    text: str
    url: str


@dataclass
class PathStep:
    """One step of the batch's path: what it changes, who takes it, and what it still waits for."""

    title: str
    roles: str
    done: bool
    state: str = ""
    missing: list[Missing] = field(default_factory=list)
    url: str = ""
    current: bool = False


def _roles(roles) -> str:
    return "、".join(str(Role(role).label) for role in roles)


def _reached(batch: Batch, status: BatchStatus) -> bool:
    return STATUS_ORDER.index(BatchStatus(batch.status)) >= STATUS_ORDER.index(status)


def _transition(batch: Batch, name: str, missing: list[Missing], url: str) -> PathStep:
    step = TRANSITIONS[name]
    done = _reached(batch, step.target)
    return PathStep(
        title=str(step.label),
        roles=_roles(batch_step_roles(name, batch)),
        done=done,
        state=step.target.label,
        missing=[] if done else missing,
        url=url,
    )


def _sessions(batch: Batch) -> list[ExamSession]:
    return list(
        batch.sessions.annotate(
            counted_sheets=Count(
                "sheets", filter=Q(sheets__status__in=COUNTED_SHEET_STATUSES), distinct=True
            ),
            open_sheets=Count("sheets", filter=Q(sheets__status=SheetStatus.OPEN), distinct=True),
            paper_marks=Count("codes__mark", distinct=True),
        ).order_by("date", "starts_at", "part", "sitting")
    )


def _scoring_missing(session: ExamSession) -> list[Missing]:
    page = reverse("exams:view_session", args=[session.pk])
    if session.checked_at is not None:
        return []
    if session.tallied_at is not None:
        return [
            Missing(
                _("%(session)s: the tally waits for a second person's check.") % {"session": session},
                reverse("exams:check_results", args=[session.pk]),
            )
        ]
    missing = []
    if not session.counted_sheets and not session.paper_marks:
        missing.append(
            Missing(
                _("%(session)s: no score sheets opened and no theory marks imported.") % {"session": session},
                page,
            )
        )
    if session.open_sheets:
        missing.append(
            Missing(
                _("%(session)s: %(count)d score sheets not signed.")
                % {"session": session, "count": session.open_sheets},
                reverse("exams:session_sheets", args=[session.pk]),
            )
        )
    missing.append(Missing(_("%(session)s: not tallied.") % {"session": session}, page))
    return missing


def batch_path(*, batch: Batch, today: datetime.date) -> list[PathStep]:
    """The steps of ``batch`` from draft to closed, each with what still keeps it from being taken."""
    here = reverse("exams:view_batch", args=[batch.pk])
    arrange = reverse("exams:arrange_batch", args=[batch.pk])
    publicity = reverse("exams:batch_publicity", args=[batch.pk])
    sessions = _sessions(batch)

    approve = []
    if batch.is_returned:
        approve.append(
            Missing(
                _("Returned: change the batch as the reason says."),
                reverse("exams:edit_batch", args=[batch.pk]),
            )
        )
    if not batch.scheme.strip():
        approve.append(
            Missing(_("Write the implementation scheme."), reverse("exams:edit_batch", args=[batch.pk]))
        )
    opening = []
    if today < batch.registration_opens:
        opening.append(
            Missing(_("Registration may open from %(day)s.") % {"day": batch.registration_opens}, here)
        )
    closing = []
    if today <= batch.registration_closes:
        closing.append(
            Missing(_("Registration runs until %(day)s.") % {"day": batch.registration_closes}, here)
        )
    exams = [] if sessions else [Missing(_("Add the batch's sessions."), arrange)]
    for session in sessions:
        page = reverse("exams:view_session", args=[session.pk])
        exams += [Missing(f"{session}：{problem}", page) for problem in duty_shortfalls(session)]
        if session.status != SessionStatus.PUBLISHED:
            exams.append(Missing(_("%(session)s: tickets not published.") % {"session": session}, arrange))
    ahead = [
        Missing(_("%(session)s is held on %(day)s.") % {"session": session, "day": session.date}, arrange)
        for session in sessions
        if session.date > today
    ]
    scoring = [missing for session in sessions for missing in _scoring_missing(session)]

    publicised = []
    if batch.publicity_starts is None:
        publicised.append(Missing(_("Publicise the list of those qualified."), publicity))
    elif today <= batch.publicity_ends:
        publicised.append(
            Missing(
                _("The publicity runs until %(end)s: %(days)d working days left.")
                % {"end": batch.publicity_ends, "days": working_days_between(today, batch.publicity_ends)},
                publicity,
            )
        )
    report = [
        Missing(refusal.message, here if refusal.code == "not_scoring" else publicity)
        for refusal in report_missing(batch, today)
        # The publicity has its own step; the status matters once the exams are held.
        if refusal.code not in ("not_publicised", "publicity_running")
        and (refusal.code != "not_scoring" or batch.status == BatchStatus.IN_EXAM)
    ]

    steps = [
        _transition(batch, "approve", approve, here),
        _transition(batch, "open", opening, here),
        _transition(batch, "close", closing, here),
        _transition(batch, "start_exam", exams, arrange),
        _transition(batch, "start_scoring", ahead, here),
        PathStep(
            title=_("Score, tally and check every session"),
            roles=_roles((Role.EXAMINER, *TALLY_ROLES)),
            done=bool(sessions) and not scoring,
            missing=scoring,
            url=arrange,
        ),
        PathStep(
            title=_("Publicise those qualified for %(days)d working days")
            % {"days": settings.PUBLICITY_WORKING_DAYS},
            roles=_roles(PUBLICITY_ROLES),
            done=not publicised,
            missing=publicised,
            url=publicity,
        ),
        PathStep(
            title=_("Record the report to the city center"),
            roles=_roles((Role.CLERK,)),
            done=_reached(batch, BatchStatus.REPORTED),
            state=BatchStatus.REPORTED.label,
            missing=[] if _reached(batch, BatchStatus.REPORTED) else report,
            url=publicity,
        ),
        _transition(
            batch,
            "finish",
            [Missing(problem, arrange) for problem in batch_close_blockers(batch=batch)],
            here,
        ),
    ]
    for step in steps:
        if not step.done:
            step.current = True
            break
    return steps
