"""Sessions, their rooms and seats, proctors named to rooms, admission tickets and check-in at the door.

Rules: 考务组 §2–§3 (rosters, tickets, rooms), 工作规则 §2 (tickets once the city center agrees),
考评组 §2 (examiners proctor, never a session they score).
"""

import heapq
import math
import random
import secrets
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from applicants.models import Application, ApplicationStatus
from applicants.selectors import ROSTER_ORDER, session_candidates
from exams.models import (
    Batch,
    BatchStatus,
    ExaminerAssignment,
    ExamSession,
    Room,
    Seat,
    SessionPart,
    SessionRoom,
    SessionStatus,
    Ticket,
)
from exams.tasks import tickets_print
from finance import selectors as finance
from jianding import events
from jianding.clock import local_text
from jianding.errors import RuleViolation
from jianding.jobs import job_enqueue
from jianding.models import Job, User
from jianding.roles import ARRANGER_ROLES, PROCTORING_ROLES, Role, has_role
from notifications.kinds import Kind
from notifications.services import Notice, notice_text, notify, notify_each

# Batches whose sessions may still be arranged: approved and not yet examined.
ARRANGEABLE = (BatchStatus.APPROVED, BatchStatus.REGISTRATION_OPEN, BatchStatus.REGISTRATION_CLOSED)


def require_arranger(actor) -> None:
    if not has_role(actor, *ARRANGER_ROLES):
        raise PermissionDenied


def require_arranging(session: ExamSession) -> None:
    if session.status != SessionStatus.ARRANGING:
        raise RuleViolation(
            _("The tickets of this session are published; its seats no longer change."),
            code="session_published",
        )


@transaction.atomic
def room_save(*, actor, room: Room | None = None, **fields) -> Room:
    """Create a room or change one; a room keeps its name unique."""
    require_arranger(actor)
    room = room or Room()
    for name, value in fields.items():
        setattr(room, name, value)
    if Room.objects.exclude(pk=room.pk).filter(name=room.name).exists():
        raise RuleViolation(_("Another room has this name."), field="name", code="room_name_taken")
    room.save()
    return room


@transaction.atomic
def session_save(
    *, actor, batch: Batch, session: ExamSession | None = None, rooms: list[Room], **fields
) -> ExamSession:
    """Create or change a session of ``batch`` with its rooms, in the order given, before publishing."""
    require_arranger(actor)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in ARRANGEABLE:
        raise RuleViolation(
            _("Sessions are arranged between the batch's approval and the exam."),
            code="batch_not_arrangeable",
        )
    if session is not None:
        session = ExamSession.objects.select_for_update().get(pk=session.pk, batch=batch)
        require_arranging(session)
    session = session or ExamSession(batch=batch, seed=secrets.randbelow(2**31))
    was = (session.date, session.starts_at, session.ends_at) if session.pk else None
    for name, value in fields.items():
        setattr(session, name, value)
    if session.ends_at <= session.starts_at:
        raise RuleViolation(
            _("The session must end after it starts."), field="ends_at", code="ends_before_start"
        )
    if not rooms:
        raise RuleViolation(_("Choose at least one room."), field="rooms", code="no_rooms")
    clash = ExamSession.objects.filter(batch=batch, part=session.part, sitting=session.sitting).exclude(
        pk=session.pk
    )
    if clash.exists():
        raise RuleViolation(
            _("This batch already has sitting %(sitting)d of this part.") % {"sitting": session.sitting},
            field="sitting",
            code="sitting_taken",
        )
    session.save()
    kept = {session_room.room_id: session_room for session_room in session.session_rooms.all()}
    wanted = [room.pk for room in rooms]
    dropped = [session_room for room_id, session_room in kept.items() if room_id not in wanted]
    if any(session_room.seats.exists() for session_room in dropped):
        raise RuleViolation(
            _("Candidates are seated in a room you removed; arrange the seats again after changing rooms."),
            field="rooms",
            code="room_in_use",
        )
    for session_room in dropped:
        guards = list(session_room.proctors.all())
        session_room.delete()
        duty_notify(actor=actor, session_room=session_room, removed=guards)
    # Renumber in two steps so the unique (session, order) never clashes midway.
    for session_room in session.session_rooms.all():
        session_room.order += 1000
        session_room.save(update_fields=["order"])
    for order, room_id in enumerate(wanted, start=1):
        session_room = kept.get(room_id) or SessionRoom(session=session, room_id=room_id)
        session_room.order = order
        session_room.save()
    if was is not None and was != (session.date, session.starts_at, session.ends_at):
        _session_moved_notify(actor=actor, session=session)
    return session


