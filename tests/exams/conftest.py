"""Fixtures of the exam day: a batch arranged through the pages, then published."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applicants.models import ApplicationDocument
from exams.models import Room, SessionPart, Ticket
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.images import portrait


@pytest.fixture
def arranged(db, tmp_path, settings, client_as):
    """A batch with a theory session over two rooms, arranged through the pages as exam staff would."""
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    batch = BatchFactory(status="registration_closed")
    rooms = [Room.objects.create(name=name, building="教学楼", capacity=16) for name in ("301", "302")]
    proctors = [UserFactory(username=f"proctor{n}", name=f"监考{n}", role=Role.PROCTOR) for n in range(4)]
    applications = candidates(batch, {"23 机电 1 班": 12, "23 机电 2 班": 8})
    photo = ApplicationDocument(
        application=applications[0],
        kind="photo",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
        confirmed=True,
    )
    photo.file.save("photo.jpg", ContentFile(portrait(size=(358, 441))), save=True)
    http = client_as(staff)
    response = http.post(
        reverse("exams:create_session", args=[batch.pk]),
        {
            "part": SessionPart.THEORY,
            "sitting": 1,
            "date": batch.theory_date.isoformat(),
            "starts_at": "09:00",
            "ends_at": "10:30",
            "place": "",
            "late_entry_minutes": 15,
            "rooms": [room.pk for room in rooms],
        },
    )
    assert response.status_code == 302
    session = batch.sessions.get()
    assert http.post(reverse("exams:assign_seats", args=[session.pk])).status_code == 302
    assert session.seats.count() == 20
    return {
        "staff": staff,
        "batch": batch,
        "session": session,
        "proctors": proctors,
        "applications": applications,
        "http": http,
    }


@pytest.fixture
def published(arranged):
    http, session = arranged["http"], arranged["session"]
    for index, session_room in enumerate(session.session_rooms.order_by("order")):
        pair = arranged["proctors"][index * 2 : index * 2 + 2]
        http.post(
            reverse("exams:set_proctors", args=[session_room.pk]),
            {f"room{session_room.pk}-proctors": [p.pk for p in pair]},
        )
    http.post(reverse("exams:publish_tickets", args=[arranged["batch"].pk]))
    assert Ticket.objects.count() == 20
    return arranged
