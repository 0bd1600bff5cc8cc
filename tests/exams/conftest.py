"""Fixtures of the exam day: a batch arranged through the pages, then published."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from applicants.models import ApplicationDocument
from exams import services
from exams.models import ExaminerProfile, Room, SessionPart, Ticket
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory
from tests.factories.images import portrait
from tests.factories.scoring import ITEMS


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


@pytest.fixture
def scoring(published):
    """The published theory session with three examiners, a standard in force, and scoring open."""
    batch, staff, session = published["batch"], published["staff"], published["session"]
    session.status = "arranging"
    session.save()
    examiners = []
    for number in range(3):
        user = UserFactory(username=f"examiner{number}", name=f"考评{number}", role=Role.EXAMINER)
        profile = ExaminerProfile.objects.create(
            user=user,
            highest_level=1,
            valid_from=datetime.date(2020, 1, 1),
            valid_until=batch.theory_date + datetime.timedelta(days=30),
            is_chief_examiner=number == 0,
        )
        profile.occupations.add(batch.occupation)
        services.examiner_assign(actor=staff, session=session, examiner=profile)
        examiners.append(profile)
    session.status = "published"
    session.save()
    # Everyone came in but the candidate of seat 2 in the first room.
    for seat in session.seats.exclude(session_room__order=1, number=2):
        seat.checked_in_at = timezone.now()
        seat.save()
    services.standard_create(
        actor=staff,
        occupation=batch.occupation,
        level=batch.level,
        part=SessionPart.THEORY,
        effective_from=batch.theory_date - datetime.timedelta(days=100),
        combine_rule="mean",
        items=ITEMS,
    )
    assert services.scoring_open(actor=staff, session=session) == 19 * 3
    return {**published, "examiners": examiners}
