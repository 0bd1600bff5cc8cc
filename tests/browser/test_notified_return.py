"""The applicant returned by a clerk learns it on his phone, reads why and fixes it [#18]."""

import re

import pytest
from playwright.sync_api import expect

from exams.models import BatchStatus
from jianding.roles import Role
from tests.browser.conftest import sign_in, sign_up
from tests.browser.test_registration import _file, _upload
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.exams import BatchFactory, OccupationFactory, pdf_upload
from tests.factories.images import portrait

ID_NUMBER, PASSWORD = "320102200503151230", "Shen-bao-2026"
# What a thumb can hit (Apple's and Android's guidelines: 44 and 48 points).
THUMB = 44


def _fits_the_screen(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), page.url


def _thumb_sized(locator) -> None:
    box = locator.bounding_box()
    assert box is not None
    assert box["width"] >= THUMB
    assert box["height"] >= THUMB


@pytest.mark.django_db(transaction=True)
def test_a_returned_applicant_sees_the_bell_reads_why_and_resubmits_on_his_phone(
    open_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="guanli", role=Role.CLERK)
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN
    )
    page = open_page("phone")
    page.goto(f"/public/batches/{batch.pk}/")
    sign_up(page, name="张伟", id_number=ID_NUMBER, phone="13812345678", password=PASSWORD)
    page.goto(f"/applicants/apply/{batch.pk}/")
    page.get_by_role("link", name="先核对个人资料").click()
    page.get_by_label("学历").select_option("vocational")
    page.get_by_label("单位或班级").fill("23 机电 1 班")
    page.get_by_role("button", name="保存").click()
    page.get_by_label("在校生").check()
    page.get_by_role("button", name="开始报名").click()
    _upload(page, "学生证复印件", _file("card.png", portrait(fmt="PNG"), "image/png"))
    _upload(page, "身份证复印件", _file("id.pdf", pdf_upload().read(), "application/pdf"))
    _upload(page, "黑白 2 寸照片", _file("me.jpg", portrait(), "image/jpeg"))
    page.get_by_role("button", name="使用此照片").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("application-status")).to_have_text("已提交")
    application_url = page.url
    page.context.close()

    clerk = open_page()
    sign_in(clerk, "guanli", TEST_PASSWORD)
    clerk.goto(application_url)
    clerk.get_by_label("理由").fill("学生证复印件不清楚，请重新上传。")
    clerk.get_by_role("button", name="退回修改").click()
    expect(clerk.get_by_role("status").first).to_contain_text("已退回修改")

    # Later, on his phone: the bell shows one unread message without opening the menu.
    phone = open_page("phone")
    sign_in(phone, ID_NUMBER, PASSWORD)
    bell = phone.get_by_test_id("bell")
    expect(bell).to_be_visible()
    expect(phone.get_by_test_id("unread-count")).to_have_text("1")
    _thumb_sized(bell)
    _fits_the_screen(phone)

    bell.click()
    expect(phone.get_by_role("heading", name="消息")).to_be_visible()
    message = phone.get_by_test_id("messages").get_by_role("link", name=re.compile("学生证复印件不清楚"))
    expect(message).to_be_visible()
    _thumb_sized(message)
    _fits_the_screen(phone)

    message.click()
    expect(phone).to_have_url(re.compile(re.escape(application_url) + "$"))
    expect(phone.get_by_test_id("review-reason")).to_contain_text("学生证复印件不清楚")
    # Read: the bell has nothing more to count.
    expect(phone.get_by_test_id("bell")).to_be_visible()
    expect(phone.get_by_test_id("unread-count")).to_have_count(0)

    _upload(phone, "学生证复印件", _file("card2.png", portrait(fmt="PNG"), "image/png"))
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.get_by_test_id("application-status")).to_have_text("已提交")
    _fits_the_screen(phone)
