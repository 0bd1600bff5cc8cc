"""Results: identities joined back after every sheet is signed, tallied, then checked by a second person."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from exams.abilities import can_lead, codes_unseen_by
from exams.models import (
    COUNTED_SHEET_STATUSES,
    CandidateCode,
    CombineRule,
    ExamSession,
    Incident,
    IncidentKind,
    ItemDecision,
    ItemScore,
    Outcome,
    PartResult,
    Seat,
    SheetStatus,
    StandardItem,
    TheoryMark,
)
from exams.selectors.sessions import session_leaders
from exams.services.recusals import recusal_group_problem
from jianding.decisions import reason_require
from jianding.errors import RuleViolation
from jianding.roles import Role, has_role
from jianding.staff import staff_holding
from notifications.kinds import Kind
from notifications.services import notify

TALLY_ROLES = (Role.EXAM_STAFF, Role.CLERK)
TENTH = Decimal("0.1")


def combine(points: list[Decimal], rule: str) -> Decimal:
    """One item's points from several examiners: the mean, or with three or more the mean
    after dropping the highest and the lowest."""
    values = sorted(points)
    if rule == CombineRule.TRIMMED and len(values) >= 3:
        values = values[1:-1]
    return sum(values, Decimal(0)) / len(values)


@dataclass
class Spread:
    """A subjective item whose examiners differ beyond the standard's spread: the chief examiner decides."""

    code: CandidateCode
    item: StandardItem
    points: list[Decimal]
    decision: ItemDecision | None


def spreads(session: ExamSession) -> list[Spread]:
    """The items of the session that wait for, or have, the chief examiner's decision."""
    return _spreads_in(ExamSession.objects.filter(pk=session.pk))


def decisions_waiting(*, actor) -> dict[int, int]:
    """Per session ``actor`` leads and that is not tallied, the items beyond the spread that wait
    for his decision; codes he still scores himself wait for his signature first."""
    unseen = codes_unseen_by(actor)
    waiting = defaultdict(int)
    for found in _spreads_in(ExamSession.objects.led_by(actor).filter(tallied_at__isnull=True)):
        if found.decision is None and found.code.pk not in unseen:
            waiting[found.code.session_id] += 1
    return dict(waiting)


def _spreads_in(sessions) -> list[Spread]:
    """The items of ``sessions`` beyond the spread, in a fixed number of queries.

    Only under the chief examiner's rule, only for subjective items, and only
    once every examiner has scored the item.
    """
    scores = (
        ItemScore.objects.filter(
            sheet__session__in=sessions,
            sheet__standard__combine_rule=CombineRule.CHIEF,
            sheet__status__in=COUNTED_SHEET_STATUSES,
            item__is_subjective=True,
        )
        .select_related("sheet__code", "sheet__standard", "item")
        .order_by("sheet__code__code", "item__order")
    )
    grouped = defaultdict(list)
    for score in scores:
        grouped[score.sheet.code, score.item].append(score)
    decisions = {
        (decision.code_id, decision.item_id): decision
        for decision in ItemDecision.objects.filter(code__session__in=sessions)
    }
    found = []
    for (code, item), item_scores in grouped.items():
        points = [score.points for score in item_scores]
        limit = item_scores[0].sheet.standard.spread
        if len(points) < 2 or None in points or limit is None or max(points) - min(points) <= limit:
            continue
        found.append(Spread(code, item, points, decisions.get((code.pk, item.pk))))
    return found


