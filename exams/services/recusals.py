"""Recusal in scoring [考评员 §7]: a recused examiner's sheets leave the tally at once, history kept."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from exams.models import (
    COUNTED_SHEET_STATUSES,
    ExaminerProfile,
    ExamSession,
    Recusal,
    SessionPart,
    SheetStatus,
)
from exams.services.seats import examiners_required
from jianding.roles import ARRANGER_ROLES, has_role

# Outside a skill assessment, a candidate's work is still marked blind by two examiners.
MARKERS_MIN = 2


def recused_place_open(session: ExamSession) -> bool:
    """Whether an examiner may join ``session`` after publishing: one was recused and it is not tallied."""
    return session.tallied_at is None and session.recusals.exists()


@transaction.atomic
def recusal_apply(*, actor, session: ExamSession, examiner: ExaminerProfile) -> Recusal:
    """Recuse ``examiner`` from ``session``: his open sheets are withdrawn, his signed ones set aside.

    Caller has found that a relation ``examiner`` declared is a candidate of
    ``session``. The reason stays in each sheet's history and names no
    candidate. A tallied session keeps its results.
    """
    if actor.pk != examiner.user_id and not has_role(actor, *ARRANGER_ROLES):
        raise PermissionDenied
    session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    recusal, _created = Recusal.objects.get_or_create(session=session, examiner=examiner)
    if session.tallied_at is not None:
        return recusal
    reason = _("The examiner is recused from this session: a relation he declared is a candidate.")
    sheets = session.sheets.counted().filter(examiner=examiner).select_for_update(of=("self",))
    for sheet in sheets:
        sheet.status = SheetStatus.SET_ASIDE if sheet.status == SheetStatus.SIGNED else SheetStatus.WITHDRAWN
        sheet._change_reason, sheet._history_user = reason, actor
        sheet.save(update_fields=["status"])
    return recusal


def recusal_group_problem(session: ExamSession) -> str:
    """Why the examiners left after a recusal cannot be tallied, or "" when they can.

    Only a session where a recused examiner's sheets were taken out has the
    question: either another examiner took his place and scored, or the group
    is still valid without him (a skill assessment's odd group by the ratio,
    otherwise two markers).
    """
    if not session.sheets.exclude(status__in=COUNTED_SHEET_STATUSES).exists():
        return ""
    scorers = session.sheets.counted().values("examiner").distinct().count()
    if session.part == SessionPart.SKILL:
        needed = examiners_required(session.seats.count())
        valid = scorers >= needed and scorers % 2
    else:
        needed = MARKERS_MIN
        valid = scorers >= needed
    if valid:
        return ""
    return _(
        "A recused examiner's sheets are set aside and %(scorers)d examiners scored without him; "
        "the group needs at least %(needed)d, an odd number in a skill assessment. "
        "Assign another examiner and open score sheets for him."
    ) % {"scorers": scorers, "needed": needed}