def _session_moved_notify(*, actor, session: ExamSession) -> None:
    """Tell the proctors and examiners with a duty in ``session`` its new day and hours."""
    for on_duty, page in (
        (User.objects.filter(guarded_rooms__session=session), "exams:my_duties"),
        (User.objects.filter(examiner_profile__assignments__session=session), "exams:my_examiner"),
    ):
        notify(
            kind=Kind.DUTY,
            recipients=on_duty.exclude(pk=actor.pk).distinct(),
            text=gettext_lazy("%(session)s is moved: now on %(date)s, %(starts)s–%(ends)s."),
            params=duty_when(session),
            link=reverse(page),
        )


def proctors_check(*, session: ExamSession, proctors, field: str) -> None:
    """Refuse anyone who may not guard a room of ``session``.

    Proctors, and examiners and exam staff, whose duties include proctoring
    [考评组 §2, 考务组 §5], may guard one; an examiner of ``session`` may not: he
    would see who the candidates are in a session he scores blind
    (``examiner_assign`` refuses the other way round).
    """
    wrong = [str(user) for user in proctors if not has_role(user, *PROCTORING_ROLES)]
    if wrong:
        raise RuleViolation(
            _("%(names)s may not guard a room: only proctors, examiners and exam staff do.")
            % {"names": "、".join(wrong)},
            field=field,
            code="not_proctor",
        )
    scorers = set(
        ExaminerAssignment.objects.filter(session=session).values_list("examiner__user_id", flat=True)
    )
    scoring = [str(user) for user in proctors if user.pk in scorers]
    if scoring:
        raise RuleViolation(
            _(
                "%(names)s score this session as examiners; an examiner may not guard a room of a session he scores, where he would see who the candidates are."
            )
            % {"names": "、".join(scoring)},
            field=field,
            code="examiner_of_session",
        )


@transaction.atomic
def session_room_set_proctors(*, actor, session_room: SessionRoom, proctors) -> SessionRoom:
    """Name the proctors of a room, each one who may guard it (``proctors_check``)."""
    require_arranger(actor)
    # The session's lock: a publication meanwhile either counts these proctors or refuses them,
    # and an examiner assigned meanwhile is refused or seen here.
    session = ExamSession.objects.select_for_update().get(pk=session_room.session_id)
    require_arranging(session)
    proctors_check(session=session, proctors=proctors, field="proctors")
    before = set(session_room.proctors.all())
    session_room.proctors.set(proctors)
    after = set(proctors)
    duty_notify(actor=actor, session_room=session_room, added=after - before, removed=before - after)
    return session_room


def duty_when(session: ExamSession) -> dict:
    """The session's day and hours, as a notice names them."""
    return {
        "session": session,
        "date": session.date.isoformat(),
        "starts": f"{session.starts_at:%H:%M}",
        "ends": f"{session.ends_at:%H:%M}",
    }


def duty_notify(*, actor, session_room: SessionRoom, added=(), removed=()) -> None:
    """Tell the proctors named to ``session_room`` and those taken off it; not ``actor`` himself."""
    facts = {**duty_when(session_room.session), "room": session_room.room}
    link = reverse("exams:my_duties")
    notify(
        kind=Kind.DUTY,
        recipients=[user for user in added if user.pk != actor.pk],
        text=gettext_lazy(
            "You guard %(room)s at %(session)s on %(date)s, %(starts)s–%(ends)s; your badge is on your duties page."
        ),
        params=facts,
        link=link,
    )
    notify(
        kind=Kind.DUTY,
        recipients=[user for user in removed if user.pk != actor.pk],
        text=gettext_lazy("You no longer guard %(room)s at %(session)s on %(date)s, %(starts)s–%(ends)s."),
        params=facts,
        link=link,
    )