@transaction.atomic
def item_decide(
    *, actor, session: ExamSession, code_id: int, item_id: int, points: Decimal, reason: str
) -> ItemDecision:
    """The chief examiner of the session decides an item beyond the spread, before the tally,
    and only once he has signed his own sheet of that code."""
    if not can_lead(actor, session):
        raise PermissionDenied
    if code_id in codes_unseen_by(actor):
        raise RuleViolation(
            _("Sign your own sheet of this code first; then you see the other examiners' points."),
            code="own_sheet_open",
        )
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    if session.tallied_at is not None:
        raise RuleViolation(_("The results are tallied; the decision no longer changes."), code="tallied")
    spread = next(
        (found for found in spreads(session) if (found.code.pk, found.item.pk) == (code_id, item_id)), None
    )
    if spread is None:
        raise RuleViolation(_("The examiners agree within the spread on this item."), code="within_spread")
    if not Decimal(0) <= points <= spread.item.max_points or (points * 2) % 1:
        raise RuleViolation(
            _("Give 0 to %(max)s points, in half points.") % {"max": spread.item.max_points},
            field="points",
            code="points_out_of_range",
        )
    reason_require(reason, message=_("Say why these points."))
    decision = spread.decision or ItemDecision(code=spread.code, item=spread.item)
    first = decision.pk is None
    decision.points, decision.reason, decision.decided_by = points, reason.strip(), actor
    decision._change_reason, decision._history_user = reason.strip(), actor
    decision.save()
    # The last decision missing: the session can now be tallied.
    if first and not _scoring_unfinished(session) and not _undecided(session):
        _tally_waiting_notify(actor=actor, session=session)
    return decision


def _scoring_unfinished(session: ExamSession) -> bool:
    return session.sheets.counted().filter(status=SheetStatus.OPEN).exists()


def _undecided(session: ExamSession) -> int:
    return sum(found.decision is None for found in spreads(session))


def _tally_waiting_notify(*, actor, session: ExamSession) -> None:
    notify(
        kind=Kind.SCORING_WAITING,
        recipients=staff_holding(*TALLY_ROLES).exclude(pk=actor.pk),
        text=gettext_lazy("Every sheet of %(session)s is signed; tally its results."),
        params={"session": session},
        link=reverse("exams:view_session", args=[session.pk]),
    )


def scoring_waiting_notify(*, actor, session: ExamSession) -> None:
    """Once the last sheet of ``session`` is signed, tell who acts next, once: its chief examiner
    when items wait for his decision, else the tally staff that the session can be tallied.

    Called when a sheet is signed (``item_decide`` tells the tally staff after the last decision).
    The session is locked so that of two examiners signing the last sheets at once, the later one
    sees both signed.
    """
    session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    if session.tallied_at is not None or _scoring_unfinished(session):
        return
    undecided = _undecided(session)
    if undecided:
        notify(
            kind=Kind.SCORING_WAITING,
            recipients=session_leaders(session_id=session.pk).exclude(pk=actor.pk),
            text=gettext_lazy(
                "%(count)s items of %(session)s differ beyond the spread between examiners and wait for "
                "your decision."
            ),
            params={"count": undecided, "session": session},
            link=reverse("exams:session_spreads", args=[session.pk]),
        )
        return
    _tally_waiting_notify(actor=actor, session=session)


def outcome_for(points: Decimal | None, *, present: bool, voided: bool, mark: Decimal) -> str:
    if not present:
        return Outcome.ABSENT
    if voided:
        return Outcome.VOIDED
    return Outcome.PASSED if points is not None and points >= mark else Outcome.FAILED


@dataclass
class ItemLine:
    """One item of a candidate's part: the examiners' points and how they were combined."""

    item: StandardItem
    points: list[Decimal]
    how: str
    value: Decimal


@dataclass
class TallyLine:
    """A candidate's part as the tally reads it: items or the paper mark, check-in, breaches, result."""

    seat: Seat
    items: list[ItemLine]
    paper: Decimal | None
    present: bool
    breaches: list[str]
    points: Decimal | None
    outcome: str

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


def _combined(values: list[Decimal], rule: str, decision: Decimal | None) -> tuple[str, Decimal]:
    if decision is not None:
        return _("the chief examiner's decision"), decision
    if rule == CombineRule.TRIMMED and len(values) >= 3:
        return _("mean without the highest and lowest"), combine(values, rule)
    return _("mean"), combine(values, rule)


