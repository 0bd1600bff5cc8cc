"""Exam staff, examiners and chief examiners acting on the same batch, sheet or session at once."""

import datetime
from decimal import Decimal

import pytest

from exams import services
from exams.models import (
    Room,
    Seat,
    SessionPart,
    SessionStatus,
    Ticket,
)
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.races import DONE, race, refusals

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def arranged():
    """A theory session of four candidates seated in the first of two rooms, each room with two proctors.

    The batch is free, so that no fee stands between its candidates and their tickets.
    """
    staff = [UserFactory(username=f"kaowu{n}", role=Role.EXAM_STAFF) for n in range(2)]
    batch = BatchFactory(status="registration_closed", fee=Decimal(0))
    rooms = [Room.objects.create(name=name, building="教学楼", capacity=16) for name in ("301", "302")]
    candidates(batch, {"23 机电 1 班": 2, "23 机电 2 班": 2})
    session = services.session_save(
        actor=staff[0],
        batch=batch,
        rooms=rooms,
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10, 30),
        late_entry_minutes=15,
    )
    services.seats_assign(actor=staff[0], session=session)
    for number, session_room in enumerate(session.session_rooms.order_by("order")):
        proctors = [UserFactory(username=f"jiankao{number}{n}", role=Role.PROCTOR) for n in range(2)]
        services.session_room_set_proctors(actor=staff[0], session_room=session_room, proctors=proctors)
    return {"staff": staff, "batch": batch, "session": session}


def tickets_follow_the_seats(session) -> bool:
    """Whether the ticket numbers run in the seating order: room by room, seat by seat."""
    seated = Seat.objects.filter(session=session).order_by("session_room__order", "number")
    return [
        seat.application.ticket.number for seat in seated.select_related("application__ticket")
    ] == sorted(Ticket.objects.values_list("number", flat=True))


def test_two_publishing_at_once_number_the_tickets_once(arranged):
    staff, batch = arranged["staff"], arranged["batch"]

    outcomes = race(
        *(lambda actor=actor: services.tickets_publish(actor=actor, batch=batch) for actor in staff)
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("already_published"), outcomes
    assert Ticket.objects.count() == 4
    assert {ticket.history.count() for ticket in Ticket.objects.all()} == {1}
    assert {ticket.issued_by for ticket in Ticket.objects.all()} == {staff[outcomes.index(DONE)]}
    session = arranged["session"]
    session.refresh_from_db()
    assert session.status == SessionStatus.PUBLISHED
    assert session.history.filter(status=SessionStatus.PUBLISHED).count() == 1
    assert tickets_follow_the_seats(session)


@pytest.mark.parametrize("first", ["move", "publish"])
def test_a_seat_moved_while_publishing_is_either_numbered_or_refused(arranged, first):
    staff, batch, session = arranged["staff"], arranged["batch"], arranged["session"]
    first_seat = Seat.objects.get(session=session, session_room__order=1, number=1)
    second_seat = Seat.objects.get(session=session, session_room__order=1, number=2)
    actions = {
        "move": lambda: services.seat_move(
            actor=staff[0], seat=first_seat, session_room=first_seat.session_room, number=2
        ),
        "publish": lambda: services.tickets_publish(actor=staff[1], batch=batch),
    }
    second = "publish" if first == "move" else "move"

    outcomes = dict(zip((first, second), race(actions[first], actions[second], ordered=True), strict=True))

    assert outcomes[first] == DONE, outcomes
    if first == "publish":
        assert outcomes["move"] in refusals("session_published"), outcomes
    else:
        assert outcomes["publish"] in {DONE, *refusals()}, outcomes
    moved = outcomes["move"] == DONE
    first_seat.refresh_from_db()
    second_seat.refresh_from_db()
    assert (first_seat.number, second_seat.number) == ((2, 1) if moved else (1, 2))
    if outcomes["publish"] == DONE:
        assert tickets_follow_the_seats(session)


def test_proctors_changed_while_publishing_are_either_counted_or_refused(arranged):
    staff, batch, session = arranged["staff"], arranged["batch"], arranged["session"]
    seated_room = session.session_rooms.get(order=1)
    lone = seated_room.proctors.first()

    outcomes = race(
        lambda: services.session_room_set_proctors(actor=staff[0], session_room=seated_room, proctors=[lone]),
        lambda: services.tickets_publish(actor=staff[1], batch=batch),
        ordered=True,
    )

    assert outcomes[0] == DONE, outcomes
    assert outcomes[1] in refusals("not_ready"), outcomes
    assert not Ticket.objects.exists()


def test_proctors_are_not_changed_after_a_publication_made_meanwhile(arranged):
    staff, batch, session = arranged["staff"], arranged["batch"], arranged["session"]
    seated_room = session.session_rooms.get(order=1)
    lone = seated_room.proctors.first()

    outcomes = race(
        lambda: services.tickets_publish(actor=staff[1], batch=batch),
        lambda: services.session_room_set_proctors(actor=staff[0], session_room=seated_room, proctors=[lone]),
        ordered=True,
    )

    assert outcomes[0] == DONE, outcomes
    assert outcomes[1] in refusals("session_published"), outcomes
    assert seated_room.proctors.count() == 2
