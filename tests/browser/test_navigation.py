"""The menu fits its device, and a newcomer at `/` finds what is open [#19].

The clerk's and the director's bars once held twenty entries, every label wrapped onto two
lines; now one menu per area, one line each at 1280 px, and below the lg width a side menu.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from exams.models import BatchStatus, ExamSession
from jianding.roles import Role
from tests.browser.conftest import menu_follow, sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.exams import BatchFactory, OccupationFactory, days_from_today

# Each top-level entry of the bar: its height without padding, over its line height (one line: 1).
LINES_OF_TOP_ENTRIES = """
() => [...document.querySelectorAll('[data-testid="main-menu"] > li > .nav-link')].map((entry) => {
  const style = getComputedStyle(entry);
  const inner = entry.getBoundingClientRect().height
    - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
    - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
  return {label: entry.textContent.trim(), lines: Math.round(inner / parseFloat(style.lineHeight))};
})
"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _person(username, *roles: Role):
    user = UserFactory(username=username, role=roles[0])
    user.groups.add(*Group.objects.filter(name__in=[role.value for role in roles[1:]]))
    return user


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "roles",
    [(Role.CLERK,), (Role.DIRECTOR,), (Role.CLERK, Role.FINANCE, Role.EXAMINER)],
    ids=["clerk", "director", "clerk-finance-examiner"],
)
def test_the_busiest_bars_fit_one_line_at_1280_pixels(open_page, roles):
    user = _person("-".join(role.value for role in roles), *roles)
    page = open_page("desktop")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, user.username, TEST_PASSWORD)
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    entries = page.evaluate(LINES_OF_TOP_ENTRIES)
    assert len(entries) >= 5, entries
    assert [entry for entry in entries if entry["lines"] != 1] == []
    # One row: every entry and the bell on the bar's line, and nothing pushed off the screen.
    tops = page.locator('[data-testid="main-menu"] > li').evaluate_all(
        "(items) => items.map((item) => Math.round(item.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    assert page.evaluate(OVERFLOW) == 0
    expect(page.get_by_test_id("bell")).to_be_in_viewport()
    if len(roles) > 1:
        # One merged menu: each area once, holding the entries of every role of his.
        expect(page.get_by_role("button", name="财务", exact=True)).to_have_count(1)
        page.get_by_role("button", name="考务", exact=True).click()
        expect(page.get_by_role("link", name="我的考评资格", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="鉴定批次", exact=True)).to_be_visible()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["phone", "tablet", "desktop"])
def test_the_clerk_finds_a_page_through_its_area_and_sees_it_marked(open_page, viewport):
    UserFactory(username="clerk-wang", role=Role.CLERK)
    page = open_page(viewport)
    sign_in(page, "clerk-wang", TEST_PASSWORD)
    toggler = page.get_by_role("button", name="打开菜单")
    menu = page.get_by_test_id("main-menu")
    # The bell stays on the bar, outside the side menu, on every size.
    expect(page.get_by_test_id("bell")).to_be_in_viewport()
    if viewport == "desktop":
        expect(toggler).to_be_hidden()
        expect(menu).to_be_visible()
    else:
        expect(toggler).to_be_visible()
        expect(menu).to_be_hidden()
    assert page.evaluate(OVERFLOW) == 0

    menu_follow(page, "鉴定批次")
    expect(page).to_have_url(re.compile(r"/exams/batches/$"))
    expect(page.get_by_test_id("bell")).to_be_in_viewport()
    if viewport != "desktop":
        toggler.click()
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    area = page.get_by_role("button", name="考务", exact=True)
    expect(area).to_have_class(re.compile(r"\bactive\b"))
    area.click()
    entry = page.get_by_role("link", name="鉴定批次", exact=True)
    expect(entry).to_have_attribute("aria-current", "page")
    expect(entry).to_have_class(re.compile(r"\bactive\b"))
    expect(page.get_by_role("link", name="年度计划", exact=True)).not_to_have_attribute(
        "aria-current", "page"
    )
    if viewport != "desktop":
        page.get_by_role("button", name="关闭菜单").click()
        expect(menu).to_be_hidden()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["phone", "tablet", "desktop"])
def test_a_newcomer_at_the_root_finds_what_is_open_and_where_the_exam_is(open_page, viewport, settings):
    settings.CENTER_ADDRESS = "行政楼 201 室 职业技能鉴定所"
    settings.CENTER_PHONE = "0571-8888 6666"
    settings.CENTER_DESK_HOURS = "工作日 8:30–11:30、14:00–17:00"
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN
    )
    ExamSession.objects.create(
        batch=batch,
        part="theory",
        date=days_from_today(40),
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
        place="东校区教学楼",
    )
    page = open_page(viewport)
    page.goto("/")
    expect(page.get_by_role("heading", name="正在报名")).to_be_visible()
    expect(page.get_by_role("heading", name="如何报名")).to_be_visible()
    expect(page.get_by_test_id("find-us")).to_contain_text("行政楼 201 室")
    expect(page.get_by_test_id("find-us")).to_contain_text("工作日 8:30–11:30")
    expect(page.get_by_role("link", name="0571-8888 6666")).to_be_visible()
    expect(page.get_by_role("link", name="向鉴定所咨询")).to_be_visible()
    # Sign-in is one button on the bar, outside the side menu.
    expect(page.get_by_test_id("sign-in")).to_be_in_viewport()
    assert page.evaluate(OVERFLOW) == 0

    page.get_by_role("link", name=re.compile("电工")).click()
    expect(page.get_by_test_id("batch-sessions")).to_contain_text(
        f"{days_from_today(40):%Y-%m-%d} 09:00–11:00 · 东校区教学楼"
    )
    assert page.evaluate(OVERFLOW) == 0
    page.get_by_test_id("sign-in").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
