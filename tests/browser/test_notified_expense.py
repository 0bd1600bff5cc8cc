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
def test_the_director_is_told_of_an_expense_signs_it_from_the_message_and_the_clerk_is_told(
    open_page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    for role in (Role.CLERK, Role.DIRECTOR):
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
    expect(clerk.get_by_test_id("expense-status")).to_have_text("待签批")
    expect(clerk.get_by_test_id("unread-count")).to_have_count(0)

    director = open_page("phone")
    sign_in(director, "director", TEST_PASSWORD)
    # On his phone the bell is on the bar, beside the menu button.
    expect(director.get_by_test_id("unread-count")).to_have_text("1")
    director.get_by_test_id("bell").click()
    message = director.get_by_test_id("messages").get_by_role("link", name=re.compile("理论考试试卷印刷"))
    expect(message).to_contain_text("¥320.50")
    expect(message).to_contain_text("未读")
    message.click()
    director.get_by_role("link", name="发票.png").wait_for()
    expect(director.get_by_test_id("unread-count")).to_have_count(0)
    director.get_by_label("您的密码").fill(TEST_PASSWORD)
    director.get_by_label("手机应用显示的验证码或恢复码").fill(
        second_factor_code(User.objects.get(username="director"))
    )
    director.get_by_role("button", name="签批", exact=True).click()
    expect(director.get_by_test_id("expense-status")).to_have_text("已签批，待入账")

    clerk.reload()
    expect(clerk.get_by_test_id("unread-count")).to_have_text("1")
    clerk.get_by_test_id("bell").click()
    expect(clerk.get_by_test_id("messages")).to_contain_text("已签批，财务可以入账")
