"""Results: identities joined back after every sheet is signed, tallied, then checked by a second person."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from exams.models import CombineRule, ExamSession, IncidentKind, ItemScore, Outcome, PartResult, SheetStatus
from jianding.errors import RuleViolation
from jianding.roles import Role, has_role

TALLY_ROLES = (Role.EXAM_STAFF, Role.CLERK)
TENTH = Decimal("0.1")


def pass_mark(level: int) -> Decimal:
    """The pass mark of a part at ``level`` (settings.PASS_MARKS, 60 by default)."""
    return Decimal(settings.PASS_MARKS.get(level, settings.PASS_MARKS.get("default", 60)))


def combine(points: list[Decimal], rule: str) -> Decimal:
    """One item's points from several examiners: the mean, or with three or more the mean
    after dropping the highest and the lowest."""
    values = sorted(points)
    if rule == CombineRule.TRIMMED and len(values) >= 3:
        values = values[1:-1]
    return sum(values, Decimal(0)) / len(values)


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
    session = ExamSession.objects.select_for_update().select_related("batch").get(pk=session.pk)
    if session.tallied_at is not None:
        raise RuleViolation(_("This session is tallied already."), code="tallied")
    sheets = session.sheets.all()
    if not sheets.exists():
        raise RuleViolation(_("Scoring has not been opened for this session."), code="no_sheets")
    open_sheets = sheets.filter(status=SheetStatus.OPEN).count()
    if open_sheets:
        raise RuleViolation(
            _("%(count)d sheets are not signed yet; results are tallied when all are.")
            % {"count": open_sheets},
            code="sheets_open",
        )
    by_seat = defaultdict(lambda: defaultdict(list))
    rule = {}
    scores = ItemScore.objects.filter(sheet__session=session).select_related("sheet__code", "sheet__standard")
    for score in scores:
        by_seat[score.sheet.code.seat_id][score.item_id].append(score.points)
        rule[score.sheet.code.seat_id] = score.sheet.standard.combine_rule
    voided = set(session.seats.filter(incidents__kind=IncidentKind.DISCIPLINE).values_list("pk", flat=True))
    mark = pass_mark(session.batch.level)
    results = []
    for seat in session.seats.all():
        items = by_seat.get(seat.pk)
        points = None
        if items:
            total = sum((combine(values, rule[seat.pk]) for values in items.values()), Decimal(0))
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
