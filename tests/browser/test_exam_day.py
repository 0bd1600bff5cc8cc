import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from applicants.models import Application, ApplicationStatus
from exams.models import BatchStatus, Room, Ticket
from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory
from tests.factories.exams import BatchFactory, OccupationFactory
from tests.factories.finance import fees_paid
from tests.pdf import pdf_text


def scan(page, number: str) -> None:
    """Type as a barcode scanner does: the digits, then Enter, wherever the focus is."""
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_arrange_publish_print_every_ticket_then_check_in_and_sign_the_room_record(
    open_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    exam_staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    UserFactory(username="proctor1", name="吴芳", role=Role.PROCTOR)
    UserFactory(username="proctor2", name="陈静", role=Role.PROCTOR)
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[4]), status=BatchStatus.REGISTRATION_CLOSED
    )
    Room.objects.create(name="301", building="教学楼", capacity=10)
    names = ["张伟", "李娜", "王芳", "刘洋", "陈杰", "杨静"]
    fees_paid(
        Application.objects.create(
            applicant=ApplicantFactory(name=name),
            batch=batch,
            category="student",
            class_name=f"23 机电 {index % 2 + 1} 班",
            status=ApplicationStatus.CITY_APPROVED,
        )
        for index, name in enumerate(names)
    )

    staff = open_page()
    sign_in(staff, "kaowu", TEST_PASSWORD)
    staff.goto(f"/exams/batches/{batch.pk}/")
    staff.get_by_role("link", name="场次与准考证").click()
    staff.get_by_role("link", name="新建场次").click()
    staff.get_by_label("科目").select_option("theory")
    staff.get_by_label("日期").fill(batch.theory_date.isoformat())
    staff.get_by_label("开始时间").fill("09:00")
    staff.get_by_label("结束时间").fill("10:30")
    staff.get_by_label("教学楼 301").check()
    staff.get_by_role("button", name="保存").click()
    expect(staff.get_by_text("场次已保存。")).to_be_visible()
    staff.get_by_role("button", name="编排座位").click()
    expect(staff.get_by_text("已为 6 名考生编排座位。")).to_be_visible()
    expect(staff.get_by_test_id("shortfalls")).to_contain_text("需监考 2 人，已安排 0 人")
    staff.get_by_label("吴芳").check()
    staff.get_by_label("陈静").check()
    staff.get_by_role("button", name="保存监考人员").click()
    expect(staff.get_by_text("监考人员已保存。")).to_be_visible()
    expect(staff.get_by_test_id("shortfalls")).to_have_count(0)

    staff.get_by_role("link", name=re.compile("电工")).first.click()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="发布并发放准考证").click()
    expect(staff.get_by_text("已发布：发放准考证 6 张。")).to_be_visible()
    staff.get_by_role("button", name="打印全部准考证（PDF）").click()
    expect(staff.get_by_test_id("job-status")).to_contain_text("已完成 · 6 / 6")
    expect(staff.locator("progress")).to_have_attribute("value", "100")
    with staff.expect_download() as download:
        staff.get_by_test_id("job-download").click()
    text = pdf_text(download.value.path())
    assert all(name in text for name in names)
    assert len(PdfReader(download.value.path()).pages) == 6

    ticket = Ticket.objects.select_related("application__applicant").order_by("number").first()
    applicant = open_page("phone")
    sign_in(applicant, ticket.application.applicant.id_number, TEST_PASSWORD)
    applicant.goto("/applicants/mine/")
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name=f"打印准考证 {ticket.number}").click()
    own = pdf_text(download.value.path())
    assert ticket.application.applicant.name in own
    assert "考生须知" in own

    proctor = open_page("tablet")
    sign_in(proctor, "proctor1", TEST_PASSWORD)
    proctor.goto("/exams/duties/")
    proctor.get_by_role("link", name="考生入场核验").click()
    expect(proctor.get_by_test_id("present")).to_have_text("应到 6 人，实到 0 人")
    # A scanner types the number and Enter into whatever has the focus: after every answer,
    # accepted or refused, that is the emptied number field.
    field = proctor.get_by_label("准考证号")
    scan(proctor, ticket.number)
    expect(
        proctor.get_by_text(re.compile(f"{ticket.application.applicant.name}：教学楼 301"))
    ).to_be_visible()
    expect(proctor.get_by_test_id("present")).to_have_text("应到 6 人，实到 1 人")
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    scan(proctor, ticket.number)
    expect(proctor.get_by_text(re.compile("已于 .* 入场。"))).to_be_visible()
    expect(field).to_have_value("")
    expect(field).to_be_focused()
    following = (
        Ticket.objects.exclude(pk=ticket.pk).select_related("application__applicant").order_by("number")[0]
    )
    scan(proctor, following.number)
    expect(
        proctor.get_by_text(re.compile(f"{following.application.applicant.name}：教学楼 301"))
    ).to_be_visible()
    expect(proctor.get_by_test_id("present")).to_have_text("应到 6 人，实到 2 人")

    # The proctors take the papers, and both sign the exam-room record at the end.
    proctor.goto("/exams/duties/")
    proctor.get_by_role("link", name="考场记录表").click()
    expect(proctor.get_by_test_id("attendance")).to_contain_text("应到 6 人，缺考 4 人")
    proctor.get_by_label("交出人").select_option(label=str(exam_staff))
    proctor.get_by_role("button", name="签收").click()
    expect(proctor.get_by_text("交接已登记。")).to_be_visible()
    proctor.get_by_label("考场情况").fill("考试正常结束。")
    proctor.get_by_label("您的登录密码（作为签名）").fill(TEST_PASSWORD)
    proctor.get_by_role("button", name="签名确认").click()
    expect(proctor.get_by_text("已签名。")).to_be_visible()
    expect(proctor.get_by_test_id("record-state")).to_have_text("填写中")

    second = open_page("tablet")
    sign_in(second, "proctor2", TEST_PASSWORD)
    second.goto("/exams/duties/")
    second.get_by_role("link", name="考场记录表").click()
    second.get_by_label("您的登录密码（作为签名）").fill(TEST_PASSWORD)
    second.get_by_role("button", name="签名确认").click()
    expect(second.get_by_test_id("record-state")).to_have_text("已签名封存")
