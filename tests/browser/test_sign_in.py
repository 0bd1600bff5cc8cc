import datetime
import re

import pytest
from captcha.models import CaptchaStore
from django.utils import timezone
from playwright.sync_api import expect

from jianding.identity import age_on
from jianding.roles import Role
from tests.browser.conftest import menu_follow, sign_in, sign_up
from tests.factories.accounts import DASHBOARD_TITLES, TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory


def _make_user(role: Role):
    if role == Role.APPLICANT:
        return ApplicantFactory(name="张伟").user
    return UserFactory(username=f"{role.value}-demo", role=role)


def _open_menu_if_collapsed(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "tablet"])
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_signs_in_to_its_own_dashboard(open_page, role, viewport):
    user = _make_user(role)
    page = open_page(viewport)
    page.goto("/")
    page.get_by_test_id("sign-in").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()

    sign_in(page, user.username, TEST_PASSWORD)
    expect(page.get_by_test_id("dashboard-title")).to_have_text(DASHBOARD_TITLES[role])

    _open_menu_if_collapsed(page)
    staff_link = page.locator("#main-nav").get_by_role(
        "link", name="工作人员账号", exact=True, include_hidden=True
    )
    if role == Role.DIRECTOR:
        expect(staff_link).to_have_count(1)  # in the system area's menu
    else:
        expect(staff_link).to_have_count(0)

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))


@pytest.mark.django_db(transaction=True)
def test_wrong_password_keeps_the_visitor_out(open_page):
    UserFactory(username="clerk-zhao", role=Role.CLERK)
    page = open_page()
    sign_in(page, "clerk-zhao", "not-the-password")
    expect(page.get_by_text("请输入一个正确的")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/sign-in/"))


@pytest.mark.django_db(transaction=True)
def test_applicant_signs_up_on_a_phone(open_page):
    page = open_page("phone")
    page.goto("/")
    sign_up(page, name="李娜", id_number="320106198807204560", phone="13987654321")
    # The new account is asked to verify its phone first; he may do it later.
    expect(page.get_by_role("heading", name="验证手机")).to_be_visible()
    page.get_by_role("link", name="稍后验证").click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("申报者工作台")
    expect(page.get_by_text("320106********4560")).to_be_visible()
    # Beside the masked number the birth date it hides would complete it: the age stands instead.
    age = age_on(datetime.date(1988, 7, 20), timezone.localdate())
    expect(page.get_by_text(f"{age} 岁")).to_be_visible()
    expect(page.get_by_text("1988-07-20")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_a_visitor_reads_the_captcha_under_the_strict_csp_and_signs_up(open_page, settings):
    settings.SIGNUP_ATTEMPTS_BEFORE_CAPTCHA = 0  # as if his network had sent the form a few times
    page = open_page("phone")
    refusals = []
    page.on(
        "console",
        lambda message: refusals.append(message.text) if "Security Policy" in message.text else None,
    )
    page.goto("/applicants/sign-up/")
    picture = page.locator("img.captcha")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    key = page.locator("input[name=captcha_0]").input_value()
    page.get_by_label("姓名").fill("李娜")
    page.get_by_label("身份证号").fill("320106198807204560")
    page.get_by_label("手机号").fill("13987654321")
    page.locator("#id_password1").fill("Shen-bao-2026")
    page.get_by_label("再次输入密码").fill("Shen-bao-2026")
    page.get_by_label("图片验证码").fill(CaptchaStore.objects.get(hashkey=key).response)
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_role("heading", name="验证手机")).to_be_visible()
    assert not refusals


@pytest.mark.django_db(transaction=True)
def test_director_creates_a_clerk_who_must_choose_a_password(open_page):
    UserFactory(username="boss", role=Role.DIRECTOR)
    page = open_page()
    sign_in(page, "boss", TEST_PASSWORD)
    menu_follow(page, "工作人员账号")
    page.get_by_role("link", name="新建工作人员账号").click()
    page.get_by_label("登录名").fill("zhao.li")
    page.get_by_label("姓名").fill("赵丽")
    page.get_by_label("管理人员").check()
    page.get_by_label("初始密码").fill("Chu-shi-2026")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("账号 zhao.li 已创建。")).to_be_visible()
    expect(page.get_by_role("cell", name="赵丽")).to_be_visible()

    clerk_page = open_page("tablet")
    sign_in(clerk_page, "zhao.li", "Chu-shi-2026")
    expect(clerk_page.get_by_text("您的密码由他人设置")).to_be_visible()
    clerk_page.get_by_label("旧密码").fill("Chu-shi-2026")
    clerk_page.locator("#id_new_password1").fill("Zi-ji-de-2026")
    clerk_page.get_by_label("新密码确认").fill("Zi-ji-de-2026")
    clerk_page.get_by_role("button", name="修改密码").click()
    expect(clerk_page.get_by_text("您的密码已修改。")).to_be_visible()
    clerk_page.get_by_role("link", name="返回工作台").click()
    expect(clerk_page.get_by_test_id("dashboard-title")).to_have_text("管理人员工作台")
