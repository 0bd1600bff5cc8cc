"""The exam desk on a tablet [#19]: the proctor compares the scanned candidate's ID photo with his
face, and an examiner reads his session's scoring standard before scoring opens."""

import datetime

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from applicants.models import ApplicationDocument
from exams import services
from exams.models import ExaminerProfile, Room, SessionPart
from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory, OccupationFactory
from tests.factories.images import portrait
from tests.factories.scoring import ITEMS


@pytest.fixture
def desk(transactional_db, tmp_path, settings):
    """A published theory session in one room with its two proctors and an examiner; no scoring yet."""
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    batch = BatchFactory(occupation=OccupationFactory(name="电工", levels=[4]), status="registration_closed")
    room = Room.objects.create(name="301", building="教学楼", capacity=10)
    applications = candidates(batch, {"23 机电 1 班": 4})
    photo = ApplicationDocument(
        application=applications[0],
        kind="photo",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
        confirmed=True,
    )
    photo.file.save("photo.jpg", ContentFile(portrait(size=(358, 441))), save=True)
    session = services.session_save(
        actor=staff,
        batch=batch,
        rooms=[room],
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
        place="北校区",
        late_entry_minutes=15,
        technician="",
    )
    services.seats_assign(actor=staff, session=session)
    proctors = [UserFactory(username=f"proctor{n}", role=Role.PROCTOR) for n in range(2)]
    services.session_room_set_proctors(
        actor=staff, session_room=session.session_rooms.get(), proctors=proctors
    )
    examiner = UserFactory(username="kaoping", name="孙考评", role=Role.EXAMINER)
    profile = ExaminerProfile.objects.create(
        user=examiner,
        highest_level=1,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=batch.theory_date + datetime.timedelta(days=30),
    )
    profile.occupations.add(batch.occupation)
    services.examiner_assign(actor=staff, session=session, examiner=profile)
    services.standard_create(
        actor=staff,
        occupation=batch.occupation,
        level=batch.level,
        part=SessionPart.THEORY,
        effective_from=batch.theory_date - datetime.timedelta(days=100),
        combine_rule="mean",
        items=ITEMS,
    )
    services.tickets_publish(actor=staff, batch=batch)
    applications[0].refresh_from_db()
    return {"session": session, "candidate": applications[0]}


def test_the_proctor_sees_the_photo_of_the_ticket_he_scans_on_a_tablet(desk, open_page):
    session, candidate = desk["session"], desk["candidate"]
    page = open_page("tablet")
    sign_in(page, "proctor0", TEST_PASSWORD)
    page.goto(f"/exams/sessions/{session.pk}/check-in/")
    page.get_by_label("准考证号").fill(candidate.ticket.number)
    page.get_by_role("button", name="核验入场").click()
    entered = page.get_by_test_id("entered")
    expect(entered).to_contain_text(candidate.ticket.number)
    expect(entered).to_contain_text(candidate.applicant.name)
    photo = entered.get_by_role("img", name=f"{candidate.applicant.name} 的证件照")
    expect(photo).to_be_visible()
    assert photo.evaluate("(image) => image.complete && image.naturalWidth") == 358


def test_an_examiner_reads_his_sessions_standard_before_scoring_opens_on_a_tablet(desk, open_page):
    page = open_page("tablet")
    sign_in(page, "kaoping", TEST_PASSWORD)
    page.goto("/exams/examiners/me/")
    session_line = page.get_by_test_id("my-session")
    expect(session_line).to_contain_text("北校区")
    expect(session_line).to_contain_text("教学楼 301")
    session_line.get_by_role("link", name="评分标准").click()
    standard = page.get_by_test_id("session-standard")
    for item in ITEMS:
        expect(standard).to_contain_text(item["title"])
    expect(standard).to_contain_text("未穿戴防护用品扣 5 分")
    expect(page.get_by_text(desk["candidate"].applicant.name)).to_have_count(0)
