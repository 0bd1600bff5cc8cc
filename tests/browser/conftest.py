"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

No browser download: Playwright launches /usr/bin/chromium (`make test` installs
it). A missing browser fails the tests; it never skips them.
"""

import os

import pytest
from playwright.sync_api import sync_playwright

from jianding.models import User
from jianding.second_factor import second_factor_required
from tests.factories.accounts import second_factor_code

# Playwright's sync API runs an event loop in this thread; the ORM calls of the
# test itself (factories, checks) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
# The machine has no network beyond the package registries: keep Chromium from
# calling home at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "desktop": {"width": 1366, "height": 768},
    "tablet": {"width": 768, "height": 1024},
    "phone": {"width": 390, "height": 844},
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, live_server):
    """Return a function that opens a fresh browser page at a viewport size."""
    contexts = []

    def open_(viewport: str = "desktop"):
        # Reduced motion turns off Bootstrap's transitions, so a click never lands mid-animation.
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="zh-CN", base_url=live_server.url, reduced_motion="reduce"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the pages; staff who need a second factor type one of their recovery codes."""
    user = User.objects.filter(username=username).first()
    code = second_factor_code(user) if user is not None and second_factor_required(user) else None
    page.goto("/")
    page.get_by_label("登录名或身份证号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    if code is not None and "/two-factor/verify/" in page.url:
        page.get_by_label("手机应用显示的验证码或恢复码").fill(code)
        page.get_by_role("button", name="验证").click()


def sign_up(page, *, name: str, id_number: str, phone: str, password: str = "Shen-bao-2026") -> None:
    """Create an applicant account from the sign-in page's link, as a visitor would."""
    page.get_by_role("link", name="注册申报者账号").click()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("手机号").fill(phone)
    page.locator("#id_password1").fill(password)
    page.get_by_label("再次输入密码").fill(password)
    page.get_by_role("button", name="注册").click()
