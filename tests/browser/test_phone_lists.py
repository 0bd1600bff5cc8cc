"""The lists fit a phone and give each row a target for the thumb [#19].

Tables once wrapped two characters per line and pushed columns off the screen, and the
director's expense list linked each request only through its number, a 10×19 px target.
Below the tablet width a list's rows are stacked cards: nothing overflows, and each row
leads to its object through a full-width target at least 44 px high.
"""

import json

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import menu_follow, sign_in

PASSWORD = "jianding2026"
MIN_TARGET = 44
# The list pages of each person's menu, by their entries' labels.
LISTS = {
    "director": [
        "报名审核",
        "申报",
        "年度计划",
        "鉴定批次",
        "职业目录",
        "考场",
        "考评员",
        "评分标准",
        "复习题",
        "统计",
        "成绩统计",
        "收费",
        "收费计划及预算",
        "支出",
        "账簿",
        "财务报表",
        "工作人员账号",
        "审计",
    ],
    "clerk": [
        "报名审核",
        "申报",
        "开通通知",
        "年度计划",
        "鉴定批次",
        "考评员",
        "收费",
        "账簿",
        "通知公告",
        "咨询",
    ],
    "finance": ["鉴定批次", "收费", "收费计划及预算", "支出", "账簿", "财务报表"],
    "examstaff": [
        "报名审核",
        "申报",
        "开通通知",
        "鉴定批次",
        "职业目录",
        "考场",
        "我的监考",
        "请假离岗",
        "考评员",
        "评分标准",
        "复习题",
        "成绩统计",
        "支出",
    ],
    "320102200503151230": ["我的报名", "复习题"],
}
# What a page shows a thumb: its overflow, and for each row of its card lists the targets' sizes.
PHONE_MEASURE = """
() => {
  const size = (element) => {
    const box = element.getBoundingClientRect();
    return {text: element.textContent.trim().slice(0, 30), width: box.width, height: box.height};
  };
  const lists = [...document.querySelectorAll(".table-cards > table")];
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    scrolledTables: [...document.querySelectorAll(".table-responsive")]
      .filter((box) => box.scrollWidth > box.clientWidth)
      .map((box) => box.textContent.trim().slice(0, 30)),
    tablesShown: lists.filter((table) => getComputedStyle(table).display === "table").length,
    rows: lists.flatMap((table) => [...table.tBodies].flatMap((body) => [...body.rows])).map((row) => {
      const main = row.querySelector("td:first-child > a:first-child, .row-link");
      const links = [...row.querySelectorAll("a")].filter((link) => !link.classList.contains("btn"));
      return {
        width: row.getBoundingClientRect().width,
        hasObjectLink: links.length > 0,
        main: main && size(main),
        targets: [...row.querySelectorAll("a, button")].map(size),
      };
    }),
  };
}
"""


@pytest.fixture
def demo_data(settings, tmp_path):
    """Load the demo data (seed_demo runs only with DEBUG on)."""
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def _phone_defects(measure) -> list[str]:
    defects = []
    if measure["overflow"] > 0:
        defects.append(f"the page is {measure['overflow']} px wider than the screen")
    if measure["scrolledTables"]:
        defects.append(f"tables scroll sideways: {measure['scrolledTables']}")
    if measure["tablesShown"]:
        defects.append(f"{measure['tablesShown']} lists are tables, not cards")
    for row in measure["rows"]:
        if row["hasObjectLink"]:
            main = row["main"]
            if main is None or main["height"] < MIN_TARGET or main["width"] < row["width"] / 2:
                defects.append(f"row's main target too small: {main}")
        defects.extend(
            f"target under {MIN_TARGET} px: {target}"
            for target in row["targets"]
            if target["height"] < MIN_TARGET
        )
    return defects


@pytest.mark.django_db(transaction=True)
def test_every_list_of_each_menu_fits_a_phone_with_a_thumb_target_per_row(open_page, demo_data):
    defects = {}
    rows_seen = 0
    for username, labels in LISTS.items():
        page = open_page("phone")
        sign_in(page, username, PASSWORD)
        expect(page.get_by_test_id("dashboard-title")).to_be_visible()
        for label in labels:
            menu_follow(page, label)
            page.wait_for_load_state("load")
            measure = page.evaluate(PHONE_MEASURE)
            rows_seen += len(measure["rows"])
            if found := _phone_defects(measure):
                defects[f"{username} {label} {page.url}"] = found
    assert defects == {}, json.dumps(defects, ensure_ascii=False, indent=1)
    # The demo data fills the lists: the checks above measured real rows.
    assert rows_seen > 50


@pytest.mark.django_db(transaction=True)
def test_the_directors_expense_requests_are_thumb_targets_on_a_phone(open_page, demo_data):
    page = open_page("phone")
    sign_in(page, "director", PASSWORD)
    menu_follow(page, "支出")
    requests = page.locator(".table-cards tbody tr")
    expect(requests.first).to_be_visible()
    first = requests.first.locator("td").first.get_by_role("link")
    box = first.bounding_box()
    assert box["height"] >= MIN_TARGET
    assert box["width"] >= requests.first.bounding_box()["width"] / 2
    first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/expenses/" in page.url


@pytest.mark.django_db(transaction=True)
def test_lists_stay_tables_on_a_tablet(open_page, demo_data):
    page = open_page("tablet")
    sign_in(page, "clerk", PASSWORD)
    for label in ("报名审核", "收费", "考评员", "咨询"):
        menu_follow(page, label)
        table = page.locator(".table-cards > table").first
        expect(table.locator("thead")).to_be_visible()
        assert table.evaluate("(table) => getComputedStyle(table).display") == "table"
        assert (
            table.locator("tbody td").first.evaluate("(cell) => getComputedStyle(cell).display")
            == "table-cell"
        )
