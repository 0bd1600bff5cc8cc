"""An examiner reads his session's scoring standard from his assignment on, before scoring opens,
and his session list says where he goes [考评员 §3, #19]."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exams import services
from exams.models import ExaminerProfile, ScoreSheet, SessionPart
from jianding.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.scoring import ITEMS


@pytest.fixture
def assigned(published):
    """The published theory session, its standard in force, an examiner assigned; scoring not open."""
    batch, staff, session = published["batch"], published["staff"], published["session"]
    user = UserFactory(username="examiner-a", name="孙考评", role=Role.EXAMINER)
    profile = ExaminerProfile.objects.create(
        user=user,
        highest_level=1,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=batch.theory_date + datetime.timedelta(days=30),
    )
    profile.occupations.add(batch.occupation)
    session.status = "arranging"
    session.save()
    services.examiner_assign(actor=staff, session=session, examiner=profile)
    session.status = "published"
    session.save()
    services.standard_create(
        actor=staff,
        occupation=batch.occupation,
        level=batch.level,
        part=SessionPart.THEORY,
        effective_from=batch.theory_date - datetime.timedelta(days=100),
        combine_rule="mean",
        items=ITEMS,
    )
    return {**published, "examiner": profile}


def test_an_assigned_examiner_reads_the_standard_before_scoring_opens_and_nothing_of_the_candidates(
    assigned, client_as
):
    session, examiner = assigned["session"], assigned["examiner"]
    assert not ScoreSheet.objects.filter(session=session).exists()
    http = client_as(examiner.user)
    my_page = http.get(reverse("exams:my_examiner")).text
    standard_url = reverse("exams:session_standard", args=[session.pk])
    assert standard_url in my_page
    page = http.get(standard_url)
    assert page.status_code == 200
    for item in ITEMS:
        assert item["title"] in page.text
    assert "未穿戴防护用品扣 5 分" in page.text
    for application in assigned["applications"]:
        assert application.applicant.name not in page.text
        assert application.applicant.id_number not in page.text
    # An examiner of another session does not find it.
    other = UserFactory(username="examiner-b", role=Role.EXAMINER)
    ExaminerProfile.objects.create(user=other)
    assert client_as(other).get(standard_url).status_code == 404


def test_the_examiners_session_list_shows_place_and_rooms_in_a_fixed_number_of_queries(assigned, client_as):
    session, examiner, staff = assigned["session"], assigned["examiner"], assigned["staff"]
    session.place = "北校区"
    session.save()
    http = client_as(examiner.user)
    page = http.get(reverse("exams:my_examiner")).text
    assert "北校区" in page
    assert "教学楼 301" in page
    assert "教学楼 302" in page

    with CaptureQueriesContext(connection) as one:
        http.get(reverse("exams:my_examiner"))
    session.status = "arranging"
    session.save()
    skill = services.session_save(
        actor=staff,
        batch=assigned["batch"],
        rooms=[session_room.room for session_room in session.session_rooms.all()],
        part=SessionPart.SKILL,
        sitting=1,
        date=assigned["batch"].skill_date,
        starts_at=datetime.time(13),
        ends_at=datetime.time(16),
        place="",
        late_entry_minutes=15,
        technician="",
    )
    services.examiner_assign(actor=staff, session=skill, examiner=examiner)
    with CaptureQueriesContext(connection) as two:
        http.get(reverse("exams:my_examiner"))
    assert len(two) == len(one)
