"""Results: identities joined back after every sheet is signed, tallied, then checked by a second person."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from exams.models import (
    COUNTED_SHEET_STATUSES,
    CandidateCode,
    CombineRule,
    ExamSession,
    IncidentKind,
    ItemDecision,
    ItemScore,
    Outcome,
    PartResult,
    SheetStatus,
    StandardItem,
    TheoryMark,
)
from exams.services.proctoring import is_chief_examiner
from exams.services.recusals import recusal_group_problem
from jianding.errors import RuleViolation
from jianding.roles import Role, has_role

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
    """The items of the session that wait for, or have, the chief examiner's decision.

    Only under the chief examiner's rule, only for subjective items, and only
    once every examiner has scored the item.
    """
    scores = (
        ItemScore.objects.filter(
            sheet__session=session,
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
        for decision in ItemDecision.objects.filter(code__session=session)
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
    """The chief examiner of the session decides an item beyond the spread, before the tally."""
    if not is_chief_examiner(actor) or not session.examiner_assignments.filter(examiner__user=actor).exists():
        raise PermissionDenied
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
    if not reason.strip():
        raise RuleViolation(_("Say why these points."), field="reason", code="reason_required")
    decision = spread.decision or ItemDecision(code=spread.code, item=spread.item)
    decision.points, decision.reason, decision.decided_by = points, reason.strip(), actor
    decision._change_reason, decision._history_user = reason.strip(), actor
    decision.save()
    return decision


def outcome_for(points: Decimal | None, *, present: bool, voided: bool, mark: Decimal) -> str:
    if not present:
        return Outcome.ABSENT
    if voided:
        return Outcome.VOIDED
    return Outcome.PASSED if points is not None and points >= mark else Outcome.FAILED


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
    by_seat = defaultdict(lambda: defaultdict(list))
    rule = {}
    scores = ItemScore.objects.filter(
        sheet__session=session, sheet__status__in=COUNTED_SHEET_STATUSES
    ).select_related("sheet__code", "sheet__standard")
    for score in scores:
        by_seat[score.sheet.code.seat_id][score.item_id].append(score.points)
        rule[score.sheet.code.seat_id] = score.sheet.standard.combine_rule
    # Only decisions on items still beyond the spread count: a sheet corrected since may agree now.
    decided = {
        (found.code.seat_id, found.item.pk): found.decision.points
        for found in beyond
        if found.decision is not None
    }
    marks = dict(TheoryMark.objects.filter(code__session=session).values_list("code__seat_id", "points"))
    voided = set(session.seats.filter(incidents__kind=IncidentKind.DISCIPLINE).values_list("pk", flat=True))
    mark = session.batch.pass_mark
    results = []
    for seat in session.seats.all():
        items = by_seat.get(seat.pk)
        points = marks.get(seat.pk)
        if points is None and items:
            total = sum(
                (
                    decided[seat.pk, item_id]
                    if (seat.pk, item_id) in decided
                    else combine(values, rule[seat.pk])
                    for item_id, values in items.items()
                ),
                Decimal(0),
            )
            points = total.quantize(TENTH, rounding=ROUND_HALF_UP)
        present = seat.checked_in_at is not None
        results.append(
            PartResult(
                session=session,
                application_id=seat.application_id,
                points=points if present else None,
                outcome=outcome_for(points, present=present, voided=seat.pk in voided, mark=mark),
            )
        )
    bulk_create_with_history(results, PartResult, default_user=actor, default_change_reason=_("Tallied"))
    session.tallied_by, session.tallied_at = actor, timezone.now()
    session._change_reason = _("Tallied")
    session.save(update_fields=["tallied_by", "tallied_at"])
    return len(results)


@transaction.atomic
def results_check(*, actor, session: ExamSession) -> ExamSession:
    """A second person checks the tally (统分/复核); only then do the results count."""
    if not has_role(actor, *TALLY_ROLES):
        raise PermissionDenied
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    if session.tallied_at is None:
        raise RuleViolation(_("Tally the results first."), code="not_tallied")
    if session.checked_at is not None:
        raise RuleViolation(_("The tally is checked already."), code="checked")
    if session.tallied_by_id == actor.pk:
        raise RuleViolation(
            _("The tally is checked by someone other than who tallied it."), code="same_person"
        )
    session.checked_by, session.checked_at = actor, timezone.now()
    session._change_reason = _("Tally checked")
    session.save(update_fields=["checked_by", "checked_at"])
    return session