def seating_order(applications, rng: random.Random) -> list:
    """Shuffle candidates so that two of one class sit side by side only when no order avoids it.

    Each step takes the class with the most candidates left that is not the
    class just placed; classes are shuffled inside and ties broken at random.
    """
    by_class = defaultdict(list)
    for application in applications:
        by_class[application.class_name].append(application)
    heap = []
    for members in by_class.values():
        rng.shuffle(members)
        heap.append((-len(members), rng.random(), members))
    heapq.heapify(heap)
    order, previous = [], None
    while heap:
        count, tie, members = heapq.heappop(heap)
        if members is previous and heap:
            count, tie, members, held = *heapq.heappop(heap), (count, tie, members)
            heapq.heappush(heap, held)
        order.append(members.pop())
        previous = members
        if members:
            heapq.heappush(heap, (count + 1, tie, members))
    return order


def seat_plan(candidates, capacities: list[int], rng: random.Random) -> list[tuple[int, int, object]]:
    """Place candidates in the seating order, room by room and seat by seat from 1.

    Returns (room index, seat number, candidate); stops when candidates or seats run out.
    """
    order = iter(seating_order(candidates, rng))
    plan = []
    for room_index, capacity in enumerate(capacities):
        for number in range(1, capacity + 1):
            candidate = next(order, None)
            if candidate is None:
                return plan
            plan.append((room_index, number, candidate))
    return plan


@transaction.atomic
def seats_assign(*, actor, session: ExamSession) -> int:
    """Seat every candidate of the session, room by room, shuffled; replaces an earlier arrangement."""
    require_arranger(actor)
    session = ExamSession.objects.select_for_update().get(pk=session.pk)
    require_arranging(session)
    candidates = list(session_candidates(batch_id=session.batch_id, part=session.part))
    if not candidates:
        raise RuleViolation(_("No city-approved candidate takes this part yet."), code="no_candidates")
    rooms = list(session.session_rooms.select_related("room").order_by("order"))
    capacity = sum(session_room.room.capacity for session_room in rooms)
    if capacity < len(candidates):
        raise RuleViolation(
            _("%(candidates)d candidates but %(seats)d seats: add rooms for %(missing)d more.")
            % {"candidates": len(candidates), "seats": capacity, "missing": len(candidates) - capacity},
            field="rooms",
            code="too_few_seats",
        )
    session.seats.all().delete()
    rng = random.Random(session.seed)  # noqa: S311 - a seating shuffle, no secret
    plan = seat_plan(candidates, [session_room.room.capacity for session_room in rooms], rng)
    seats = [
        Seat(session=session, session_room=rooms[room_index], number=number, application=application)
        for room_index, number, application in plan
    ]
    bulk_create_with_history(seats, Seat, default_user=actor, default_change_reason=_("Seats arranged"))
    return len(seats)


@transaction.atomic
def seat_move(*, actor, seat: Seat, session_room: SessionRoom, number: int) -> Seat:
    """Move a candidate to another seat of the session before publishing; an occupant there swaps."""
    require_arranger(actor)
    seat = Seat.objects.select_for_update().select_related("session", "session_room").get(pk=seat.pk)
    # One move at a time per session: a swap parks a seat on number 0 meanwhile.
    ExamSession.objects.select_for_update().get(pk=seat.session_id)
    require_arranging(seat.session)
    if session_room.session_id != seat.session_id:
        raise RuleViolation(
            _("Choose a room of this session."), field="session_room", code="room_not_in_session"
        )
    if not 1 <= number <= session_room.room.capacity:
        raise RuleViolation(
            _("This room has seats 1 to %(capacity)d.") % {"capacity": session_room.room.capacity},
            field="number",
            code="no_such_seat",
        )
    occupant = Seat.objects.select_for_update().filter(session_room=session_room, number=number).first()
    origin = (seat.session_room, seat.number)
    if occupant is not None and occupant.pk != seat.pk:
        # Park the occupant on seat 0 (never used) while the two change places.
        occupant.number = 0
        occupant.save(update_fields=["number"])
    seat.session_room, seat.number = session_room, number
    seat._change_reason = _("Moved by hand")
    seat.save()
    if occupant is not None and occupant.pk != seat.pk:
        occupant.session_room, occupant.number = origin
        occupant._change_reason = _("Moved by hand")
        occupant.save()
    return seat


