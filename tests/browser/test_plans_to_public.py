import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jianding.roles import Role
from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.exams import OccupationFactory, days_from_today
from tests.factories.finance import books


@pytest.mark.django_db(transaction=True)
def test_plan_drafted_approved_batch_opened_and_seen_by_the_public(open_page):
    for role in (Role.CLERK, Role.DIRECTOR, Role.DEPUTY):
        UserFactory(username=role.value, role=role)
    OccupationFactory(code="6-31-01-03", name="电工", levels=[5, 4, 3])
    year = timezone.localdate().year + 1
    # the fee comes from the approved fee plan of the year registration opens
    books(year=days_from_today(0).year, fee=Decimal("180.00"))

    clerk = open_page()
    sign_in(clerk, "clerk", TEST_PASSWORD)
    clerk.goto("/exams/plans/new/")
    clerk.get_by_label("年度").fill(str(year))
    clerk.get_by_label("依据及变更说明").fill("依据机电系教学计划")
    clerk.get_by_role("button", name="创建").click()
    clerk.get_by_label("职业（工种）").select_option(label="电工（6-31-01-03）")
    clerk.get_by_label("等级").select_option("4")
    clerk.get_by_label("月份").select_option("6")
    clerk.get_by_label("预计人数").fill("45")
    clerk.get_by_label("系部").fill("机电系")
    clerk.get_by_role("button", name="添加", exact=True).click()
    expect(clerk.get_by_text("条目已添加。")).to_be_visible()
    clerk.get_by_role("button", name="报所长审批").click()
    expect(clerk.get_by_test_id("plan-status")).to_have_text("已报审")
    plan_url = clerk.url

    director = open_page("phone")
    sign_in(director, "director", TEST_PASSWORD)
    expect(director.get_by_text("待审批的年度计划")).to_be_visible()
    director.goto(plan_url)
    director.get_by_role("button", name="批准").click()
    expect(director.get_by_test_id("plan-status")).to_have_text("已批准")

    clerk.goto(plan_url)
    clerk.get_by_role("link", name="创建批次").click()
    clerk.get_by_label("报名开始日期").fill(days_from_today(0).isoformat())
    clerk.get_by_label("报名截止日期").fill(days_from_today(20).isoformat())
    clerk.get_by_label("理论考试日期").fill(days_from_today(40).isoformat())
    clerk.get_by_label("技能考核日期").fill(days_from_today(41).isoformat())
    clerk.get_by_label("收费项目").select_option(label="鉴定费 ¥180.00 ¥180.00")
    clerk.get_by_label("报考条件").fill("取得电工五级证书满两年。")
    clerk.get_by_label("实施方案").fill("理论考试：教学楼 301；技能考核：电工实训室。")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.get_by_test_id("batch-status")).to_have_text("草稿")
    batch_url = clerk.url

    deputy = open_page("tablet")
    sign_in(deputy, "deputy", TEST_PASSWORD)
    deputy.goto(batch_url)
    deputy.get_by_role("button", name="批准批次及实施方案").click()
    expect(deputy.get_by_test_id("batch-status")).to_have_text("已批准")

    clerk.goto(batch_url)
    clerk.get_by_role("button", name="开始报名").click()
    expect(clerk.get_by_test_id("batch-status")).to_have_text("报名中")

    visitor = open_page("phone")
    visitor.goto("/public/")
    visitor.get_by_role("link", name=re.compile("电工")).click()
    expect(visitor.get_by_role("heading", name=re.compile("四级"))).to_be_visible()
    expect(visitor.get_by_text("取得电工五级证书满两年。")).to_be_visible()
    expect(visitor.get_by_text("学历证书复印件")).to_be_visible()
    expect(visitor.get_by_text("180.00")).to_be_visible()