def tally_lines(session: ExamSession, beyond: list[Spread]) -> list[TallyLine]:
    """What the tally makes of each seat of ``session``: the one place its results are computed.

    ``beyond`` is ``spreads(session)``. Only the sheets that count are read: a
    recused examiner's points never enter. Absence comes from the check-ins, a
    breach of discipline from the room records' incidents.
    """
    by_seat = defaultdict(lambda: defaultdict(list))
    rule, items = {}, {}
    scores = (
        ItemScore.objects.filter(sheet__session=session, sheet__status__in=COUNTED_SHEET_STATUSES)
        .select_related("sheet__code", "sheet__standard", "item")
        .order_by("item__order", "sheet__examiner_id")
    )
    for score in scores:
        by_seat[score.sheet.code.seat_id][score.item_id].append(score.points)
        rule[score.sheet.code.seat_id] = score.sheet.standard.combine_rule
        items[score.item_id] = score.item
    # Only decisions on items still beyond the spread count: a sheet corrected since may agree now.
    decided = {
        (found.code.seat_id, found.item.pk): found.decision.points
        for found in beyond
        if found.decision is not None
    }
    marks = dict(TheoryMark.objects.filter(code__session=session).values_list("code__seat_id", "points"))
    breaches = defaultdict(list)
    for seat_id, description in Incident.objects.filter(
        seat__session=session, kind=IncidentKind.DISCIPLINE
    ).values_list("seat_id", "description"):
        breaches[seat_id].append(description)
    mark = session.batch.pass_mark
    lines = []
    seats = session.seats.select_related(
        "session_room__room", "application__applicant", "application__ticket", "code"
    ).order_by("session_room__order", "number")
    for seat in seats:
        item_lines = [
            ItemLine(
                items[item_id], values, *_combined(values, rule[seat.pk], decided.get((seat.pk, item_id)))
            )
            for item_id, values in by_seat.get(seat.pk, {}).items()
        ]
        points = marks.get(seat.pk)
        if points is None and item_lines:
            total = sum((line.value for line in item_lines), Decimal(0))
            points = total.quantize(TENTH, rounding=ROUND_HALF_UP)
        present = seat.checked_in_at is not None
        lines.append(
            TallyLine(
                seat=seat,
                items=item_lines,
                paper=marks.get(seat.pk),
                present=present,
                breaches=breaches[seat.pk],
                points=points,
                outcome=outcome_for(points, present=present, voided=bool(breaches[seat.pk]), mark=mark),
            )
        )
    return lines


@transaction.atomic
def results_tally(*, actor, session: ExamSession) -> int:
    """Join the codes back to the candidates and tally every result of the session.

    Refused while any sheet is open. Absence comes from the check-ins, a
    breach of discipline from the room records' incidents.
    """
    if not has_role(actor, *TALLY_ROLES):
        raise PermissionDenied
    # The session only: publishing locks the batch, then its sessions, and must not meet this in reverse.
    session = ExamSession.objects.select_for_update(of=("self",)).select_related("batch").get(pk=session.pk)
    if session.tallied_at is not None:
        raise RuleViolation(_("This session is tallied already."), code="tallied")
    nobody_in = not session.seats.filter(checked_in_at__isnull=False).exists()
    if nobody_in and session.date >= timezone.localdate():
        # Not over yet: a tally now would record every candidate absent, for good.
        raise RuleViolation(
            _("Nobody has checked in for this session yet; tally it after the session."), code="session_ahead"
        )
    sheets = session.sheets.counted()
    unmarked = session.seats.filter(checked_in_at__isnull=False).exclude(code__mark__isnull=False)
    if not sheets.exists() and unmarked.exists():
        raise RuleViolation(
            _("Open scoring, or import the theory marks of every candidate who came in."), code="no_sheets"
        )
    open_sheets = sheets.filter(status=SheetStatus.OPEN).count()
    if open_sheets:
        raise RuleViolation(
            _("%(count)d sheets are not signed yet; results are tallied when all are.")
            % {"count": open_sheets},
            code="sheets_open",
        )
    group_problem = recusal_group_problem(session)
    if group_problem:
        raise RuleViolation(group_problem, code="recused_not_replaced")
    beyond = spreads(session)
    undecided = sum(found.decision is None for found in beyond)
    if undecided:
        raise RuleViolation(
            _("%(count)d items differ beyond the spread and wait for the chief examiner's decision.")
            % {"count": undecided},
            code="decisions_missing",
        )
    results = [
        PartResult(
            session=session,
            application_id=line.seat.application_id,
            points=line.points if line.present else None,
            outcome=line.outcome,
        )
        for line in tally_lines(session, beyond)
    ]
    bulk_create_with_history(results, PartResult, default_user=actor, default_change_reason=_("Tallied"))
    session.tallied_by, session.tallied_at = actor, timezone.now()
    session._change_reason = _("Tallied")
    session.save(update_fields=["tallied_by", "tallied_at"])
    notify(
        kind=Kind.SCORING_WAITING,
        recipients=staff_holding(*TALLY_ROLES).exclude(pk=actor.pk),
        text=gettext_lazy("The results of %(session)s are tallied and wait for your check."),
        params={"session": session},
        link=reverse("exams:check_results", args=[session.pk]),
    )
    return len(results)


