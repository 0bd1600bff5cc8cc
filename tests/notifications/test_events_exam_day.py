"""Duties, leave and exam-day incidents: the people concerned are told at once, the actor never [#18]."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from exams import services
from exams.models import (
    AbsenceKind,
    AbsenceStatus,
    ExaminerAssignment,
    ExaminerProfile,
    ProctorAbsence,
    Room,
    SessionPart,
)
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory

from .conftest import SHANGHAI, TEMPLATES


def _person(role, name: str, phone: str, email: str = ""):
    return UserFactory(username=f"u{phone}", name=name, role=role, phone=phone, email=email)


@pytest.fixture
def exam(db, clock):
    """A theory session in room 301 with four candidates seated, two proctors named, arranging."""
    staff = _person(Role.EXAM_STAFF, "考务甲", "13700000001")
    batch = BatchFactory(status="registration_closed")
    room = Room.objects.create(name="301", building="教学楼", capacity=30)
    candidates(batch, {"23 机电 1 班": 4})
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
    session_room = session.session_rooms.get()
    proctors = [
        _person(Role.PROCTOR, "王监考", "13700000011", "wang@example.cn"),
        _person(Role.PROCTOR, "李监考", "13700000012"),
    ]
    services.session_room_set_proctors(actor=staff, session_room=session_room, proctors=proctors)
    Message.objects.all().delete()
    return {
        "staff": staff,
        "batch": batch,
        "session": session,
        "session_room": session_room,
        "proctors": proctors,
    }


def _on_exam_day(exam, clock, at=datetime.time(9, 20)):
    """Publish the session (as the tickets do) and move the clock into it."""
    exam["session"].status = "published"
    exam["session"].save(update_fields=["status"])
    clock.move_to(datetime.datetime.combine(exam["session"].date, at, tzinfo=SHANGHAI))


def _sms_to(sms_provider, phone: str) -> list[dict]:
    return [request for request in sms_provider.requests if request["PhoneNumbers"] == phone]


def test_naming_proctors_tells_the_added_and_the_removed_not_those_kept(
    exam, client_as, sms_provider, django_capture_on_commit_callbacks
):
    wang, li = exam["proctors"]
    zhao = _person(Role.PROCTOR, "赵监考", "13700000013", "zhao@example.cn")
    session_room = exam["session_room"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(exam["staff"]).post(
            reverse("exams:set_proctors", args=[session_room.pk]),
            {f"room{session_room.pk}-proctors": [li.pk, zhao.pk]},
        )
    assert response.status_code == 302
    assert set(session_room.proctors.all()) == {li, zhao}

    assert set(Message.objects.filter(kind=Kind.DUTY).values_list("recipient__name", flat=True)) == {
        "赵监考",
        "王监考",
    }
    added = Message.objects.get(recipient=zhao)
    date = exam["session"].date.isoformat()
    assert added.text.startswith("您被安排监考")
    for fact in (date, "09:00–10:30", "教学楼 301", "理论考试"):
        assert fact in added.text
    assert added.link == reverse("exams:my_duties")
    removed = Message.objects.get(recipient=wang)
    assert removed.text.startswith("您已不再担任")
    assert "教学楼 301" in removed.text
    assert sorted(email.to[0] for email in mail.outbox) == ["wang@example.cn", "zhao@example.cn"]
    (sms,) = _sms_to(sms_provider, "13700000013")
    assert sms["TemplateCode"] == TEMPLATES[Kind.DUTY]
    assert date in sms["TemplateParam"]
    assert len(sms_provider.requests) == 2
    # The proctor opens the link and finds the room.
    assert "301" in client_as(zhao).get(added.link).content.decode()


def test_an_examiner_is_told_when_assigned_and_when_taken_off(
    exam, client_as, sms_provider, django_capture_on_commit_callbacks
):
    session, batch = exam["session"], exam["batch"]
    user = _person(Role.EXAMINER, "陈考评", "13700000021", "chen@example.cn")
    profile = ExaminerProfile.objects.create(
        user=user,
        highest_level=1,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=session.date + datetime.timedelta(days=30),
    )
    profile.occupations.add(batch.occupation)
    http = client_as(exam["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("exams:assign_examiner", args=[session.pk]), {"examiner": profile.pk})
    assignment = ExaminerAssignment.objects.get(examiner=profile)
    message = Message.objects.get(recipient=user, kind=Kind.DUTY)
    assert message.text.startswith("您被安排为")
    for fact in (session.date.isoformat(), "09:00–10:30", "考评员", "教学楼 301"):
        assert fact in message.text
    assert message.link == reverse("exams:my_examiner")
    assert client_as(user).get(message.link).status_code == 200
    (email,) = mail.outbox
    assert email.to == ["chen@example.cn"]
    (sms,) = sms_provider.requests
    assert sms["PhoneNumbers"] == "13700000021"
    assert sms["TemplateCode"] == TEMPLATES[Kind.DUTY]

    with django_capture_on_commit_callbacks(execute=True):
        http.post(reverse("exams:unassign_examiner", args=[assignment.pk]))
    assert not ExaminerAssignment.objects.exists()
    removed = Message.objects.filter(recipient=user).latest("pk")
    assert removed.text.startswith("您已不再担任")
    assert session.date.isoformat() in removed.text
    assert len(mail.outbox) == 2
    assert len(sms_provider.requests) == 2
    assert not Message.objects.filter(recipient=exam["staff"]).exists()


def test_moving_a_session_tells_its_proctors_and_a_dropped_room_its_proctors(
    exam, sms_provider, django_capture_on_commit_callbacks
):
    session, staff = exam["session"], exam["staff"]
    other = Room.objects.create(name="302", building="教学楼", capacity=30)
    services.session_save(
        actor=staff, batch=exam["batch"], session=session, rooms=[exam["session_room"].room, other]
    )
    services.session_room_set_proctors(
        actor=staff,
        session_room=session.session_rooms.get(room=other),
        proctors=[_person(Role.PROCTOR, "赵监考", "13700000013")],
    )
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_save(
            actor=staff,
            batch=exam["batch"],
            session=session,
            rooms=[exam["session_room"].room],
            starts_at=datetime.time(13, 30),
            ends_at=datetime.time(15),
        )
    moved = Message.objects.filter(text__contains="时间已调整")
    assert set(moved.values_list("recipient__name", flat=True)) == {"王监考", "李监考"}
    assert "13:30–15:00" in moved.first().text
    dropped = Message.objects.get(recipient__name="赵监考")
    assert dropped.text.startswith("您已不再担任")
    assert "302" in dropped.text
    assert not Message.objects.filter(recipient=staff).exists()


def test_a_leave_request_goes_to_exam_staff_and_the_decision_back_to_the_proctor(
    exam, client_as, sms_provider, django_capture_on_commit_callbacks
):
    wang, _li = exam["proctors"]
    other_staff = _person(Role.EXAM_STAFF, "考务乙", "13700000002", "kaowu@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(wang).post(
            reverse("exams:request_absence", args=[exam["session_room"].pk]),
            {"kind": AbsenceKind.LEAVE, "reason": "家中有事"},
        )
    absence = ProctorAbsence.objects.get()
    waiting = Message.objects.filter(kind=Kind.APPROVAL_WAITING)
    assert set(waiting.values_list("recipient", flat=True)) == {exam["staff"].pk, other_staff.pk}
    message = waiting.get(recipient=other_staff)
    assert message.text.startswith("王监考申请考前请假")
    assert "家中有事" in message.text
    assert message.link == reverse("exams:list_absences")
    (email,) = mail.outbox
    assert email.to == ["kaowu@example.cn"]
    assert len(sms_provider.requests) == 2
    assert _sms_to(sms_provider, "13700000002")[0]["TemplateCode"] == TEMPLATES[Kind.APPROVAL_WAITING]

    zhao = _person(Role.PROCTOR, "赵监考", "13700000013")
    mail.outbox.clear()
    sms_provider.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(other_staff).post(
            reverse("exams:decide_absence", args=[absence.pk]),
            {"decision": "approve", "note": "", "replacement": zhao.pk},
        )
    absence.refresh_from_db()
    assert absence.status == AbsenceStatus.APPROVED
    decided = Message.objects.get(recipient=wang, kind=Kind.LEAVE_DECIDED)
    assert decided.text.startswith("您的考前请假申请")
    assert "已批准" in decided.text
    assert decided.link == reverse("exams:my_duties")
    replacing = Message.objects.get(recipient=zhao, kind=Kind.DUTY)
    assert "教学楼 301" in replacing.text
    (email,) = mail.outbox
    assert email.to == ["wang@example.cn"]
    assert {r["PhoneNumbers"] for r in sms_provider.requests} == {"13700000011", "13700000013"}
    assert _sms_to(sms_provider, "13700000011")[0]["TemplateCode"] == TEMPLATES[Kind.LEAVE_DECIDED]
    assert not Message.objects.filter(recipient=other_staff, kind=Kind.LEAVE_DECIDED).exists()


def test_a_refused_leave_tells_the_proctor_why(exam, client_as, django_capture_on_commit_callbacks):
    wang, _li = exam["proctors"]
    absence = services.absence_request(
        actor=wang, session_room=exam["session_room"], kind=AbsenceKind.LEAVE, reason="出差"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_as(exam["staff"]).post(
            reverse("exams:decide_absence", args=[absence.pk]),
            {"decision": "refuse", "note": "当天人手不足", "replacement": ""},
        )
    message = Message.objects.get(recipient=wang, kind=Kind.LEAVE_DECIDED)
    assert "未获批准" in message.text
    assert "当天人手不足" in message.text


def test_leaving_the_post_asks_the_group_leader_who_hears_of_the_return(
    exam, clock, client_as, sms_provider, django_capture_on_commit_callbacks
):
    session = exam["session"]
    chief = _person(Role.EXAMINER, "周主考", "13700000031", "zhou@example.cn")
    profile = ExaminerProfile.objects.create(
        user=chief,
        highest_level=1,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=session.date + datetime.timedelta(days=30),
        is_chief_examiner=True,
    )
    profile.occupations.add(session.batch.occupation)
    services.examiner_assign(actor=exam["staff"], session=session, examiner=profile)
    Message.objects.all().delete()
    _on_exam_day(exam, clock)
    wang, _li = exam["proctors"]
    with django_capture_on_commit_callbacks(execute=True):
        client_as(wang).post(
            reverse("exams:request_absence", args=[exam["session_room"].pk]),
            {"kind": AbsenceKind.POST, "reason": "身体不适"},
        )
    (asked,) = Message.objects.filter(kind=Kind.APPROVAL_WAITING)
    assert asked.recipient == chief
    assert asked.text.startswith("王监考申请考试中离岗")
    assert "身体不适" in asked.text
    assert client_as(chief).get(asked.link).status_code == 200
    (email,) = mail.outbox
    assert email.to == ["zhou@example.cn"]
    (sms,) = sms_provider.requests
    assert sms["PhoneNumbers"] == "13700000031"

    absence = ProctorAbsence.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(chief).post(
            reverse("exams:decide_absence", args=[absence.pk]), {"decision": "approve", "note": ""}
        )
    decided = Message.objects.get(recipient=wang, kind=Kind.LEAVE_DECIDED)
    assert decided.text.startswith("您的考试中离岗申请")
    assert "已批准" in decided.text
    assert decided.link == reverse("exams:room_record", args=[exam["session_room"].pk])

    clock.move_to(datetime.datetime.combine(session.date, datetime.time(9, 35), tzinfo=SHANGHAI))
    with django_capture_on_commit_callbacks(execute=True):
        client_as(wang).post(reverse("exams:return_to_post", args=[absence.pk]))
    back = Message.objects.filter(recipient=chief, kind=Kind.LEAVE_DECIDED).get()
    assert back.text.startswith("王监考已于09:35回到")
    assert back.link == reverse("exams:list_absences")
    assert [email.to for email in mail.outbox] == [
        ["zhou@example.cn"],
        ["wang@example.cn"],
        ["zhou@example.cn"],
    ]
    assert len(_sms_to(sms_provider, "13700000031")) == 2
    assert not Message.objects.filter(recipient=wang, kind=Kind.LEAVE_DECIDED).exclude(pk=decided.pk).exists()


@pytest.fixture
def leaders():
    return {
        "director": _person(Role.DIRECTOR, "所长", "13700000041", "director@example.cn"),
        "deputy": _person(Role.DEPUTY, "副所长", "13700000042"),
    }


def test_a_breach_is_told_at_once_to_the_leaders_and_exam_staff_not_the_proctor(
    exam, leaders, clock, client_as, sms_provider, django_capture_on_commit_callbacks
):
    _on_exam_day(exam, clock)
    wang, _li = exam["proctors"]
    session_room = exam["session_room"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(wang).post(
            reverse("exams:add_incident", args=[session_room.pk]),
            {"seat_number": 3, "kind": "discipline", "description": "携带手机进入考场"},
        )
    assert response.status_code == 302
    told = Message.objects.filter(kind=Kind.EXAM_INCIDENT)
    assert set(told.values_list("recipient", flat=True)) == {
        leaders["director"].pk,
        leaders["deputy"].pk,
        exam["staff"].pk,
    }
    message = told.get(recipient=leaders["director"])
    for fact in ("教学楼 301", "03号座位", "违纪", "携带手机进入考场", "王监考"):
        assert fact in message.text
    assert message.link == reverse("exams:room_record", args=[session_room.pk])
    assert "携带手机进入考场" in client_as(leaders["deputy"]).get(message.link).content.decode()
    (email,) = mail.outbox
    assert email.to == ["director@example.cn"]
    assert {r["PhoneNumbers"] for r in sms_provider.requests} == {"13700000041", "13700000042", "13700000001"}
    assert _sms_to(sms_provider, "13700000041")[0]["TemplateCode"] == TEMPLATES[Kind.EXAM_INCIDENT]


def test_an_incident_recorded_by_exam_staff_is_not_told_to_him(exam, leaders, clock, client_as):
    _on_exam_day(exam, clock)
    client_as(exam["staff"]).post(
        reverse("exams:add_incident", args=[exam["session_room"].pk]),
        {"seat_number": "", "kind": "irregularity", "description": "空调故障"},
    )
    told = Message.objects.filter(kind=Kind.EXAM_INCIDENT)
    assert set(told.values_list("recipient", flat=True)) == {leaders["director"].pk, leaders["deputy"].pk}
    assert "异常情况" in told.first().text


def test_papers_missing_at_the_return_are_told_at_once(
    exam, leaders, clock, client_as, sms_provider, django_capture_on_commit_callbacks
):
    _on_exam_day(exam, clock, at=datetime.time(8, 45))
    wang, li = exam["proctors"]
    session_room = exam["session_room"]
    with django_capture_on_commit_callbacks(execute=True):
        client_as(wang).post(
            reverse("exams:record_handover", args=[session_room.pk]),
            {"count": 4, "sealed": "on", "given_by": exam["staff"].pk},
        )
    # Sealed papers handed out as they should: nobody is told.
    assert not Message.objects.exists()
    clock.move_to(datetime.datetime.combine(exam["session"].date, datetime.time(10, 40), tzinfo=SHANGHAI))
    with django_capture_on_commit_callbacks(execute=True):
        client_as(exam["staff"]).post(
            reverse("exams:record_handover", args=[session_room.pk]),
            {"count": 3, "sealed": "on", "given_by": li.pk},
        )
    assert session_room.handovers.count() == 2
    told = Message.objects.filter(kind=Kind.EXAM_INCIDENT)
    assert set(told.values_list("recipient", flat=True)) == {leaders["director"].pk, leaders["deputy"].pk}
    message = told.get(recipient=leaders["deputy"])
    assert message.text.startswith("试卷交接异常")
    assert "发出试卷4份，收回3份" in message.text
    assert "教学楼 301" in message.text
    assert message.link == reverse("exams:room_record", args=[session_room.pk])
    (email,) = mail.outbox
    assert email.to == ["director@example.cn"]
    assert "发出试卷4份，收回3份" in email.body
    assert {r["PhoneNumbers"] for r in sms_provider.requests} == {"13700000041", "13700000042"}
    assert all(r["TemplateCode"] == TEMPLATES[Kind.EXAM_INCIDENT] for r in sms_provider.requests)
