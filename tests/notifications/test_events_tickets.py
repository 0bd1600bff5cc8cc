"""Tickets published and the reminder the day before: each candidate is told his own seat [#18]."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.models import Application, ApplicationStatus
from exams import services
from exams.models import Room, Seat, SessionPart, Ticket
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory

from .conftest import SHANGHAI, TEMPLATES


def _reachable(applications) -> None:
    """Give each candidate his own phone, and the first an e-mail address."""
    for number, application in enumerate(applications):
        user = application.applicant.user
        user.phone = f"1371234{number:04d}"
        user.email = "zhangsan@example.cn" if number == 0 else ""
        user.save(update_fields=["phone", "email"])


def _batch_ready(count: int) -> dict:
    """A batch of ``count`` candidates of two classes, seated in one room with its proctors, ready to publish."""
    staff = UserFactory(role=Role.EXAM_STAFF)
    batch = BatchFactory(status="registration_closed")
    room = Room.objects.create(name=f"R{count}", building="教学楼", capacity=30)
    applications = candidates(batch, {"23 机电 1 班": count - count // 2, "23 机电 2 班": count // 2})
    session = services.session_save(
        actor=staff,
        batch=batch,
        rooms=[room],
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10, 30),
    )
    services.seats_assign(actor=staff, session=session)
    proctors = [UserFactory(role=Role.PROCTOR) for _ in range(2)]
    services.session_room_set_proctors(
        actor=staff, session_room=session.session_rooms.get(), proctors=proctors
    )
    return {"staff": staff, "batch": batch, "session": session, "applications": applications}


def test_publishing_tells_each_candidate_his_room_seat_and_what_to_bring(
    db, clock, client_as, sms_provider, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_URL = "https://jianding.example.edu.cn"
    arranged = _batch_ready(20)
    _reachable(arranged["applications"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(arranged["staff"]).post(
            reverse("exams:publish_tickets", args=[arranged["batch"].pk])
        )
    assert response.status_code == 302
    assert Ticket.objects.count() == 20

    first = arranged["applications"][0]
    seat = Seat.objects.select_related("session_room__room", "session").get(application=first)
    ticket = Ticket.objects.get(application=first)
    messages = Message.objects.filter(kind=Kind.TICKETS_PUBLISHED)
    assert messages.count() == 20
    message = messages.get(recipient=first.applicant.user)
    assert message.text.startswith(f"您的准考证（{ticket.number}")
    for fact in (
        seat.session.date.isoformat(),
        "09:00–10:30",
        "理论考试",
        f"教学楼 {seat.session_room.room.name}",
        f"{seat.number:02d}号座位",
        "身份证",
        "15分钟",
    ):
        assert fact in message.text
    assert message.link == reverse("exams:print_ticket", args=[first.pk])
    # The staff who published are not told of it.
    assert not Message.objects.filter(kind=Kind.TICKETS_PUBLISHED, recipient=arranged["staff"]).exists()

    (email,) = mail.outbox
    assert email.to == ["zhangsan@example.cn"]
    assert ticket.number in email.body
    assert f"https://jianding.example.edu.cn{message.link}" in email.body
    assert len(sms_provider.requests) == 20
    (sms,) = [r for r in sms_provider.requests if r["PhoneNumbers"] == "13712340000"]
    assert sms["TemplateCode"] == TEMPLATES[Kind.TICKETS_PUBLISHED]
    assert ticket.number in sms["TemplateParam"]

    # The link opens his ticket.
    opened = client_as(first.applicant.user).get(message.link)
    assert opened.status_code == 200
    assert opened.content[:4] == b"%PDF"


def test_publishing_queues_every_notice_in_queries_that_do_not_grow_with_candidates(db, clock):
    counts = []
    for count in (2, 12):
        ready = _batch_ready(count)
        staff, batch = ready["staff"], ready["batch"]
        with CaptureQueriesContext(connection) as queries:
            assert services.tickets_publish(actor=staff, batch=batch) == count
        told = Message.objects.filter(
            kind=Kind.TICKETS_PUBLISHED, recipient__applicant__applications__batch=batch
        )
        assert told.count() == count
        counts.append(len(queries))
    assert Message.objects.filter(kind=Kind.TICKETS_PUBLISHED).count() == 14
    assert counts[0] == counts[1]


@pytest.fixture
def published(db, clock):
    """A batch of 20 candidates whose tickets are published."""
    ready = _batch_ready(20)
    services.tickets_publish(actor=ready["staff"], batch=ready["batch"])
    return ready


def test_a_candidate_seated_after_publication_is_told_his_seat(
    published, client_as, sms_provider, django_capture_on_commit_callbacks
):
    (late,) = candidates(published["batch"], {"23 机电 1 班": 1})
    late.applicant.user.phone = "13798765432"
    late.applicant.user.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(published["staff"]).post(reverse("exams:seat_candidate", args=[late.pk]))
    assert response.status_code == 302
    ticket = Ticket.objects.get(application=late)
    message = Message.objects.get(kind=Kind.TICKETS_PUBLISHED, recipient=late.applicant.user)
    assert ticket.number in message.text
    assert f"{late.seats.get().number:02d}号座位" in message.text
    (sms,) = sms_provider.requests
    assert sms["PhoneNumbers"] == "13798765432"


@pytest.fixture
def reminded(published, clock):
    """The published batch, its candidates reachable by text message, the clock on the eve of the exam."""
    _reachable(published["applications"])
    clock.move_to(
        datetime.datetime.combine(
            published["session"].date - datetime.timedelta(days=1), datetime.time(8, 30), tzinfo=SHANGHAI
        )
    )
    return published


def test_the_day_before_each_candidate_is_reminded_once_however_often_the_timer_runs(
    reminded, sms_provider, django_capture_on_commit_callbacks
):
    first = reminded["applications"][0]
    seat = Seat.objects.select_related("session_room__room").get(application=first)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_exam_reminders")
        call_command("notify_exam_reminders")
    messages = Message.objects.filter(kind=Kind.EXAM_DAY)
    assert messages.count() == 20
    message = messages.get(recipient=first.applicant.user)
    assert message.text.startswith("考试提醒")
    assert f"{seat.session_room.room.name}，{seat.number:02d}号座位" in message.text
    assert "身份证" in message.text
    assert message.link == reverse("exams:print_ticket", args=[first.pk])
    (email,) = mail.outbox
    assert email.to == ["zhangsan@example.cn"]
    assert len(sms_provider.requests) == 20
    (sms,) = [r for r in sms_provider.requests if r["PhoneNumbers"] == "13712340000"]
    assert sms["TemplateCode"] == TEMPLATES[Kind.EXAM_DAY]
    assert f"{seat.number:02d}号座位" in sms["TemplateParam"]


def test_a_run_after_a_missed_day_reminds_the_sessions_not_begun_and_no_one_twice(
    reminded, clock, sms_provider, django_capture_on_commit_callbacks
):
    session = reminded["session"]
    # Two days before: too early; nobody is reminded.
    clock.move_to(
        datetime.datetime.combine(
            session.date - datetime.timedelta(days=2), datetime.time(8, 30), tzinfo=SHANGHAI
        )
    )
    call_command("notify_exam_reminders")
    assert not Message.objects.filter(kind=Kind.EXAM_DAY).exists()
    # The eve's run was missed; the exam day's early run still reminds everyone once.
    clock.move_to(datetime.datetime.combine(session.date, datetime.time(7, 0), tzinfo=SHANGHAI))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_exam_reminders")
    assert Message.objects.filter(kind=Kind.EXAM_DAY).count() == 20
    # After the start nobody is reminded of a session that has begun, nor again.
    clock.move_to(datetime.datetime.combine(session.date, datetime.time(9, 30), tzinfo=SHANGHAI))
    call_command("notify_exam_reminders")
    assert Message.objects.filter(kind=Kind.EXAM_DAY).count() == 20
    assert len(sms_provider.requests) == 20


def test_a_session_begun_before_the_run_is_not_reminded(reminded, clock):
    session = reminded["session"]
    clock.move_to(datetime.datetime.combine(session.date, datetime.time(9, 1), tzinfo=SHANGHAI))
    call_command("notify_exam_reminders")
    assert not Message.objects.filter(kind=Kind.EXAM_DAY).exists()


def test_a_candidate_who_withdrew_is_not_reminded(reminded):
    gone = reminded["applications"][1]
    Application.objects.filter(pk=gone.pk).update(status=ApplicationStatus.WITHDRAWN)
    call_command("notify_exam_reminders")
    assert Message.objects.filter(kind=Kind.EXAM_DAY).count() == 19
    assert not Message.objects.filter(kind=Kind.EXAM_DAY, recipient=gone.applicant.user).exists()