def proctors_required(session: ExamSession, seated: int) -> int:
    """Proctors a room of ``session`` with ``seated`` candidates needs [监考人员守则]; 0 outside theory."""
    if session.part != SessionPart.THEORY or not seated:
        return 0
    return max(settings.PROCTORS_PER_ROOM_MIN, math.ceil(seated / settings.CANDIDATES_PER_PROCTOR))


def examiners_required(seated: int) -> int:
    """Examiners a skill-assessment group of ``seated`` candidates needs: at least the ratio, and odd."""
    needed = max(settings.EXAMINERS_PER_GROUP_MIN, math.ceil(seated / settings.CANDIDATES_PER_EXAMINER))
    return needed if needed % 2 else needed + 1


def duty_shortfalls(session: ExamSession) -> list[str]:
    """What the duty rules still miss in a session, as messages naming the room or examiner.

    Theory rooms need their proctors; a skill assessment needs an odd group of
    examiners by the ratio and a technician on site; a recused examiner must be replaced.
    """
    problems = []
    seated_total = 0
    rooms = (
        session.session_rooms.select_related("room")
        .prefetch_related("proctors")
        .annotate(seated=Count("seats"))
    )
    for session_room in rooms:
        seated = session_room.seated
        seated_total += seated
        needed, named = proctors_required(session, seated), len(session_room.proctors.all())
        if named < needed:
            problems.append(
                _("%(room)s: %(seated)d candidates need %(needed)d proctors, %(named)d named.")
                % {"room": session_room.room, "seated": seated, "needed": needed, "named": named}
            )
    if session.part == SessionPart.SKILL and seated_total:
        named = session.examiner_assignments.count()
        needed = examiners_required(seated_total)
        if named < needed or named % 2 == 0:
            problems.append(
                _(
                    "%(seated)d candidates need an odd group of at least %(needed)d examiners, %(named)d assigned."
                )
                % {"seated": seated_total, "needed": needed, "named": named}
            )
        if not session.technician.strip():
            problems.append(_("Name the technician on site."))
    recused = session.examiner_assignments.filter(examiner__recusals__session=session).select_related(
        "examiner__user"
    )
    for assignment in recused:
        problems.append(
            _("%(name)s must be recused from this session; assign another examiner.")
            % {"name": assignment.examiner.user.name}
        )
    return problems


def ticket_number(batch: Batch, place: int) -> str:
    """YYYYBBBBNNNN: exam year, batch number (four digits or more), place in the seating order."""
    return f"{batch.theory_date:%Y}{batch.pk:04d}{place:04d}"


def registration_unsettled(batch: Batch, today) -> list[str]:
    """What must be settled before the seating is final: the window closed, every application decided.

    Submitted applications wait for the review, approved ones for the declaration to the city center.
    """
    if not batch.registration_is_over(today):
        return [
            _("Registration is open until %(closes)s; publish after it closes.")
            % {"closes": batch.registration_closes}
        ]
    waiting = (
        Application.objects.filter(
            batch=batch, status__in=(ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED)
        )
        .select_related("applicant")
        .order_by(*ROSTER_ORDER)
    )
    undecided = [a.applicant.name for a in waiting if a.status == ApplicationStatus.SUBMITTED]
    undeclared = [a.applicant.name for a in waiting if a.status == ApplicationStatus.APPROVED]
    problems = []
    if undecided:
        problems.append(
            _("Applications waiting for a decision: %(names)s.") % {"names": "、".join(undecided)}
        )
    if undeclared:
        problems.append(
            _("Approved applications not yet declared to the city center: %(names)s.")
            % {"names": "、".join(undeclared)}
        )
    return problems


def tickets_require_fees(*, application_ids) -> None:
    """Refuse admission tickets while any of the applications is unpaid without a deferral [经费 §3].

    What was paid and deferred is finance's to say: its selector answers.
    """
    unsettled = finance.applications_unsettled(application_ids=application_ids)
    if unsettled:
        names = "、".join(a.applicant.name for a in unsettled[:20])
        if len(unsettled) > 20:
            names += _(" and %(count)d more") % {"count": len(unsettled) - 20}
        raise RuleViolation(
            _(
                "%(count)d applicants have not paid the appraisal fee and have no deferral from the "
                "director, so they get no admission ticket: %(names)s."
            )
            % {"count": len(unsettled), "names": names}
            + " "
            + " ".join(finance.how_to_pay().sentences()),
            code="fees_unpaid",
        )


