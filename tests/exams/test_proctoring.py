from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader

from exams import services
from exams.models import HandoverDirection, Incident, RoomRecord
from jianding.errors import RuleViolation
from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory


@pytest.fixture
def room(published):
    session_room = published["session"].session_rooms.get(order=1)
    return {
        **published,
        "session_room": session_room,
        "pair": list(session_room.proctors.order_by("username")),
    }


def test_papers_out_and_back_show_what_is_missing(room):
    session_room, (first, _second), staff = room["session_room"], room["pair"], room["staff"]
    out, back = HandoverDirection.OUT, HandoverDirection.BACK

    def hand(actor, direction, count, given_by):
        return services.paper_handover_record(
            actor=actor,
            session_room=session_room,
            direction=direction,
            count=count,
            sealed=True,
            given_by=given_by,
        )

    with pytest.raises(RuleViolation) as caught:
        hand(staff, back, 16, first)
    assert caught.value.code == "nothing_handed_out"
    with pytest.raises(RuleViolation) as caught:
        hand(first, out, 16, first)
    assert caught.value.field == "given_by"
    hand(first, out, 16, staff)
    assert services.handover_missing(session_room) is None
    with pytest.raises(RuleViolation) as caught:
        hand(first, out, 16, staff)
    assert caught.value.code == "handover_recorded"
    with pytest.raises(PermissionDenied):
        hand(first, back, 15, first)
    hand(staff, back, 15, first)
    assert services.handover_missing(session_room) == 1


def test_record_closes_when_every_proctor_has_signed_with_his_password(room):
    session_room, (first, second) = room["session_room"], room["pair"]
    services.incident_record(
        actor=first, session_room=session_room, seat_number=3, kind="discipline", description="夹带小抄"
    )
    with pytest.raises(RuleViolation) as caught:
        services.incident_record(
            actor=first, session_room=session_room, seat_number=42, kind="other", description="x"
        )
    assert caught.value.field == "seat_number"
    with pytest.raises(RuleViolation) as caught:
        services.room_record_sign(actor=first, session_room=session_room, password="wrong", notes="")
    assert caught.value.field == "password"
    record = services.room_record_sign(
        actor=first, session_room=session_room, password=TEST_PASSWORD, notes="考试正常结束。"
    )
    assert record.signed_at is None
    with pytest.raises(RuleViolation) as caught:
        services.room_record_sign(actor=first, session_room=session_room, password=TEST_PASSWORD, notes="")
    assert caught.value.code == "already_signed"
    record = services.room_record_sign(
        actor=second, session_room=session_room, password=TEST_PASSWORD, notes="考试正常结束。"
    )
    assert record.signed_at is not None
    with pytest.raises(RuleViolation) as caught:
        services.incident_record(
            actor=first, session_room=session_room, seat_number=None, kind="other", description="补记"
        )
    assert caught.value.code == "record_signed"
    assert Incident.objects.get().seat.number == 3
    assert record.history.count() >= 2
    with pytest.raises(PermissionDenied):
        services.room_record_sign(
            actor=UserFactory(role=Role.PROCTOR), session_room=session_room, password=TEST_PASSWORD, notes=""
        )


def test_the_record_page_for_a_proctor_and_its_pdf(room, client_as):
    session_room, (first, _second) = room["session_room"], room["pair"]
    http = client_as(first)
    url = reverse("exams:room_record", args=[session_room.pk])
    page = http.get(url)
    assert page.context["handover_direction"] == HandoverDirection.OUT
    assert page.context["patrol_form"] is None
    response = http.post(
        reverse("exams:record_handover", args=[session_room.pk]),
        {"count": 16, "sealed": "on", "given_by": room["staff"].pk},
    )
    assert response.status_code == 302
    refused = http.post(
        reverse("exams:add_incident", args=[session_room.pk]),
        {"seat_number": 77, "kind": "other", "description": "x"},
        follow=True,
    )
    assert "座位号：" in refused.content.decode()
    http.post(
        reverse("exams:add_incident", args=[session_room.pk]),
        {"seat_number": 2, "kind": "discipline", "description": "交头接耳"},
    )
    http.post(
        reverse("exams:sign_room_record", args=[session_room.pk]),
        {"notes": "正常。", "password": TEST_PASSWORD},
    )
    record = RoomRecord.objects.get(session_room=session_room)
    assert record.signatures.get().proctor == first
    deputy = client_as(UserFactory(role=Role.DEPUTY))
    deputy.post(
        reverse("exams:record_patrol", args=[session_room.pk]), {"checked": "核对身份证件", "findings": ""}
    )
    text = "".join(
        p.extract_text()
        for p in PdfReader(
            BytesIO(deputy.get(reverse("exams:print_room_record", args=[session_room.pk])).content)
        ).pages
    )
    assert "考场记录表" in text
    assert "交头接耳" in text
    assert "核对身份证件" in text
    assert first.name in text
    # A proctor of another room cannot open this one.
    other = room["session"].session_rooms.get(order=2).proctors.first()
    assert client_as(other).get(url).status_code == 404
