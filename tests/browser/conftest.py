"""Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

No browser download: Playwright launches /usr/bin/chromium (`make test` installs
it). A missing browser fails the tests; it never skips them.

Every page a test opens is checked with axe-core (npm, `make test` installs it):
Playwright injects it before the page's own scripts, through the DevTools
protocol, so the portal's strict Content-Security-Policy stays on. Each page runs
it once loaded and reports back; the test's end waits for the last page's report.
A serious or critical violation fails the test that visited the page, and so
does an id that two elements of the page share.
"""

import contextlib
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

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


AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Runs in every page after axe-core: check the loaded page, keep the serious and critical findings.
AXE_CHECK = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((violation) => ["serious", "critical"].includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(" ")),
    }));
}
"""
# Beside axe: an id used twice makes a label open another field (its `for` finds the first).
DUPLICATE_IDS = """
() => {
  const counts = new Map();
  for (const element of document.querySelectorAll("[id]")) {
    counts.set(element.id, (counts.get(element.id) || 0) + 1);
  }
  return [...counts]
    .filter(([, count]) => count > 1)
    .map(([id, count]) => ({
      rule: "duplicate-id",
      impact: "critical",
      help: `${count} elements have id="${id}"`,
      nodes: [`[id="${id}"]`],
    }));
}
"""
# The check's promise stays on the page, so the test's end can wait for the last page's.
AXE_ON_LOAD = f"""
window.addEventListener("load", () => {{
  window.axeChecked = (async () => {{
    let violations;
    try {{
      violations = [...({DUPLICATE_IDS})(), ...(await ({AXE_CHECK})())];
    }} catch (error) {{
      violations = [{{rule: "axe-error", impact: "critical", help: String(error), nodes: []}}];
    }}
    await window.axeReport(location.href, violations);
  }})();
}});
"""


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


@pytest.fixture(scope="session")
def axe_source():
    assert AXE.exists(), f"{AXE} is missing: `make test` installs it with npm ci"
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def open_page(browser, live_server, axe_source):
    """Return a function that opens a fresh browser page at a viewport size, checked by axe-core."""
    contexts = []
    findings: dict[str, list[dict]] = {}

    def report(_source, address, violations):
        if violations:
            findings.setdefault(urlsplit(address)._replace(scheme="", netloc="").geturl(), violations)

    def open_(viewport: str = "desktop"):
        # Reduced motion turns off Bootstrap's transitions, so a click never lands mid-animation.
        context = browser.new_context(
            viewport=VIEWPORTS[viewport], locale="zh-CN", base_url=live_server.url, reduced_motion="reduce"
        )
        context.set_default_timeout(10_000)
        context.add_init_script(script=axe_source + AXE_ON_LOAD)
        context.expose_binding("axeReport", report)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        for page in context.pages:
            # Wait for the check of the page the test ends on. A page closed or navigating
            # away meanwhile raises here; its next page's load runs the check again.
            with contextlib.suppress(PlaywrightError):
                page.wait_for_load_state("load")
                page.evaluate("() => window.axeChecked")
        context.close()
    assert not findings, "serious accessibility violations or duplicate ids:\n" + json.dumps(
        findings, ensure_ascii=False, indent=1
    )


def sign_in(page, username: str, password: str) -> None:
    """Sign in through the pages; staff who need a second factor type one of their recovery codes."""
    user = User.objects.filter(username=username).first()
    code = second_factor_code(user) if user is not None and second_factor_required(user) else None
    page.goto("/sign-in/")
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


def menu_follow(page, name: str) -> None:
    """Follow a link of the main menu: open the side menu on a narrow screen, then the link's area."""
    page.wait_for_load_state("load")
    toggler = page.get_by_role("button", name="打开菜单")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    # A link of a closed area's menu is hidden: find it all the same, then open its area.
    menu = page.get_by_role("navigation", name="主菜单")
    link = menu.get_by_role("link", name=name, exact=True, include_hidden=True)
    if not link.is_visible():
        link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]/button").click()
    link.click()