@transaction.atomic
def tickets_publish(*, actor, batch: Batch, today=None) -> int:
    """Publish every session of a batch and issue the tickets of its seated candidates.

    Refused while registration is open or an application of the batch waits
    for its review or declaration; once published, ``jianding.events.tickets_published``
    tells the apps that react (applicants lapses the returned applications the
    nightly run has not lapsed yet). The batch row is locked, so two
    clerks publishing at once issue the numbers once: the second finds them
    published. Its sessions are locked too, so seats moved or proctors named
    meanwhile are either in what is checked and numbered here or refused as published.
    """
    require_arranger(actor)
    today = today or timezone.localdate()
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    sessions = list(batch.sessions.select_for_update().order_by("date", "starts_at", "part", "sitting"))
    if not sessions:
        raise RuleViolation(_("Add the batch's sessions first."), code="no_sessions")
    if all(session.status == SessionStatus.PUBLISHED for session in sessions):
        raise RuleViolation(_("The tickets of this batch are already published."), code="already_published")
    unsettled = registration_unsettled(batch, today)
    if unsettled:
        raise RuleViolation(" ".join(unsettled), code="registration_unsettled")
    problems = []
    for session in sessions:
        candidates = session_candidates(batch_id=batch.pk, part=session.part).count()
        seated = session.seats.count()
        if seated != candidates:
            problems.append(
                _("%(session)s: %(seated)d of %(candidates)d candidates seated; arrange the seats again.")
                % {"session": session, "seated": seated, "candidates": candidates}
            )
        problems.extend(duty_shortfalls(session))
    if problems:
        raise RuleViolation(" ".join(problems), code="not_ready")
    ticketed = set(Ticket.objects.filter(application__batch=batch).values_list("application_id", flat=True))
    # 经费 §3: an unpaid fee gets no ticket unless the director deferred it.
    tickets_require_fees(
        application_ids={seat.application_id for session in sessions for seat in session.seats.all()}
        - ticketed
    )
    tickets, place = [], len(ticketed)
    for session in sessions:
        for seat in session.seats.order_by("session_room__order", "number"):
            if seat.application_id in ticketed:
                continue
            place += 1
            ticketed.add(seat.application_id)
            tickets.append(
                Ticket(
                    application_id=seat.application_id, number=ticket_number(batch, place), issued_by=actor
                )
            )
    try:
        bulk_create_with_history(
            tickets, Ticket, default_user=actor, default_change_reason=_("Tickets published")
        )
    except IntegrityError:
        raise RuleViolation(
            _("Another ticket already has one of these numbers; try again."), code="ticket_number_taken"
        ) from None
    for session in sessions:
        session.status = SessionStatus.PUBLISHED
        session._change_reason = _("Tickets published")
        session.save(update_fields=["status"])
    notify_each(
        kind=Kind.TICKETS_PUBLISHED,
        notices=ticket_notices(application_ids=[ticket.application_id for ticket in tickets]),
    )
    events.tickets_published.send(sender=Batch, batch=batch, today=today)
    return len(tickets)


# Where a session is held unless it names another place (print/tickets.html).
CENTER = gettext_lazy("the appraisal center")
SEAT_TEXT = gettext_lazy("%(part)s on %(date)s, %(starts)s–%(ends)s, %(place)s %(room)s, seat %(seat)s")
# What a candidate brings, as the rules on his ticket say (print/tickets.html).
BRING = gettext_lazy("your admission ticket, your ID card and the permitted stationery")
BRING_SKILL = gettext_lazy(
    "your admission ticket, your ID card and the permitted tools, and wear the required protective clothing"
)


