"""Reads of sessions and seats: rooms, sessions, seats, admission tickets, those approved but
not seated, and the printed schedule.

Rules: 考务组 §2–§3.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet

from applicants.models import Application
from applicants.selectors import (
    ROSTER_ORDER,
    ROSTER_STATUSES,
    application_list,
)
from exams.models import (
    Batch,
    ExamSession,
    Room,
    Seat,
    SessionRoom,
    SessionStatus,
    Ticket,
)
from jianding.roles import Role
from jianding.staff import staff_holding


def session_leaders(*, session_id: int):
    """The active accounts leading the evaluation group of a session: its assigned chief examiners
    (the other side of ``ExamSessionQuerySet.led_by``)."""
    return staff_holding(Role.EXAMINER).filter(
        examiner_profile__is_chief_examiner=True, examiner_profile__assignments__session=session_id
    )


def room_list() -> QuerySet[Room]:
    return Room.objects.all()


def batch_public_sessions(*, batch: Batch) -> QuerySet[ExamSession]:
    """The sessions of a batch the public may know of: when and where each part is held."""
    return batch.sessions.all()


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
