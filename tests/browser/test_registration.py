import re

import pytest
from playwright.sync_api import expect

from exams.models import BatchStatus
from jianding.roles import Role
from tests.browser.conftest import sign_in, sign_up
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.exams import BatchFactory, OccupationFactory, pdf_upload
from tests.factories.images import portrait


def _file(name, data, mime):
    return {"name": name, "mimeType": mime, "buffer": data}


def _upload(page, label, file):
    card = page.locator(".card", has=page.get_by_role("heading", name=label, exact=True))
    card.locator("input[type=file]").set_input_files(file)
    card.get_by_role("button", name=re.compile("上传")).click()
    expect(page.get_by_text("材料已上传。")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_register_apply_upload_be_returned_correct_and_be_approved(open_page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN
    )

    page = open_page("phone")
    page.goto(f"/public/batches/{batch.pk}/")
    sign_up(page, name="张伟", id_number="320102200503151230", phone="13812345678")

    page.goto(f"/applicants/apply/{batch.pk}/")
    page.get_by_role("link", name="先核对个人资料").click()
    page.get_by_label("学历").select_option("vocational")
    page.get_by_label("单位或班级").fill("23 机电 1 班")
    page.get_by_role("button", name="保存").click()
    page.get_by_label("在校生").check()
    page.get_by_role("button", name="开始报名").click()
    expect(page.get_by_test_id("application-status")).to_have_text("草稿")

    _upload(page, "学生证复印件", _file("card.png", portrait(fmt="PNG"), "image/png"))
    _upload(page, "身份证复印件", _file("id.pdf", pdf_upload().read(), "application/pdf"))
    _upload(page, "黑白 2 寸照片", _file("me.jpg", portrait(), "image/jpeg"))
    page.get_by_role("button", name="使用此照片").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("application-status")).to_have_text("已提交")
    application_url = page.url

    reviewer = open_page()
    sign_in(reviewer, "kaowu", TEST_PASSWORD)
    expect(reviewer.get_by_text("待审核的报名")).to_be_visible()
    reviewer.goto(application_url)
    expect(reviewer.get_by_text("320102200503151230", exact=True)).to_be_visible()
    expect(reviewer.get_by_role("img", name="黑白 2 寸照片")).to_be_visible()
    reviewer.get_by_label("理由").fill("学生证复印件不清楚，请重新上传。")
    reviewer.get_by_role("button", name="退回修改").click()
    # nothing else waits for a decision: the reviewer is back at the queue
    expect(reviewer.get_by_text("已记录审核结果：张伟，已退回修改。")).to_be_visible()
    expect(reviewer.get_by_text("当前筛选条件下已没有待审核的报名。")).to_be_visible()

    page.reload()
    expect(page.get_by_test_id("review-reason")).to_contain_text("学生证复印件不清楚")
    _upload(page, "学生证复印件", _file("card2.png", portrait(fmt="PNG"), "image/png"))
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("application-status")).to_have_text("已提交")

    reviewer.goto(application_url)
    expect(reviewer.get_by_test_id("review-reason")).to_contain_text("已答复")
    reviewer.get_by_role("button", name="批准").click()
    expect(reviewer.get_by_text("已记录审核结果：张伟，已批准。")).to_be_visible()
    page.goto("/applicants/mine/")
    expect(page.get_by_test_id("application-status")).to_have_text("已批准")