def seat_text(seat: Seat) -> str:
    """When and where ``seat``'s candidate sits, as his ticket says, in the center's language.

    The seat's session and room are loaded with it.
    """
    session = seat.session
    return notice_text(
        SEAT_TEXT,
        {
            "part": SessionPart(session.part).label,
            "date": session.date.isoformat(),
            "starts": f"{session.starts_at:%H:%M}",
            "ends": f"{session.ends_at:%H:%M}",
            "place": session.place or CENTER,
            "room": seat.session_room.room,
            "seat": f"{seat.number:02d}",
        },
    )


def seat_facts(seats: list[Seat]) -> dict:
    """What a notice to a candidate tells of ``seats`` (his, loaded with their sessions and rooms)."""
    return {
        "seats": "；".join(seat_text(seat) for seat in seats),
        "bring": BRING_SKILL if any(seat.session.part == SessionPart.SKILL for seat in seats) else BRING,
        "late": min(seat.session.late_entry_minutes for seat in seats),
    }


def ticket_notices(*, application_ids) -> list[Notice]:
    """Each ticketed candidate's own notice: his ticket's number, sessions, rooms, seats and what to
    bring, linking to his ticket; one query whatever their number."""
    seats = (
        Seat.objects.filter(application_id__in=application_ids)
        .select_related(
            "session__batch__occupation",
            "session_room__room",
            "application__applicant__user",
            "application__ticket",
        )
        .order_by("application_id", "session__date", "session__starts_at")
    )
    by_application = defaultdict(list)
    for seat in seats:
        by_application[seat.application].append(seat)
    return [
        Notice(
            recipient=application.applicant.user,
            text=gettext_lazy(
                "Your admission ticket %(number)s for %(batch)s is published: %(seats)s. "
                "Bring %(bring)s; nobody enters later than %(late)s minutes after the start."
            ),
            params={
                "number": application.ticket.number,
                "batch": seats[0].session.batch,
                **seat_facts(seats),
            },
            link=reverse("exams:print_ticket", args=[application.pk]),
        )
        for application, seats in by_application.items()
    ]


@transaction.atomic
def seat_check_in(*, actor, session: ExamSession, ticket_number: str, now=None) -> Seat:
    """Record that the holder of ``ticket_number`` entered the session's room.

    The proctor must guard a room of the session (exam staff may check in
    anywhere); nobody enters after the batch's cut-off.
    """
    now = now or timezone.now()
    session = ExamSession.objects.get(pk=session.pk)
    guarded = SessionRoom.objects.filter(session=session, proctors=actor)
    if not has_role(actor, Role.EXAM_STAFF) and not guarded.exists():
        raise PermissionDenied
    if session.status != SessionStatus.PUBLISHED:
        raise RuleViolation(_("This session is not published yet."), code="session_not_published")
    number = "".join(ticket_number.split())
    seat = (
        Seat.objects.select_for_update(of=("self",))
        .select_related("session_room__room", "application__applicant", "application__ticket")
        .filter(session=session, application__ticket__number=number)
        .first()
    )
    if seat is None:
        raise RuleViolation(
            _("No candidate of this session holds ticket %(number)s.") % {"number": number},
            field="ticket_number",
            code="unknown_ticket",
        )
    if not has_role(actor, Role.EXAM_STAFF) and not guarded.filter(pk=seat.session_room_id).exists():
        raise RuleViolation(
            _("This candidate sits in %(room)s, seat %(seat)d.")
            % {"room": seat.session_room.room, "seat": seat.number},
            field="ticket_number",
            code="other_room",
        )
    session_room = seat.session_room
    needed = proctors_required(session, session_room.seats.count())
    if session_room.proctors.count() < needed:
        raise RuleViolation(
            _(
                "%(room)s has fewer than its %(needed)d proctors and may not start; ask exam staff for a replacement."
            )
            % {"room": session_room.room, "needed": needed},
            field="ticket_number",
            code="too_few_proctors",
        )
    if seat.checked_in_at is not None:
        raise RuleViolation(
            _("Already checked in at %(time)s.") % {"time": local_text(seat.checked_in_at, "%H:%M")},
            field="ticket_number",
            code="already_checked_in",
        )
    if now > session.entry_deadline():
        raise RuleViolation(
            _("Entry closed at %(time)s, %(minutes)d minutes after the start; the candidate may not enter.")
            % {
                "time": local_text(session.entry_deadline(), "%H:%M"),
                "minutes": session.late_entry_minutes,
            },
            field="ticket_number",
            code="too_late",
        )
    seat.checked_in_at, seat.checked_in_by = now, actor
    seat._change_reason = _("Checked in at the door")
    seat.save(update_fields=["checked_in_at", "checked_in_by"])
    return seat


