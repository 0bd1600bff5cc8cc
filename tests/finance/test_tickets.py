"""Publishing admission tickets asks finance: every candidate paid, or the director deferred his fee."""

import datetime

import pytest

from exams import services as exams
from exams.models import Room, SessionPart, Ticket
from finance import services
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.finance.test_services import collect


@pytest.fixture
def arranged(ledger):
    """The ledger's batch with one theory session, its two candidates seated and two proctors."""
    staff = ledger["staff"]
    room = Room.objects.create(name="301", building="教学楼", capacity=10)
    batch = ledger["batch"]
    session = exams.session_save(
        actor=staff,
        batch=batch,
        rooms=[room],
        part=SessionPart.THEORY,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10, 30),
        place="",
        late_entry_minutes=15,
        sitting=1,
    )
    exams.seats_assign(actor=staff, session=session)
    proctors = [UserFactory(role=Role.PROCTOR) for _ in range(2)]
    for session_room in session.session_rooms.all():
        exams.session_room_set_proctors(actor=staff, session_room=session_room, proctors=proctors)
    return ledger


def test_tickets_wait_for_the_fees_or_the_directors_deferral(arranged):
    first, second = arranged["applications"]
    with pytest.raises(RuleViolation) as error:
        exams.tickets_publish(actor=arranged["staff"], batch=arranged["batch"])
    assert error.value.code == "fees_unpaid"
    assert first.applicant.name in error.value.message
    assert second.applicant.name in error.value.message
    assert not Ticket.objects.exists()

    collect(arranged, application=first)
    with pytest.raises(RuleViolation) as error:
        exams.tickets_publish(actor=arranged["staff"], batch=arranged["batch"])
    assert first.applicant.name not in error.value.message

    services.deferral_grant(actor=arranged["director"], application=second, reason="低保家庭，考后补缴")
    assert exams.tickets_publish(actor=arranged["staff"], batch=arranged["batch"]) == 2


def test_the_ticket_refusal_says_where_and_how_to_pay(arranged, settings):
    settings.FEE_DESK_ADDRESS = "行政楼 204 室"
    settings.FEE_DESK_HOURS = "工作日 8:30–17:00"
    settings.FEE_BANK_PAYEE = "某某职业技术学校"
    settings.FEE_BANK_NAME = "工商银行中山路支行"
    settings.FEE_BANK_ACCOUNT = "4301 0158 0000 1234"
    with pytest.raises(RuleViolation) as error:
        exams.tickets_publish(actor=arranged["staff"], batch=arranged["batch"])
    assert error.value.code == "fees_unpaid"
    assert "行政楼 204 室（工作日 8:30–17:00）" in error.value.message
    assert "4301 0158 0000 1234" in error.value.message
    assert "鉴定费 报名号 姓名" in error.value.message
