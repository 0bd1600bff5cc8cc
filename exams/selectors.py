import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.models import Application, ApplicationStatus
from applicants.selectors import (
    COUNTED_STATUSES,
    ROSTER_ORDER,
    ROSTER_STATUSES,
    application_list,
    applied_occupation_levels,
)
from exams.models import (
    AbsenceKind,
    AbsenceStatus,
    AppraisalPlan,
    BankStatus,
    Batch,
    BatchStatus,
    ExamSession,
    Level,
    Objection,
    Occupation,
    Outcome,
    PartResult,
    PlanLine,
    PlanStatus,
    ProctorAbsence,
    QuestionBank,
    Room,
    ScoreSheet,
    Seat,
    SessionPart,
    SessionRoom,
    SessionStatus,
    SheetStatus,
    Ticket,
)
from finance.selectors import batch_fee
from jianding.roles import Role, has_role

TENTH = Decimal("0.1")


def occupation_list() -> QuerySet[Occupation]:
    return Occupation.objects.all()


def plan_list(*, actor) -> QuerySet[AppraisalPlan]:
    return (
        AppraisalPlan.objects.visible_to(actor)
        .select_related("created_by", "decided_by")
        .annotate(line_count=Count("lines"), expected_total=Sum("lines__expected_applicants"))
    )


def plan_previous_revision(*, plan: AppraisalPlan) -> AppraisalPlan | None:
    return (
        AppraisalPlan.objects.filter(year=plan.year, revision__lt=plan.revision).order_by("-revision").first()
    )


def plan_lines(*, plan: AppraisalPlan) -> QuerySet[PlanLine]:
    return plan.lines.select_related("occupation")


def plan_lines_in_force() -> QuerySet[PlanLine]:
    """Return the lines of the approved plans, to create batches from."""
    return PlanLine.objects.filter(plan__in=AppraisalPlan.objects.in_force()).select_related(
        "plan", "occupation"
    )


@dataclass(frozen=True)
class LineChange:
    kind: str  # "added", "removed", "changed" or "same"
    old: PlanLine | None
    new: PlanLine | None


def plan_compare(*, old: AppraisalPlan, new: AppraisalPlan) -> list[LineChange]:
    """Compare two revisions line by line (a line is its occupation, level and month)."""
    before = {line.key(): line for line in plan_lines(plan=old)}
    after = {line.key(): line for line in plan_lines(plan=new)}
    changes = []
    for key in sorted(before.keys() | after.keys(), key=lambda k: (k[2], k[0], -k[1])):
        a, b = before.get(key), after.get(key)
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        elif (a.expected_applicants, a.department) != (b.expected_applicants, b.department):
            kind = "changed"
        else:
            kind = "same"
        changes.append(LineChange(kind, a, b))
    return changes


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


def bank_list(*, actor) -> QuerySet[QuestionBank]:
    """Staff see every bank; an applicant the approved banks of the batches he applied to."""
    banks = QuestionBank.objects.visible_to(actor)
    if has_role(actor, Role.APPLICANT):
        pairs = applied_occupation_levels(actor=actor)
        wanted = Q(pk__in=[])
        for occupation_id, level in pairs:
            wanted |= Q(occupation_id=occupation_id, level=level)
        banks = QuestionBank.objects.filter(wanted, status=BankStatus.APPROVED)
    return banks.select_related("occupation", "uploaded_by", "decided_by")


@dataclass(frozen=True)
class StatisticsRow:
    occupation: str
    level: str
    month: int
    batches: int
    planned_applicants: int
    applicants: int


