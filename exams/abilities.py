"""Who may do what in the exams app: each rule as one named ability, and the one way each view
gets its object.

Abilities, and the rule each serves:

- ``is_chief_examiner``: holds the chief examiner's flag (主考人) in some session [考评员 §8].
- ``can_lead``: leads the evaluation group of a session, as the chief examiner assigned to it; he
  reopens its signed sheets and decides its items beyond the spread [监考人员守则 §6, 考评员 §8].
- ``can_open_sheets``: reads every sheet of a session and its items beyond the spread: the
  session's own chief examiner, who supervises its examiners [考评员 §8], and the management and
  exam staff, to whom the group hands the marks [考评组 §4, 考务组 §6]. Both pages of a session's
  sheets ask it through ``sheets_session_for``.
- ``codes_unseen_by``: a chief examiner sees his peers' sheets of a code only after signing his
  own [考评员 §6].
- ``guards_room``: a proctor of a room keeps its record, signs it and hands its papers over
  [监考人员守则 §8].
- ``can_decide_absence``: exam staff grant leave; the group's leader lets a proctor leave his post
  [监考人员守则 §5–§6].

Object access: one ``<object>_for(user, pk)`` per object type returns the object ``user`` may
see, or raises Http404; each is registered with the URL names whose views use it
(``jianding.permissions.object_access``). The sets they rest on are the querysets' ``visible_to``,
``led_by``, ``assessed_by`` and ``of_examiner``, and the selectors built on them.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from exams import selectors
from exams.models import (
    AbsenceKind,
    AppraisalPlan,
    Batch,
    ExaminerAssignment,
    ExaminerProfile,
    ExamSession,
    Objection,
    Occupation,
    PlanLine,
    ProctorAbsence,
    QuestionBank,
    Room,
    ScoreSheet,
    Seat,
    SessionRoom,
    Ticket,
)
from jianding.documents import DocumentKind
from jianding.permissions import object_access
from jianding.roles import ARRANGER_ROLES, CATALOGUE_ROLES, Role, has_role


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


def codes_unseen_by(user) -> set[int]:
    """The codes whose peers' sheets and points ``user`` may not see yet: those he still scores
    himself (``ScoreSheet.objects.visible_to`` keeps the same rule for sheets)."""
    if has_role(user, *CATALOGUE_ROLES):
        return set()
    return set(ScoreSheet.objects.still_scored_by(user).values_list("code_id", flat=True))


def guards_room(user, session_room: SessionRoom) -> bool:
    """Whether ``user`` is one of the proctors of ``session_room``."""
    return session_room.proctors.filter(pk=user.pk).exists()


def can_decide_absence(user, absence: ProctorAbsence) -> bool:
    """Whether ``user`` decides ``absence``: exam staff grant leave before the session; leaving the
    post during it only the leader of that session's evaluation group allows [监考人员守则 §5–§6]."""
    if absence.kind == AbsenceKind.LEAVE:
        return has_role(user, Role.EXAM_STAFF)
    return can_lead(user, absence.session_room.session)


# --- object access ------------------------------------------------------------------------


@object_access("exams:edit_occupation")
def occupation_for(user, pk) -> Occupation:
    """The occupation of the catalogue: every staff role reads the catalogue."""
    return get_object_or_404(selectors.occupation_list(), pk=pk)


@object_access(
    "exams:view_plan",
    "exams:add_plan_line",
    "exams:submit_plan",
    "exams:decide_plan",
    "exams:revise_plan",
    "exams:compare_plans",
    "exams:export_plan",
)
def plan_for(user, pk) -> AppraisalPlan:
    return get_object_or_404(selectors.plan_list(actor=user), pk=pk)


@object_access("exams:edit_plan_line", "exams:delete_plan_line")
def plan_line_for(user, pk) -> PlanLine:
    return get_object_or_404(PlanLine.objects.filter(plan__in=selectors.plan_list(actor=user)), pk=pk)


@object_access("exams:decide_bank", "exams:download_bank")
def bank_for(user, pk) -> QuestionBank:
    """A question bank: staff any, an applicant the approved banks of the batches he applied to."""
    return get_object_or_404(selectors.bank_list(actor=user), pk=pk)


@object_access(
    "exams:view_batch",
    "exams:edit_batch",
    "exams:decide_batch",
    "exams:move_batch",
    "exams:arrange_batch",
    "exams:create_session",
    "exams:publish_tickets",
    "exams:print_tickets",
    "exams:print_schedule",
    "exams:export_schedule",
    "exams:view_register",
    "exams:print_register",
    "exams:export_register",
    "exams:batch_publicity",
    "exams:start_publicity",
    "exams:report_batch",
    "exams:print_qualified",
    "exams:export_qualified",
)
def batch_for(user, pk) -> Batch:
    return get_object_or_404(selectors.batch_list(actor=user), pk=pk)


@object_access("exams:edit_room")
def room_for(user, pk) -> Room:
    return get_object_or_404(selectors.room_list(), pk=pk)


