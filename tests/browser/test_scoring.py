import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from applicants.models import ApplicationStatus
from exams import services
from exams.models import BatchStatus, ExaminerProfile, Room, ScoreSheet, SessionPart, SheetStatus
from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import candidates
from tests.factories.exams import BatchFactory


@pytest.mark.django_db(transaction=True)
def test_an_examiner_scores_a_full_sheet_on_a_tablet_and_signs_it(open_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    batch = BatchFactory(status=BatchStatus.REGISTRATION_CLOSED)
    applications = candidates(batch, {"23 机电 1 班": 2}, status=ApplicationStatus.CITY_APPROVED)
    session = services.session_save(
        actor=staff,
        batch=batch,
        rooms=[Room.objects.create(name="电工车间", capacity=10)],
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
        place="",
        late_entry_minutes=15,
        technician="",
    )
    services.seats_assign(actor=staff, session=session)
    services.session_room_set_proctors(
        actor=staff,
        session_room=session.session_rooms.get(),
        proctors=[UserFactory(username=f"p{n}", role=Role.PROCTOR) for n in range(2)],
    )
    user = UserFactory(username="kaoping", role=Role.EXAMINER)
    profile = ExaminerProfile.objects.create(
        user=user, highest_level=1, valid_from=datetime.date(2020, 1, 1), valid_until=batch.theory_date
    )
    profile.occupations.add(batch.occupation)
    services.examiner_assign(actor=staff, session=session, examiner=profile)
    services.tickets_publish(actor=staff, batch=batch)
    session.seats.update(checked_in_at=timezone.now())
    services.standard_create(
        actor=staff,
        occupation=batch.occupation,
        level=batch.level,
        part=SessionPart.THEORY,
        effective_from=batch.theory_date,
        combine_rule="mean",
        items=[
            {"title": "单项选择题", "max_points": Decimal(60), "deductions": "", "is_subjective": False},
            {
                "title": "简答题",
                "max_points": Decimal(40),
                "deductions": "要点不全酌情扣分",
                "is_subjective": True,
            },
        ],
    )
    services.scoring_open(actor=staff, session=session)

    tablet = open_page("tablet")
    sign_in(tablet, "kaoping", TEST_PASSWORD)
    tablet.goto("/exams/scoring/")
    sheet = (
        ScoreSheet.objects.filter(examiner=profile)
        .select_related("code")
        .order_by("code__seat__number")
        .first()
    )
    tablet.get_by_role("link", name=sheet.code.code).click()
    expect(tablet.get_by_test_id("sheet-code")).to_have_text(sheet.code.code)
    # htmx binds the fields once its deferred script has run: type only after the page's load event.
    tablet.wait_for_load_state("load")
    tablet.get_by_label("1. 单项选择题").fill("52")
    tablet.get_by_label("1. 单项选择题").press("Tab")
    expect(tablet.get_by_test_id("sheet-total")).to_have_text("总分 52.0")
    tablet.get_by_label("2. 简答题").fill("45")
    tablet.get_by_label("2. 简答题").press("Tab")
    expect(tablet.get_by_text("请给 0～40.0 分。")).to_be_visible()
    tablet.get_by_label("2. 简答题").fill("33.5")
    tablet.get_by_label("2. 简答题").press("Tab")
    expect(tablet.get_by_test_id("sheet-total")).to_have_text("总分 85.5")
    tablet.set_viewport_size({"width": 1024, "height": 768})
    tablet.get_by_label("您的登录密码（作为签名）").fill(TEST_PASSWORD)
    tablet.get_by_role("button", name="签名").click()
    expect(tablet.get_by_text(f"评分记录表 {sheet.code.code} 已签名锁定。")).to_be_visible()
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SIGNED
    page = tablet.content()
    for application in applications:
        assert application.applicant.name not in page
