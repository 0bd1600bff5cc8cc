"""A newcomer finds an open batch at / on his phone and applies to it without losing his way [#19]."""

import json
import re

import pytest
from captcha.models import CaptchaStore
from playwright.sync_api import expect

from applicants.models import Application
from exams.models import BatchStatus
from tests.browser.conftest import menu_follow
from tests.factories.applicants import resident_id
from tests.factories.exams import BatchFactory, OccupationFactory
from tests.notifications.conftest import sms_provider  # noqa: F401  (the local Aliyun server)

PASSWORD = "Shen-bao-2026"


def _fits(page) -> None:
    """The page is no wider than the phone's screen."""
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), page.url


@pytest.mark.django_db(transaction=True)
def test_a_newcomer_applies_to_the_batch_he_chose_from_the_public_home(open_page, sms_provider):  # noqa: F811
    batch = BatchFactory(
        occupation=OccupationFactory(name="电工", levels=[5, 4]), status=BatchStatus.REGISTRATION_OPEN
    )
    BatchFactory(occupation=OccupationFactory(name="焊工", levels=[4]), status=BatchStatus.REGISTRATION_OPEN)
    apply_page = f"/applicants/apply/{batch.pk}/"

    page = open_page("phone")
    page.goto("/")
    _fits(page)
    page.get_by_role("link", name=re.compile("电工")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("电工")
    _fits(page)
    page.get_by_role("link", name="报名", exact=True).click()

    # No account yet: from the sign-in page to the sign-up, the batch's apply page goes along.
    expect(page).to_have_url(re.compile(r"/sign-in/\?next="))
    page.get_by_role("link", name="注册申报者账号").click()
    expect(page).to_have_url(re.compile(r"/applicants/sign-up/\?next="))
    _fits(page)
    phone = page.get_by_label("手机号")
    expect(phone).to_have_attribute("inputmode", "tel")
    expect(phone).to_have_attribute("autocomplete", "tel")
    page.get_by_label("姓名").fill("李明")
    page.get_by_label("身份证号").fill(resident_id(11))
    phone.fill("13812345678")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("再次输入密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()

    # He verifies his phone with the texted code, and goes on to the batch he chose.
    expect(page.get_by_role("heading", name="验证手机")).to_be_visible()
    _fits(page)
    key = page.locator("input[name=captcha_0]").input_value()
    page.get_by_label("图片验证码").fill(CaptchaStore.objects.get(hashkey=key).response)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("验证码已发送到您的手机")).to_be_visible()
    (sms,) = sms_provider.requests
    page.get_by_label("短信验证码").fill(
        re.search(r"\d{6}", json.loads(sms["TemplateParam"])["text"]).group()
    )
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page.get_by_text("手机已验证，今后鉴定所的短信将发送到该手机。")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(apply_page) + "$"))

    # The apply page asks for the rest of his profile first, and brings him back.
    expect(page.get_by_test_id("profile-missing")).to_contain_text("学历、单位或班级")
    _fits(page)
    page.get_by_role("link", name="填写个人资料").click()
    expect(page.get_by_label("手机号")).to_have_attribute("inputmode", "tel")
    page.get_by_label("学历").select_option("vocational")
    page.get_by_label("单位或班级").fill("23 机电 1 班")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(re.escape(apply_page) + "$"))
    expect(page.get_by_test_id("profile-missing")).to_have_count(0)
    page.get_by_label("在校生").check()
    page.get_by_role("button", name="开始报名").click()
    expect(page.get_by_test_id("application-status")).to_have_text("草稿")
    application = Application.objects.get(applicant__name="李明", batch=batch)

    # 我的报名 links his application to that batch, and offers only the other one to apply to.
    menu_follow(page, "我的报名")
    _fits(page)
    rows = page.get_by_test_id("open-batch")
    expect(rows).to_have_count(2)
    applied = rows.filter(has_text="电工")
    expect(applied.get_by_role("link", name="报名", exact=True)).to_have_count(0)
    expect(rows.filter(has_text="焊工").get_by_role("link", name="报名", exact=True)).to_be_visible()
    applied.get_by_role("link", name="我的报名：草稿").click()
    expect(page).to_have_url(re.compile(f"/applicants/applications/{application.pk}/$"))

    # His dashboard now says only what is left: the other open batch.
    page.goto("/")
    cards = page.locator(".dashboard-card")
    expect(cards.filter(has_text="可报名的批次").get_by_test_id("card-count")).to_have_text("1")
    expect(cards.filter(has_text="待填写的个人资料项")).to_have_count(0)
    expect(cards.filter(has_text="待验证的手机")).to_have_count(0)