def statistics_by_month(*, year: int) -> list[StatisticsRow]:
    """Batches held, applicants planned and applicants who applied, per occupation, level and month."""
    planned = {
        (row["occupation"], row["level"], row["month"]): row["planned"]
        for row in PlanLine.objects.filter(plan__year=year, plan__in=AppraisalPlan.objects.in_force())
        .values("occupation", "level", "month")
        .annotate(planned=Sum("expected_applicants"))
    }
    held, applied = {}, {}
    for row in (
        Batch.objects.exclude(status=BatchStatus.DRAFT)
        .annotate(year=ExtractYear("theory_date"), month=ExtractMonth("theory_date"))
        .filter(year=year)
        .values("occupation", "level", "month")
        .annotate(
            batches=Count("pk", distinct=True),
            applied=Count("applications", filter=Q(applications__status__in=COUNTED_STATUSES), distinct=True),
        )
    ):
        key = (row["occupation"], row["level"], row["month"])
        held[key], applied[key] = row["batches"], row["applied"]
    keys = planned.keys() | held.keys()
    occupations = Occupation.objects.in_bulk({occupation for occupation, _level, _month in keys})
    return [
        StatisticsRow(
            occupation=str(occupations[occupation]),
            level=Level(level).label,
            month=month,
            batches=held.get((occupation, level, month), 0),
            planned_applicants=planned.get((occupation, level, month), 0),
            applicants=applied.get((occupation, level, month), 0),
        )
        for occupation, level, month in sorted(keys, key=lambda k: (k[2], occupations[k[0]].code, -k[1]))
    ]


def plans_waiting_for_director() -> QuerySet[AppraisalPlan]:
    return AppraisalPlan.objects.filter(status=PlanStatus.SUBMITTED)


def plans_returned() -> QuerySet[AppraisalPlan]:
    return AppraisalPlan.objects.filter(status=PlanStatus.RETURNED)


def batches_waiting_for_approval(*, outside_plan: bool) -> QuerySet[Batch]:
    """Draft batches: those outside the plan wait for the director, the others for the deputy."""
    return Batch.objects.filter(status=BatchStatus.DRAFT, plan_line__isnull=outside_plan)


def batches_due_to_open(*, today) -> QuerySet[Batch]:
    """Approved batches whose registration window has begun."""
    return Batch.objects.filter(
        status=BatchStatus.APPROVED, registration_opens__lte=today, registration_closes__gte=today
    )


def banks_waiting_for_deputy() -> QuerySet[QuestionBank]:
    return QuestionBank.objects.filter(status=BankStatus.PENDING)


def batch_is_open_for_registration(*, batch_id: int, today) -> bool:
    return Batch.objects.open_for_registration(today).filter(pk=batch_id).exists()


def room_list() -> QuerySet[Room]:
    return Room.objects.all()


def session_list(*, actor) -> QuerySet[ExamSession]:
    return ExamSession.objects.visible_to(actor).select_related("batch__occupation")


def session_rooms(*, session: ExamSession) -> QuerySet[SessionRoom]:
    """The rooms of a session in seating order, with their seat counts and proctors."""
    return (
        session.session_rooms.select_related("room")
        .prefetch_related("proctors")
        .annotate(seated=Count("seats"))
        .order_by("order")
    )


def seat_list(*, session: ExamSession) -> QuerySet[Seat]:
    """The seats of a session, room by room, with the candidate and his ticket."""
    return session.seats.select_related(
        "session_room__room", "application__applicant", "application__ticket"
    ).order_by("session_room__order", "number")


def ticket_list(*, batch_id: int, session_room_id: int | None = None) -> QuerySet[Ticket]:
    """Tickets of a batch (or of the candidates seated in one room), ready to print."""
    tickets = Ticket.objects.filter(application__batch_id=batch_id)
    if session_room_id is not None:
        tickets = tickets.filter(application__seats__session_room_id=session_room_id)
    return (
        tickets.select_related("application__applicant", "application__batch__occupation")
        .prefetch_related(
            Prefetch(
                "application__seats",
                queryset=Seat.objects.select_related("session", "session_room__room").order_by(
                    "session__date", "session__starts_at"
                ),
            ),
            "application__documents",
        )
        .order_by("number")
    )


def tickets_published(*, batch_id: int) -> bool:
    """Whether the batch's seating is published: it has sessions and none is still being arranged."""
    statuses = set(ExamSession.objects.filter(batch_id=batch_id).values_list("status", flat=True))
    return statuses == {SessionStatus.PUBLISHED}


