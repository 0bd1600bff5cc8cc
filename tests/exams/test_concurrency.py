"""Exam staff, examiners and chief examiners acting on the same batch, sheet or session at once."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from exams import services
from exams.models import (
    ExaminerProfile,
    ItemScore,
    PartResult,
    Room,
    Seat,
    SessionPart,
    SessionStatus,
    SheetStatus,
    Ticket,
)
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.scoring import ITEMS, check_tally
from tests.races import DONE, race, refusals

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def arranged():
    """A theory session of four candidates seated in the first of two rooms, each room with two proctors.

    The batch is free, so that no fee stands between its candidates and their tickets.
    """
    staff = [UserFactory(username=f"kaowu{n}", role=Role.EXAM_STAFF) for n in range(2)]
    batch = BatchFactory(status="registration_closed")
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


@pytest.fixture
def scoring(arranged):
    """The session published, everyone in, two examiners (both chief examiners) with their sheets open."""
    staff, batch, session = arranged["staff"][0], arranged["batch"], arranged["session"]
    examiners = []
    for number in range(2):
        profile = ExaminerProfile.objects.create(
            user=UserFactory(username=f"kaoping{number}", role=Role.EXAMINER),
            highest_level=1,
            valid_from=datetime.date(2020, 1, 1),
            valid_until=batch.theory_date + datetime.timedelta(days=30),
            is_chief_examiner=True,
        )
        profile.occupations.add(batch.occupation)
        services.examiner_assign(actor=staff, session=session, examiner=profile)
        examiners.append(profile)
    services.tickets_publish(actor=staff, batch=batch)
    session.seats.update(checked_in_at=timezone.now())
    services.standard_create(
        actor=staff,
        occupation=batch.occupation,
        level=batch.level,
        part=SessionPart.THEORY,
        effective_from=batch.theory_date - datetime.timedelta(days=100),
        combine_rule="mean",
        items=ITEMS,
    )
    services.scoring_open(actor=staff, session=session)
    session.refresh_from_db()
    return {**arranged, "session": session, "examiners": examiners}


def all_signed(scoring) -> None:
    """Every examiner gives every item of his sheets full marks and signs them."""
    for item in scoring["session"].sheets.first().standard.items.all():
        ItemScore.objects.filter(item=item).update(points=item.max_points)
    for profile in scoring["examiners"]:
        for sheet in profile.sheets.all():
            services.sheet_sign(actor=profile.user, sheet=sheet, password=TEST_PASSWORD)


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


@pytest.mark.parametrize("first", ["save", "sign"])
def test_an_item_saved_on_one_tablet_while_signing_on_another(scoring, first):
    profile = scoring["examiners"][0]
    sheet = profile.sheets.first()
    scores = list(sheet.scores.select_related("item").order_by("item__order"))
    for score in scores:
        services.item_score_save(actor=profile.user, sheet=sheet, item_id=score.item_id, points=Decimal(5))
    cleared = scores[-1]
    records = cleared.history.count()
    actions = {
        # The other tablet empties the last item: a sheet signed meanwhile must not lose it.
        "save": lambda: services.item_score_save(
            actor=profile.user, sheet=sheet, item_id=cleared.item_id, points=None
        ),
        "sign": lambda: services.sheet_sign(actor=profile.user, sheet=sheet, password=TEST_PASSWORD),
    }
    second = "sign" if first == "save" else "save"

    outcomes = dict(zip((first, second), race(actions[first], actions[second], ordered=True), strict=True))

    assert outcomes[first] == DONE, outcomes
    assert outcomes[second] in refusals({"save": "sheet_signed", "sign": "items_missing"}[second]), outcomes
    sheet.refresh_from_db()
    cleared.refresh_from_db()
    if outcomes["sign"] == DONE:
        assert (sheet.status, cleared.points) == (SheetStatus.SIGNED, Decimal(5))
        assert cleared.history.count() == records
    else:
        assert (sheet.status, cleared.points) == (SheetStatus.OPEN, None)
        assert cleared.history.count() == records + 1


def test_two_chief_examiners_reopening_a_sheet_at_once_reopen_it_once(scoring):
    all_signed(scoring)
    chiefs = [profile.user for profile in scoring["examiners"]]
    sheet = scoring["examiners"][1].sheets.first()
    records = sheet.history.count()

    outcomes = race(
        *(
            lambda actor=actor: services.sheet_reopen(
                actor=actor, sheet=sheet, reason=f"{actor.username} 复核"
            )
            for actor in chiefs
        )
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("sheet_open"), outcomes
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.OPEN
    assert sheet.history.count() == records + 1
    assert sheet.history.first().history_change_reason == f"{chiefs[outcomes.index(DONE)].username} 复核"


@pytest.mark.parametrize("first", ["tally", "reopen"])
def test_a_sheet_reopened_while_tallying_is_either_in_the_tally_or_refused(scoring, first):
    all_signed(scoring)
    staff, session = scoring["staff"][0], scoring["session"]
    chief = scoring["examiners"][0].user
    sheet = scoring["examiners"][1].sheets.first()
    actions = {
        "tally": lambda: services.results_tally(actor=staff, session=session),
        "reopen": lambda: services.sheet_reopen(actor=chief, sheet=sheet, reason="工艺分偏高"),
    }
    second = "reopen" if first == "tally" else "tally"

    outcomes = dict(zip((first, second), race(actions[first], actions[second], ordered=True), strict=True))

    assert outcomes[first] == DONE, outcomes
    assert outcomes[second] in refusals({"reopen": "tallied", "tally": "sheets_open"}[second]), outcomes
    session.refresh_from_db()
    sheet.refresh_from_db()
    if first == "tally":
        assert (session.tallied_by, sheet.status) == (staff, SheetStatus.SIGNED)
        assert PartResult.objects.filter(session=session).count() == 4
    else:
        assert (session.tallied_at, sheet.status) == (None, SheetStatus.OPEN)
        assert not PartResult.objects.exists()


def test_two_staff_tallying_a_session_at_once_tally_it_once(scoring):
    all_signed(scoring)
    staff, session = scoring["staff"], scoring["session"]
    records = session.history.count()

    outcomes = race(
        *(lambda actor=actor: services.results_tally(actor=actor, session=session) for actor in staff)
    )

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("tallied"), outcomes
    session.refresh_from_db()
    assert session.tallied_by == staff[outcomes.index(DONE)]
    assert session.history.count() == records + 1
    assert PartResult.objects.filter(session=session).count() == 4
    assert PartResult.history.count() == 4


def test_two_checking_a_tally_at_once_check_it_once(scoring):
    all_signed(scoring)
    session = scoring["session"]
    services.results_tally(actor=scoring["staff"][0], session=session)
    checkers = [UserFactory(username=f"jiaohe{n}", role=Role.CLERK) for n in range(2)]
    records = session.history.count()

    outcomes = race(*(lambda actor=actor: check_tally(actor=actor, session=session) for actor in checkers))

    assert outcomes.count(DONE) == 1, outcomes
    assert set(outcomes) - {DONE} <= refusals("checked"), outcomes
    session.refresh_from_db()
    assert session.checked_by == checkers[outcomes.index(DONE)]
    assert session.history.count() == records + 1
