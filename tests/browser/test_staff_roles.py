"""The director gives a clerk the finance role too, with a reason, and sees it in the register and the history."""

import re

import pytest
from playwright.sync_api import expect

from jianding.models import User
from jianding.roles import Role, user_roles
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory


@pytest.mark.django_db(transaction=True)
def test_director_grants_a_clerk_the_finance_role_with_a_reason(open_page):
    UserFactory(username="suozhang", name="王建国", role=Role.DIRECTOR)
    clerk = UserFactory(username="zhaoli", name="赵丽", role=Role.CLERK)
    page = open_page()
    sign_in(page, "suozhang", TEST_PASSWORD)
    page.goto("/staff/")
    page.get_by_role("link", name="zhaoli").click()
    page.get_by_label("财务人员").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("请说明授予或撤销角色的理由。")).to_be_visible()
    page.get_by_label("角色变更理由").fill("兼任财务")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("row", name=re.compile("zhaoli"))).to_contain_text("管理人员、财务人员")
    assert user_roles(User.objects.get(pk=clerk.pk)) == {"clerk", "finance"}
    page.get_by_role("link", name="zhaoli").click()
    history = page.get_by_role("table").filter(has_text="授予的角色")
    expect(history.get_by_role("row").nth(1)).to_contain_text("财务人员")
    expect(history.get_by_role("row").nth(1)).to_contain_text("兼任财务")
    expect(page.get_by_label("财务人员")).to_be_checked()
    expect(page.get_by_label("管理人员")).to_be_checked()