def _free_seat(session: ExamSession) -> tuple[SessionRoom, int] | None:
    """The first free seat, room by room, whose room keeps enough proctors with one more candidate."""
    rooms = session.session_rooms.select_related("room").prefetch_related("proctors").order_by("order")
    for session_room in rooms:
        taken = set(session_room.seats.values_list("number", flat=True))
        if len(session_room.proctors.all()) < proctors_required(session, len(taken) + 1):
            continue
        for number in range(1, session_room.room.capacity + 1):
            if number not in taken:
                return session_room, number
    return None


@transaction.atomic
def seat_supplement(*, actor, application, today=None) -> Ticket:
    """Seat a candidate the city approved after the tickets were published, and issue his ticket.

    He takes the first free seat of each session he sits, in a room whose
    proctors suffice; his ticket number follows the batch's last one.
    """
    require_arranger(actor)
    today = today or timezone.localdate()
    batch = Batch.objects.select_for_update().get(pk=application.batch_id)
    sessions = list(batch.sessions.select_for_update().order_by("date", "starts_at", "part", "sitting"))
    application = (
        Application.objects.select_for_update(of=("self",)).select_related("applicant").get(pk=application.pk)
    )
    if application.status != ApplicationStatus.CITY_APPROVED:
        raise RuleViolation(
            _("Only a city-approved candidate is seated; this application is %(status)s.")
            % {"status": application.status_label},
            code="not_city_approved",
        )
    if Ticket.objects.filter(application=application).exists():
        raise RuleViolation(_("He already holds a ticket."), code="already_ticketed")
    if not sessions or any(session.status != SessionStatus.PUBLISHED for session in sessions):
        raise RuleViolation(
            _("The tickets are not published yet: seat him with the others."), code="not_published"
        )
    if batch.status not in ARRANGEABLE:
        raise RuleViolation(
            _("The exams have begun; record why he is not admitted instead."), code="batch_not_arrangeable"
        )
    taken = [
        session
        for session in sessions
        if session_candidates(batch_id=batch.pk, part=session.part).filter(pk=application.pk).exists()
    ]
    seats = []
    for session in taken:
        if session.date < today:
            raise RuleViolation(
                _("%(session)s is over; record why he is not admitted instead.") % {"session": session},
                code="session_over",
            )
        place = _free_seat(session)
        if place is None:
            raise RuleViolation(
                _(
                    "%(session)s has no free seat with enough proctors; name another proctor or record why he is not admitted."
                )
                % {"session": session},
                code="session_full",
            )
        seats.append(Seat(session=session, session_room=place[0], number=place[1], application=application))
    tickets_require_fees(application_ids={application.pk})
    bulk_create_with_history(
        seats, Seat, default_user=actor, default_change_reason=_("Seated after the tickets were published")
    )
    place = Ticket.objects.filter(application__batch=batch).count() + 1
    ticket = Ticket(application=application, number=ticket_number(batch, place), issued_by=actor)
    ticket._change_reason, ticket._history_user = _("Seated after the tickets were published"), actor
    try:
        with transaction.atomic():
            ticket.save()
    except IntegrityError:
        raise RuleViolation(
            _("Another ticket already has this number; try again."), code="ticket_number_taken"
        ) from None
    notify_each(kind=Kind.TICKETS_PUBLISHED, notices=ticket_notices(application_ids=[application.pk]))
    return ticket


def tickets_print_start(*, actor, batch: Batch, session_room: SessionRoom | None = None) -> Job:
    """Start the PDF of the batch's admission tickets (or one room's) in the background; return its job."""
    require_arranger(actor)
    title = _("Admission tickets of %(batch)s") % {"batch": batch}
    if session_room:
        title = f"{title} · {session_room.room}"
    return job_enqueue(
        actor=actor,
        title=title,
        task=tickets_print,
        batch_id=batch.pk,
        session_room_id=session_room.pk if session_room else None,
    )
