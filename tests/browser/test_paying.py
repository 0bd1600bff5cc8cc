"""The fee an applicant sees is the approved plan's, and he is told where and how to pay it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from applicants.models import ApplicationStatus
from exams.models import BatchStatus
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.applicants import ApplicantFactory, candidates
from tests.factories.exams import BatchFactory, OccupationFactory, days_from_today
from tests.factories.finance import books


@pytest.mark.django_db(transaction=True)
def test_the_batch_page_and_the_application_show_the_approved_fee_and_how_to_pay(open_page, settings):
    settings.FEE_DESK_ADDRESS = "行政楼 204 室 鉴定所财务"
    settings.FEE_DESK_HOURS = "工作日 8:30–11:30、14:00–17:00"
    settings.FEE_BANK_PAYEE = "某某职业技术学校"
    settings.FEE_BANK_NAME = "中国工商银行南京中山路支行"
    settings.FEE_BANK_ACCOUNT = "4301 0158 0000 1234"
    setup = books(year=days_from_today(0).year, fee=Decimal("150.00"))
    batch = BatchFactory(
        occupation=OccupationFactory(name="中式面点师", levels=[5]),
        level=5,
        status=BatchStatus.REGISTRATION_OPEN,
        fee_item=setup["item"],
        registration_opens=days_from_today(0),
    )

    visitor = open_page("phone")
    visitor.goto(f"/public/batches/{batch.pk}/")
    expect(visitor.get_by_test_id("batch-fee")).to_have_text("150.00")
    how = visitor.get_by_test_id("how-to-pay")
    expect(how).to_contain_text("行政楼 204 室 鉴定所财务")
    expect(how).to_contain_text("工作日 8:30–11:30、14:00–17:00")
    expect(how).to_contain_text("4301 0158 0000 1234")
    expect(visitor.get_by_test_id("transfer-reference")).to_have_text("鉴定费 报名号 姓名")

    applicant = ApplicantFactory(name="李娜")
    [application] = candidates(batch, {"23 烹饪 1 班": 1}, status=ApplicationStatus.APPROVED, paid=False)
    application.applicant = applicant
    application.save()
    page = open_page("phone")
    sign_in(page, applicant.user.username, TEST_PASSWORD)
    page.goto(f"/applicants/applications/{application.pk}/")
    expect(page.get_by_test_id("fee-status")).to_have_text("未缴费（¥150.00）")
    expect(page.get_by_test_id("how-to-pay")).to_contain_text("中国工商银行南京中山路支行")
    expect(page.get_by_test_id("transfer-reference")).to_have_text(f"鉴定费 {application.pk} 李娜")
