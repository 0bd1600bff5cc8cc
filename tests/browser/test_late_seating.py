import datetime
import re

import pytest
from playwright.sync_api import expect

from applicants.models import Application, ApplicationStatus
from exams import services
from exams.models import BatchStatus, Room, SessionPart, Ticket
from jianding.roles import Role
from tests.browser.conftest import menu_follow, sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory
from tests.factories.finance import fees_paid
from tests.pdf import pdf_text


def _application(batch, name, class_name):
    return Application.objects.create(
        applicant=ApplicantFactory(name=name),
        batch=batch,
        category="student",
        class_name=class_name,
        status=ApplicationStatus.CITY_APPROVED,
    )


@pytest.mark.django_db(transaction=True)
def test_exam_staff_seat_a_candidate_approved_after_publishing_and_he_prints_his_ticket(
    open_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    exam_staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    proctors = [
        UserFactory(username=f"proctor{n}", name=name, role=Role.PROCTOR)
        for n, name in enumerate(("吴芳", "陈静"))
    ]
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[4]), status=BatchStatus.REGISTRATION_CLOSED
    )
    room = Room.objects.create(name="301", building="教学楼", capacity=10)
    fees_paid(_application(batch, name, "23 机电 1 班") for name in ("张伟", "李娜", "王芳"))
    session = services.session_save(
        actor=exam_staff,
        batch=batch,
        rooms=[room],
        part=SessionPart.THEORY,
        sitting=1,
        date=batch.theory_date,
        starts_at=datetime.time(9),
        ends_at=datetime.time(10, 30),
    )
    services.seats_assign(actor=exam_staff, session=session)
    services.session_room_set_proctors(
        actor=exam_staff, session_room=session.session_rooms.get(), proctors=proctors
    )
    assert services.tickets_publish(actor=exam_staff, batch=batch) == 3
    # The city center approved him after the tickets were out.
    late = _application(batch, "周迟到", "23 机电 2 班")
    fees_paid([late])

    staff = open_page()
    sign_in(staff, "kaowu", TEST_PASSWORD)
    menu_follow(staff, "鉴定批次")
    staff.get_by_role("link", name=re.compile("电工")).first.click()
    staff.get_by_role("link", name="场次与准考证").click()
    expect(staff.get_by_test_id("not-seated")).to_contain_text("周迟到")
    staff.get_by_role("link", name="理论考试 第1场").click()
    expect(staff.get_by_test_id("not-seated")).to_contain_text("已核准、未编排座位")
    staff.get_by_role("button", name="为 周迟到 补充编排并发放准考证").click()
    ticket = Ticket.objects.get(application=late)
    expect(staff.get_by_text(f"已为 周迟到 编排座位，发放准考证 {ticket.number}。")).to_be_visible()
    expect(staff.get_by_test_id("not-seated")).to_have_count(0)
    staff.get_by_role("link", name="理论考试 第1场").click()
    expect(staff.get_by_role("row", name=re.compile("周迟到"))).to_contain_text(ticket.number)

    applicant = open_page()
    sign_in(applicant, late.applicant.id_number, TEST_PASSWORD)
    menu_follow(applicant, "我的报名")
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name=f"打印准考证 {ticket.number}").click()
    text = pdf_text(download.value.path())
    assert "周迟到" in text
    assert ticket.number in text
