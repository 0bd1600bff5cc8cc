"""What a person may do in an evaluation group, each rule as one named ability.

Views, services and selectors ask these; none of them repeats a role list for
the rules below. The sets they rest on are the querysets' ``led_by``,
``assessed_by`` and ``visible_to``.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from exams.models import AbsenceKind, ExaminerProfile, ExamSession, ProctorAbsence, ScoreSheet
from jianding.roles import CATALOGUE_ROLES, Role, has_role


def is_chief_examiner(user) -> bool:
    """Whether ``user`` holds the chief examiner's flag (主考人/考评组长), in whichever session."""
    return (
        has_role(user, Role.EXAMINER)
        and ExaminerProfile.objects.filter(user=user, is_chief_examiner=True).exists()
    )


def can_lead(user, session: ExamSession) -> bool:
    """Whether ``user`` leads the evaluation group of ``session``: he reopens its signed sheets and
    decides its items beyond the spread."""
    return ExamSession.objects.led_by(user).filter(pk=session.pk).exists()


def can_open_sheets(user, session: ExamSession) -> bool:
    """Whether ``user`` reads every sheet of ``session``: staff, and the chief examiner of that session."""
    return has_role(user, *CATALOGUE_ROLES) or can_lead(user, session)


def sheets_session_get(user, pk) -> ExamSession:
    """The session whose sheets ``user`` opens by its key.

    Raises Http404 for a session outside his evaluation groups (staff see every
    one), PermissionDenied for one he sits in without leading it.
    """
    sessions = ExamSession.objects.select_related("batch__occupation")
    if not has_role(user, *CATALOGUE_ROLES):
        sessions = sessions.assessed_by(user)
    session = get_object_or_404(sessions, pk=pk)
    if not can_open_sheets(user, session):
        raise PermissionDenied
    return session


def codes_unseen_by(user) -> set[int]:
    """The codes whose peers' sheets and points ``user`` may not see yet: those he still scores
    himself (``ScoreSheet.objects.visible_to`` keeps the same rule for sheets)."""
    if has_role(user, *CATALOGUE_ROLES):
        return set()
    return set(ScoreSheet.objects.still_scored_by(user).values_list("code_id", flat=True))


def can_decide_absence(user, absence: ProctorAbsence) -> bool:
    """Whether ``user`` decides ``absence``: exam staff grant leave before the session; leaving the
    post during it only the leader of that session's evaluation group allows [监考人员守则 §5–§6]."""
    if absence.kind == AbsenceKind.LEAVE:
        return has_role(user, Role.EXAM_STAFF)
    return can_lead(user, absence.session_room.session)
