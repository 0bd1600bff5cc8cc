import re

import pytest
from playwright.sync_api import expect

from jianding.models import User
from jianding.roles import Role
from tests.browser.conftest import menu_follow, sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory, second_factor_code
from tests.factories.finance import books
from tests.factories.images import portrait


@pytest.mark.django_db(transaction=True)
def test_a_clerk_submits_an_expense_the_director_signs_on_his_phone_and_finance_books_it(
    open_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    for role in (Role.CLERK, Role.DIRECTOR, Role.FINANCE):
        UserFactory(username=role.value, name=role.label, role=role)
    books()
    scan = tmp_path / "发票.png"
    scan.write_bytes(portrait(size=(400, 300), fmt="PNG"))

    clerk = open_page()
    sign_in(clerk, "clerk", TEST_PASSWORD)
    menu_follow(clerk, "支出")
    clerk.get_by_role("link", name="新建支出申请").click()
    clerk.get_by_label("支出科目").select_option(label="5101 考务费")
    clerk.get_by_label("金额（元）").fill("320.50")
    clerk.get_by_label("用途").fill("理论考试试卷印刷")
    clerk.get_by_label("发票").set_input_files(scan)
    clerk.get_by_role("button", name="提交签批").click()
    expect(clerk.get_by_text("申请已提交，等待所长签批。")).to_be_visible()
    expect(clerk.get_by_test_id("expense-status")).to_have_text("待签批")
    expense_url = clerk.url

    finance = open_page()
    sign_in(finance, "finance", TEST_PASSWORD)
    expect(finance.get_by_text("等待所长签批的支出申请")).to_be_visible()
    finance.goto(expense_url)
    expect(finance.get_by_role("button", name="入账")).to_have_count(0)

    director = open_page("phone")
    sign_in(director, "director", TEST_PASSWORD)
    director.get_by_text("待签批的支出申请").click()
    director.get_by_role("row", name=re.compile("理论考试试卷印刷")).get_by_role("link").first.click()
    director.get_by_role("link", name="发票.png").wait_for()
    director.get_by_label("您的密码").fill("wrong-password")
    director.get_by_role("button", name="签批", exact=True).click()
    expect(director.get_by_text("密码不正确")).to_be_visible()
    director.get_by_label("您的密码").fill(TEST_PASSWORD)
    director.get_by_label("手机应用显示的验证码或恢复码").fill(
        second_factor_code(User.objects.get(username="director"))
    )
    director.get_by_role("button", name="签批", exact=True).click()
    expect(director.get_by_text("已签批，财务可以入账。")).to_be_visible()
    expect(director.get_by_test_id("expense-status")).to_have_text("已签批，待入账")

    finance.goto(expense_url)
    finance.get_by_label("付款账户").select_option(label="鉴定所账户")
    finance.get_by_role("button", name="入账").click()
    expect(finance.get_by_text("已入账，凭证号")).to_be_visible()
    expect(finance.get_by_test_id("expense-status")).to_have_text("已入账")
    expect(finance.get_by_test_id("voucher")).to_contain_text("-00001")
