import datetime
import random
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from applicants.models import ApplicationStatus
from exams import services
from exams.models import BatchStatus, ExamSession, Room, Seat, SessionPart, SessionStatus, Ticket
from exams.services.seats import seat_plan, seating_order
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory


@pytest.fixture
def day(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    rooms = [
        Room.objects.create(name=f"教{number}0{number}", building="教学楼", capacity=20) for number in (1, 2)
    ]
    proctors = [UserFactory(username=f"proctor{number}", role=Role.PROCTOR) for number in range(4)]
    return {"staff": staff, "batch": batch, "rooms": rooms, "proctors": proctors}


def theory(day, rooms=None, **fields) -> ExamSession:
    values = {
        "part": SessionPart.THEORY,
        "sitting": 1,
        "date": day["batch"].theory_date,
        "starts_at": datetime.time(9, 0),
        "ends_at": datetime.time(10, 30),
        "place": "",
        "late_entry_minutes": 15,
        **fields,
    }
    return services.session_save(
        actor=day["staff"], batch=day["batch"], rooms=rooms or day["rooms"], **values
    )


def guard(day, session):
    for index, session_room in enumerate(session.session_rooms.order_by("order")):
        services.session_room_set_proctors(
            actor=day["staff"], session_room=session_room, proctors=day["proctors"][index * 2 : index * 2 + 2]
        )


class Candidate:
    def __init__(self, class_name: str):
        self.class_name = class_name


classes_strategy = st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=6)
capacities_strategy = st.lists(st.integers(min_value=1, max_value=99), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(sizes=classes_strategy, capacities=capacities_strategy, seed=st.integers(min_value=0, max_value=2**31))
def test_seat_plan_properties(sizes, capacities, seed):
    people = [Candidate(f"class{index}") for index, size in enumerate(sizes) for _ in range(size)]
    plan = seat_plan(people, capacities, random.Random(seed))
    # Every candidate seated once while seats last; no seat twice; no seat beyond a room's capacity.
    assert len(plan) == min(len(people), sum(capacities))
    assert len({id(candidate) for _room, _seat, candidate in plan}) == len(plan)
    assert len({(room, seat) for room, seat, _candidate in plan}) == len(plan)
    assert all(1 <= seat <= capacities[room] for room, seat, _candidate in plan)
    # Classmates never sit side by side when the class sizes allow it.
    order = seating_order(people, random.Random(seed))
    if max(sizes) <= (len(people) + 1) // 2:
        assert all(order[i].class_name != order[i + 1].class_name for i in range(len(order) - 1))
    else:
        # Otherwise the big class touches itself only as often as it must.
        touching = sum(order[i].class_name == order[i + 1].class_name for i in range(len(order) - 1))
        assert touching == max(sizes) - (len(people) - max(sizes)) - 1


def test_only_city_approved_candidates_are_seated_within_capacity(day):
    seated = candidates(day["batch"], {"23 机电 1 班": 14, "23 机电 2 班": 12})
    candidates(day["batch"], {"23 机电 1 班": 3}, status=ApplicationStatus.DECLARED)
    session = theory(day)
    assert services.seats_assign(actor=day["staff"], session=session) == 26
    seats = list(Seat.objects.filter(session=session).select_related("session_room__room", "application"))
    assert {seat.application for seat in seats} == set(seated)
    first_room = [seat for seat in seats if seat.session_room.order == 1]
    assert len(first_room) == 20
    assert sorted(seat.number for seat in first_room) == list(range(1, 21))
    by_seat = sorted(first_room, key=lambda seat: seat.number)
    assert all(
        by_seat[i].application.class_name != by_seat[i + 1].application.class_name
        for i in range(len(by_seat) - 1)
    )
    assert seats[0].history.get().history_user == day["staff"]


def test_too_few_seats_is_refused_with_the_shortfall(day):
    candidates(day["batch"], {"23 机电 1 班": 25})
    session = theory(day, rooms=day["rooms"][:1])
    with pytest.raises(RuleViolation) as caught:
        services.seats_assign(actor=day["staff"], session=session)
    assert (caught.value.code, caught.value.field) == ("too_few_seats", "rooms")
    assert "5" in caught.value.message
    assert not Seat.objects.exists()


def test_moving_a_seat_swaps_with_its_occupant(day):
    candidates(day["batch"], {"23 机电 1 班": 3})
    session = theory(day)
    services.seats_assign(actor=day["staff"], session=session)
    first, second = Seat.objects.filter(session=session).order_by("number")[:2]
    services.seat_move(actor=day["staff"], seat=first, session_room=second.session_room, number=second.number)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == (2, 1)
    other_room = session.session_rooms.get(order=2)
    services.seat_move(actor=day["staff"], seat=first, session_room=other_room, number=7)
    first.refresh_from_db()
    assert (first.session_room, first.number) == (other_room, 7)
    with pytest.raises(RuleViolation) as caught:
        services.seat_move(actor=day["staff"], seat=first, session_room=other_room, number=21)
    assert caught.value.field == "number"


def test_publishing_checks_proctors_then_numbers_tickets_once(day):
    candidates(day["batch"], {"23 机电 1 班": 16, "23 机电 2 班": 16})
    session = theory(day)
    services.seats_assign(actor=day["staff"], session=session)
    with pytest.raises(RuleViolation) as caught:
        services.tickets_publish(actor=day["staff"], batch=day["batch"])
    assert caught.value.code == "not_ready"
    assert "need 2 proctors, 0 named" in caught.value.message or "需监考" in caught.value.message
    guard(day, session)
    assert services.tickets_publish(actor=day["staff"], batch=day["batch"]) == 32
    numbers = list(Ticket.objects.values_list("number", flat=True))
    year = f"{day['batch'].theory_date:%Y}"
    assert sorted(numbers) == [f"{year}{day['batch'].pk:04d}{place:04d}" for place in range(1, 33)]
    session.refresh_from_db()
    assert session.status == SessionStatus.PUBLISHED
    with pytest.raises(RuleViolation) as caught:
        services.tickets_publish(actor=day["staff"], batch=day["batch"])
    assert caught.value.code == "already_published"
    with pytest.raises(RuleViolation) as caught:
        services.seats_assign(actor=day["staff"], session=session)
    assert caught.value.code == "session_published"


def test_a_proctor_cannot_arrange(day):
    with pytest.raises(PermissionDenied):
        theory({**day, "staff": day["proctors"][0]})


def test_check_in_in_time_in_the_right_room_only(day):
    candidates(day["batch"], {"23 机电 1 班": 30})
    session = theory(day)
    services.seats_assign(actor=day["staff"], session=session)
    guard(day, session)
    services.tickets_publish(actor=day["staff"], batch=day["batch"])
    start = timezone.make_aware(datetime.datetime.combine(session.date, session.starts_at))
    proctor = day["proctors"][0]  # guards room 1
    seat = Seat.objects.select_related("application__ticket").get(
        session=session, session_room__order=1, number=3
    )
    number = seat.application.ticket.number
    checked = services.seat_check_in(
        actor=proctor,
        session=session,
        ticket_number=f" {number} ",
        now=start - datetime.timedelta(minutes=20),
    )
    assert checked.checked_in_by == proctor
    with pytest.raises(RuleViolation) as caught:
        services.seat_check_in(actor=proctor, session=session, ticket_number=number, now=start)
    assert caught.value.code == "already_checked_in"
    other = Seat.objects.select_related("application__ticket").get(
        session=session, session_room__order=2, number=1
    )
    with pytest.raises(RuleViolation) as caught:
        services.seat_check_in(
            actor=proctor, session=session, ticket_number=other.application.ticket.number, now=start
        )
    assert caught.value.code == "other_room"
    late = Seat.objects.select_related("application__ticket").get(
        session=session, session_room__order=1, number=4
    )
    with pytest.raises(RuleViolation) as caught:
        services.seat_check_in(
            actor=proctor,
            session=session,
            ticket_number=late.application.ticket.number,
            now=start + datetime.timedelta(minutes=16),
        )
    assert caught.value.code == "too_late"
    with pytest.raises(PermissionDenied):
        services.seat_check_in(actor=UserFactory(role=Role.PROCTOR), session=session, ticket_number=number)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_publishing_at_once_issue_each_number_once(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    staff = [UserFactory(username=f"kaowu{n}", role=Role.EXAM_STAFF) for n in range(2)]
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    room = Room.objects.create(name="实训楼 101", capacity=10)
    candidates(batch, {"23 机电 1 班": 2})
    session = services.session_save(
        actor=staff[0],
        batch=batch,
        rooms=[room],
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(8, 0),
        ends_at=datetime.time(11, 0),
        place="",
        late_entry_minutes=15,
    )
    services.seats_assign(actor=staff[0], session=session)
    services.session_room_set_proctors(
        actor=staff[0],
        session_room=session.session_rooms.get(),
        proctors=[UserFactory(username=f"proctor{n}", role=Role.PROCTOR) for n in range(2)],
    )
    outcomes = []

    def publish(actor):
        try:
            outcomes.append(services.tickets_publish(actor=actor, batch=batch))
        except RuleViolation as error:
            outcomes.append(error.code)
        except OperationalError:
            # SQLite's in-memory test database refuses the second writer outright;
            # PostgreSQL makes it wait for the lock and then refuses it above.
            outcomes.append("locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=(actor,)) for actor in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 2 in outcomes
    assert len(outcomes) == 2
    assert set(outcomes) - {2} <= {"already_published", "locked"}
    if connection.vendor == "postgresql":
        assert "already_published" in outcomes
    assert Ticket.objects.count() == 2