@object_access(
    "exams:view_session",
    "exams:edit_session",
    "exams:assign_seats",
    "exams:print_arrangement",
    "exams:export_arrangement",
    "exams:open_scoring",
    "exams:theory_marks",
    "exams:give_codes",
    "exams:export_codes",
    "exams:tally_results",
    "exams:check_results",
    "exams:assign_examiner",
)
def session_for(user, pk) -> ExamSession:
    """A session: staff who follow batches any, a proctor those he guards a room of."""
    # The session's pages name who tallied and who checked its results.
    sessions = selectors.session_list(actor=user).select_related("tallied_by", "checked_by")
    return get_object_or_404(sessions, pk=pk)


@object_access("exams:session_sheets", "exams:session_spreads")
def sheets_session_for(user, pk) -> ExamSession:
    """The session whose sheets and items beyond the spread ``user`` opens (``can_open_sheets``).

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


@object_access("exams:move_seat")
def seat_for(user, pk) -> Seat:
    return get_object_or_404(
        Seat.objects.filter(session__in=selectors.session_list(actor=user)).select_related("session"), pk=pk
    )


def duty_rooms(user):
    """The rooms whose door ``user`` works: arrangers every room, anyone else the rooms he guards,
    whatever other role he holds [考务组 §2, 监考人员守则 §2]."""
    if has_role(user, *ARRANGER_ROLES):
        return SessionRoom.objects.all()
    return SessionRoom.objects.filter(proctors=user)


@object_access("exams:print_badge")
def duty_room_for(user, pk) -> SessionRoom:
    """A room whose badge ``user`` prints: arrangers any, a proctor his own."""
    rooms = duty_rooms(user).select_related("session__batch__occupation", "room")
    return get_object_or_404(rooms, pk=pk)


@object_access("exams:session_standard")
def assessed_session_for(user, pk) -> ExamSession:
    """A session ``user`` is assigned to as an examiner: he reads its scoring standard from his
    assignment on, before scoring opens [考评员 §3]."""
    sessions = ExamSession.objects.assessed_by(user).select_related("batch__occupation")
    return get_object_or_404(sessions, pk=pk)


@object_access("exams:seat_photo")
def duty_photo_for(user, pk):
    """The ID photo of a seat's candidate, to compare with his face at the door: arrangers any seat,
    a proctor the seats of the rooms he guards; 404 when there is no photo."""
    seat = get_object_or_404(Seat.objects.filter(session_room__in=duty_rooms(user)), pk=pk)
    photo = seat.application.documents.filter(kind=DocumentKind.PHOTO).first()
    if photo is None:
        raise Http404
    return photo


@object_access("exams:check_in")
def duty_session_for(user, pk) -> ExamSession:
    """A session whose candidates ``user`` checks in: arrangers any, a proctor one he guards a room of."""
    sessions = ExamSession.objects.filter(pk__in=duty_rooms(user).values("session"))
    return get_object_or_404(sessions.select_related("batch__occupation"), pk=pk)


@object_access(
    "exams:set_proctors",
    "exams:room_record",
    "exams:print_room_record",
    "exams:add_incident",
    "exams:sign_room_record",
    "exams:record_handover",
    "exams:record_patrol",
    "exams:request_absence",
)
def session_room_for(user, pk) -> SessionRoom:
    """A room of a session: staff any, a proctor the rooms he guards."""
    rooms = SessionRoom.objects.visible_to(user).select_related("session__batch__occupation", "room")
    return get_object_or_404(rooms, pk=pk)


@object_access("exams:print_ticket")
def ticket_for(user, application_pk) -> Ticket:
    """The admission ticket of an application: the applicant his own, once published; reviewers any."""
    ticket = selectors.ticket_of(actor=user, application_id=application_pk)
    if ticket is None:
        raise Http404
    return ticket


# What an examiner's pages load of a sheet: code, room and seat, the items; nothing of the person.
SHEET_RELATED = ("session__batch__occupation", "code__seat__session_room__room", "standard")


@object_access("exams:score_sheet", "exams:save_item_score", "exams:sign_sheet")
def own_sheet_for(user, pk) -> ScoreSheet:
    """A sheet ``user`` scores himself."""
    return get_object_or_404(ScoreSheet.objects.of_examiner(user).select_related(*SHEET_RELATED), pk=pk)


@object_access("exams:reopen_sheet")
def sheet_for(user, pk) -> ScoreSheet:
    """A sheet ``user`` may read: his own, staff any, a chief examiner his group's once he signed his."""
    return get_object_or_404(ScoreSheet.objects.visible_to(user), pk=pk)


@object_access("exams:edit_examiner")
def examiner_for(user, pk) -> ExaminerProfile:
    return get_object_or_404(ExaminerProfile.objects.select_related("user"), pk=pk)


@object_access("exams:unassign_examiner")
def assignment_for(user, pk) -> ExaminerAssignment:
    return get_object_or_404(ExaminerAssignment.objects.select_related("session"), pk=pk)


@object_access("exams:answer_objection")
def objection_for(user, pk) -> Objection:
    return get_object_or_404(Objection, pk=pk)


@object_access("exams:decide_absence")
def absence_for(user, pk) -> ProctorAbsence:
    """A proctor's absence: exam staff any, a proctor his own, an examiner those of his groups."""
    return get_object_or_404(ProctorAbsence.objects.visible_to(user), pk=pk)


@object_access("exams:return_to_post")
def own_absence_for(user, pk) -> ProctorAbsence:
    """An absence of ``user``'s own: only the proctor who left says he is back."""
    return get_object_or_404(ProctorAbsence.objects.filter(proctor=user), pk=pk)