def applications_not_seated(*, batch: Batch) -> QuerySet[Application]:
    """Approved applications of the batch that hold no ticket, in roster order."""
    return (
        Application.objects.filter(batch=batch, status__in=ROSTER_STATUSES, ticket__isnull=True)
        .select_related("applicant")
        .order_by(*ROSTER_ORDER)
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


def ticket_of(*, actor, application_id: int) -> Ticket | None:
    """The ticket of an application its owner or a reviewer may print, once published."""
    application = application_list(actor=actor).filter(pk=application_id).first()
    if application is None:
        return None
    return ticket_list(batch_id=application.batch_id).filter(application=application).first()


@dataclass(frozen=True)
class ScheduleRow:
    session: ExamSession
    rooms: str
    candidates: int
    proctors: str


def schedule_rows(*, batch: Batch) -> list[ScheduleRow]:
    """The implementation schedule (实施安排表): each session with its rooms, candidates and proctors."""
    rows = []
    sessions = batch.sessions.prefetch_related("session_rooms__room", "session_rooms__proctors").annotate(
        candidates=Count("seats")
    )
    for session in sessions.order_by("date", "starts_at", "part", "sitting"):
        session_rooms = sorted(session.session_rooms.all(), key=lambda session_room: session_room.order)
        proctors = {proctor.name for session_room in session_rooms for proctor in session_room.proctors.all()}
        rows.append(
            ScheduleRow(
                session=session,
                rooms="、".join(str(session_room.room) for session_room in session_rooms),
                candidates=session.candidates,
                proctors="、".join(sorted(proctors)),
            )
        )
    return rows


def sheets_to_score(*, actor) -> QuerySet[ScoreSheet]:
    """The examiner's sheets still open."""
    return ScoreSheet.objects.of_examiner(actor).filter(status=SheetStatus.OPEN)


def leave_requests_pending() -> QuerySet[ProctorAbsence]:
    return ProctorAbsence.objects.filter(kind=AbsenceKind.LEAVE, status=AbsenceStatus.PENDING)


def duties_ahead(*, actor) -> QuerySet[SessionRoom]:
    """Rooms the proctor guards today or later."""
    return SessionRoom.objects.filter(proctors=actor, session__date__gte=timezone.localdate())


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


@dataclass(frozen=True)
class RetakeBasis:
    """An earlier application whose passed parts a retake keeps, with each part's outcome."""

    application_id: int
    outcomes: dict


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
            return RetakeBasis(application_id, outcomes)
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


def tallies_to_check(*, actor) -> QuerySet[ExamSession]:
    """Sessions tallied and not yet checked, that ``actor`` did not tally himself: his to check."""
    return (
        ExamSession.objects.filter(tallied_at__isnull=False, checked_at__isnull=True)
        .exclude(tallied_by=actor)
        .order_by("tallied_at")
    )


def objections_open() -> QuerySet[Objection]:
    return Objection.objects.filter(answered_at__isnull=True).select_related("batch__occupation")


@dataclass
class RateRow:
    label: str
    candidates: int = 0
    qualified: int = 0

    @property
    def rate(self) -> float:
        return round(100 * self.qualified / self.candidates, 1) if self.candidates else 0.0


@dataclass
class ExaminerRow:
    examiner: str
    sheets: int
    passed: int
    mean_total: Decimal
    deviation: Decimal

    @property
    def rate(self) -> float:
        """The share of his sheets whose total reaches the pass mark."""
        return round(100 * self.passed / self.sheets, 1) if self.sheets else 0.0

    @property
    def flagged(self) -> bool:
        return abs(self.deviation) > settings.EXAMINER_OUTLIER_POINTS


@dataclass
class ResultStatistics:
    by_occupation: list[RateRow]
    by_class: list[RateRow]
    by_category: list[RateRow]
    distribution: dict[str, list[int]]
    examiners: list[ExaminerRow]


SCORE_BINS = [f"{low}–{low + 9}" for low in range(0, 90, 10)] + ["90–100"]


def _rates(groups: dict[str, list[bool]]) -> list[RateRow]:
    return [
        RateRow(label, len(values), sum(values))
        for label, values in sorted(groups.items(), key=lambda kv: kv[0])
    ]


def examiner_deviations(sheets) -> list[ExaminerRow]:
    """Each examiner's mean sheet total, and how far on average it stands from his peers' on the same candidates.

    ``sheets`` are signed sheets with ``scores`` prefetched and ``examiner__user`` and
    ``session__batch`` selected; a sheet passes when its total reaches the batch's pass mark.
    """
    totals = defaultdict(dict)
    names = {}
    passed = defaultdict(int)
    for sheet in sheets:
        total = sum((score.points for score in sheet.scores.all() if score.points is not None), Decimal(0))
        totals[sheet.code_id][sheet.examiner_id] = total
        names[sheet.examiner_id] = sheet.examiner.user.name
        passed[sheet.examiner_id] += total >= sheet.session.batch.pass_mark
    own, gaps = defaultdict(list), defaultdict(list)
    for by_examiner in totals.values():
        for examiner_id, total in by_examiner.items():
            own[examiner_id].append(total)
            peers = [value for other, value in by_examiner.items() if other != examiner_id]
            if peers:
                gaps[examiner_id].append(total - sum(peers, Decimal(0)) / len(peers))
    rows = []
    for examiner_id, values in own.items():
        mean = sum(values, Decimal(0)) / len(values)
        gap = sum(gaps[examiner_id], Decimal(0)) / len(gaps[examiner_id]) if gaps[examiner_id] else Decimal(0)
        rows.append(
            ExaminerRow(
                names[examiner_id],
                len(values),
                passed[examiner_id],
                mean.quantize(TENTH),
                gap.quantize(TENTH),
            )
        )
    return sorted(rows, key=lambda row: (-abs(row.deviation), row.examiner))


def result_statistics(*, year: int, occupation_id: int | None = None) -> ResultStatistics:
    """Pass rates by occupation and level, class and category; score distributions per part; examiners.

    Counts candidates of checked tallies held in ``year``; one qualifies when every part he sat is passed.
    """
    # Only batches whose every tally is checked: a half-scored batch would count a part as the whole.
    results = PartResult.objects.filter(session__date__year=year).exclude(
        session__batch__sessions__checked_at__isnull=True
    )
    if occupation_id:
        results = results.filter(session__batch__occupation_id=occupation_id)
    results = results.select_related("session__batch__occupation", "application")
    passed_all = {}
    applications = {}
    distribution = {part.label: [0] * len(SCORE_BINS) for part in SessionPart}
    for result in results:
        applications[result.application_id] = (result.application, result.session.batch)
        passed_all[result.application_id] = passed_all.get(result.application_id, True) and (
            result.outcome == Outcome.PASSED
        )
        if result.points is not None:
            index = min(int(result.points) // 10, len(SCORE_BINS) - 1)
            distribution[SessionPart(result.session.part).label][index] += 1
    by_occupation, by_class, by_category = defaultdict(list), defaultdict(list), defaultdict(list)
    for application_id, (application, batch) in applications.items():
        qualified = passed_all[application_id]
        by_occupation[f"{batch.occupation.name} {batch.get_level_display()}"].append(qualified)
        by_class[application.class_name or "—"].append(qualified)
        by_category[application.get_category_display()].append(qualified)
    sheets = (
        ScoreSheet.objects.filter(
            session__checked_at__isnull=False, session__date__year=year, status=SheetStatus.SIGNED
        )
        .select_related("examiner__user", "session__batch")
        .prefetch_related("scores")
    )
    if occupation_id:
        sheets = sheets.filter(session__batch__occupation_id=occupation_id)
    return ResultStatistics(
        by_occupation=_rates(by_occupation),
        by_class=_rates(by_class),
        by_category=_rates(by_category),
        distribution=distribution,
        examiners=examiner_deviations(sheets),
    )


def released_results() -> Prefetch:
    """An application's results, once its batch is reported, as ``released_results``."""
    return Prefetch(
        "results",
        queryset=PartResult.objects.released().select_related("session").order_by("session__date"),
        to_attr="released_results",
    )