def can_check_tally(user, session: ExamSession) -> bool:
    """Whether ``user`` may check the tally of ``session`` now: tallied, unchecked, by someone else."""
    return (
        has_role(user, *TALLY_ROLES)
        and session.tallied_at is not None
        and session.checked_at is None
        and session.tallied_by_id != user.pk
    )


def tally_check_lines(session: ExamSession) -> list[TallyLine]:
    """What the second person checks: every candidate's part as the tally computed it."""
    return tally_lines(session, spreads(session))


@transaction.atomic
def results_check(
    *, actor, session: ExamSession, confirmed: set[int], second_entries: dict[int, Decimal | None]
) -> ExamSession:
    """A second person checks the tally (统分/复核) candidate by candidate; only then do the results count.

    ``confirmed`` holds the seats he confirmed against the check page. Marks
    that came from paper are entered by him a second time, by seat, without
    seeing the first entry (双人录入); any difference stops the check.
    """
    if not has_role(actor, *TALLY_ROLES):
        raise PermissionDenied
    session = ExamSession.objects.select_for_update(of=("self",)).select_related("batch").get(pk=session.pk)
    if session.tallied_at is None:
        raise RuleViolation(_("Tally the results first."), code="not_tallied")
    if session.checked_at is not None:
        raise RuleViolation(_("The tally is checked already."), code="checked")
    if session.tallied_by_id == actor.pk:
        raise RuleViolation(
            _("The tally is checked by someone other than who tallied it."), code="same_person"
        )
    lines = tally_check_lines(session)
    part = session.get_part_display()
    missing = [line for line in lines if line.paper is not None and second_entries.get(line.seat.pk) is None]
    if missing:
        raise RuleViolation(
            _("Enter the paper mark a second time for %(who)s.") % {"who": _named(missing, part)},
            field="second_entries",
            code="second_entry_missing",
        )
    differ = [line for line in lines if line.paper is not None and second_entries[line.seat.pk] != line.paper]
    if differ:
        raise RuleViolation(
            _(
                "The second entry differs from the first for %(who)s; the check stops. "
                "Look at the paper again, or ask who entered the marks."
            )
            % {"who": _named(differ, part)},
            field="second_entries",
            code="entries_differ",
        )
    unconfirmed = [line for line in lines if line.seat.pk not in confirmed]
    if unconfirmed:
        raise RuleViolation(
            _("Confirm every candidate; not yet: %(who)s.") % {"who": _named(unconfirmed, part)},
            field="confirmed",
            code="unconfirmed",
        )
    session.checked_by, session.checked_at = actor, timezone.now()
    session._change_reason = _(
        "Tally checked: %(count)d candidates confirmed, %(paper)d paper marks entered twice."
    ) % {
        "count": len(lines),
        "paper": sum(line.paper is not None for line in lines),
    }
    session._history_user = actor
    session.save(update_fields=["checked_by", "checked_at"])
    return session


def _named(lines: list[TallyLine], part: str) -> str:
    return "、".join(f"{line.seat.application.applicant.name}（{part}）" for line in lines)
