import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from exams import services
from exams.models import AbsenceKind, AbsenceStatus, ExaminerAssignment, ExaminerProfile
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import UserFactory


@pytest.fixture
def room(published):
    session_room = published["session"].session_rooms.get(order=1)
    start = timezone.make_aware(datetime.datetime.combine(published["session"].date, datetime.time(9)))
    return {
        **published,
        "session_room": session_room,
        "pair": list(session_room.proctors.order_by("username")),
        "start": start,
    }


def test_leave_needs_a_replacement_when_the_room_would_fall_short(room):
    session_room, (first, _second), staff = room["session_room"], room["pair"], room["staff"]
    absence = services.absence_request(
        actor=first, session_room=session_room, kind=AbsenceKind.LEAVE, reason="家中有事"
    )
    with pytest.raises(RuleViolation) as caught:
        services.absence_request(
            actor=first, session_room=session_room, kind=AbsenceKind.LEAVE, reason="again"
        )
    assert caught.value.code == "request_pending"
    with pytest.raises(PermissionDenied):
        services.absence_decide(actor=first, absence=absence, approve=True)
    with pytest.raises(RuleViolation) as caught:
        services.absence_decide(actor=staff, absence=absence, approve=True)
    assert (caught.value.code, caught.value.field) == ("replacement_required", "replacement")
    busy = room["session"].session_rooms.get(order=2).proctors.first()
    with pytest.raises(RuleViolation) as caught:
        services.absence_decide(actor=staff, absence=absence, approve=True, replacement=busy)
    assert caught.value.code == "replacement_busy"
    spare = UserFactory(username="spare", name="备用监考", role=Role.PROCTOR)
    decided = services.absence_decide(actor=staff, absence=absence, approve=True, replacement=spare)
    assert decided.status == AbsenceStatus.APPROVED
    assert set(session_room.proctors.all()) == {room["pair"][1], spare}
    assert decided.history.count() == 2


def test_leave_is_asked_before_the_start_and_refusal_needs_a_reason(room):
    session_room, (first, _second), staff = room["session_room"], room["pair"], room["staff"]
    with pytest.raises(RuleViolation) as caught:
        services.absence_request(
            actor=first, session_room=session_room, kind=AbsenceKind.LEAVE, reason="x", now=room["start"]
        )
    assert caught.value.code == "leave_too_late"
    absence = services.absence_request(
        actor=first, session_room=session_room, kind=AbsenceKind.LEAVE, reason="病假"
    )
    with pytest.raises(RuleViolation) as caught:
        services.absence_decide(actor=staff, absence=absence, approve=False)
    assert caught.value.field == "note"
    services.absence_decide(actor=staff, absence=absence, approve=False, note="当日人手不足")
    assert first in session_room.proctors.all()


def test_only_the_chief_examiner_of_the_session_lets_a_proctor_leave_his_post_and_the_record_shows_it(
    room, client_as
):
    session_room, (first, _second) = room["session_room"], room["pair"]
    during = room["start"] + datetime.timedelta(minutes=30)
    with pytest.raises(RuleViolation) as caught:
        services.absence_request(actor=first, session_room=session_room, kind=AbsenceKind.POST, reason="x")
    assert caught.value.code == "not_exam_day"
    absence = services.absence_request(
        actor=first, session_room=session_room, kind=AbsenceKind.POST, reason="身体不适", now=during
    )
    examiner = UserFactory(role=Role.EXAMINER)
    ExaminerProfile.objects.create(user=examiner)
    with pytest.raises(PermissionDenied):
        services.absence_decide(actor=examiner, absence=absence, approve=True)
    with pytest.raises(PermissionDenied):
        services.absence_decide(actor=room["staff"], absence=absence, approve=True)
    # A chief examiner of another evaluation group neither sees nor decides it [监考人员守则 §6].
    elsewhere = UserFactory(role=Role.EXAMINER, name="吴组长")
    ExaminerProfile.objects.create(user=elsewhere, is_chief_examiner=True)
    with pytest.raises(PermissionDenied):
        services.absence_decide(actor=elsewhere, absence=absence, approve=True)
    stranger = client_as(elsewhere)
    assert "身体不适" not in stranger.get(reverse("exams:list_absences")).content.decode()
    decide = reverse("exams:decide_absence", args=[absence.pk])
    assert stranger.post(decide, {"decision": "approve", "note": ""}).status_code == 404
    chief = UserFactory(role=Role.EXAMINER, name="周组长")
    profile = ExaminerProfile.objects.create(user=chief, is_chief_examiner=True)
    ExaminerAssignment.objects.create(session=room["session"], examiner=profile, assigned_by=room["staff"])
    http = client_as(chief)
    listing = http.get(reverse("exams:list_absences"))
    assert listing.context["can_decide"]
    assert "身体不适" in listing.content.decode()
    http.post(decide, {"decision": "approve", "note": ""})
    absence.refresh_from_db()
    assert (absence.status, absence.decided_by) == (AbsenceStatus.APPROVED, chief)
    proctor = client_as(first)
    proctor.post(reverse("exams:return_to_post", args=[absence.pk]))
    absence.refresh_from_db()
    assert absence.returned_at is not None
    page = proctor.get(reverse("exams:room_record", args=[session_room.pk])).content.decode()
    assert "身体不适" in page
    assert "周组长" in page


def test_a_room_short_of_proctors_may_not_start(room):
    session_room, (first, _second) = room["session_room"], room["pair"]
    session_room.proctors.remove(room["pair"][1])
    seat = session_room.seats.select_related("application__ticket").first()
    with pytest.raises(RuleViolation) as caught:
        services.seat_check_in(
            actor=first, session=room["session"], ticket_number=seat.application.ticket.number
        )
    assert caught.value.code == "too_few_proctors"
