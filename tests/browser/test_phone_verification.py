"""An applicant verifies his phone on his phone, with the code the SMS provider received [#18]."""

import json
import re

import pytest
from captcha.models import CaptchaStore
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories.accounts import TEST_PASSWORD
from tests.factories.applicants import ApplicantFactory
from tests.notifications.conftest import sms_provider  # noqa: F401  (the local Aliyun server)


@pytest.mark.django_db(transaction=True)
def test_an_applicant_verifies_his_phone_with_the_texted_code(open_page, sms_provider):  # noqa: F811
    applicant = ApplicantFactory(phone="13812345678", user__phone="13812345678", user__phone_verified_at=None)
    page = open_page("phone")
    sign_in(page, applicant.id_number, TEST_PASSWORD)
    page.goto("/applicants/profile/")
    page.get_by_role("link", name="验证手机").click()
    expect(page.get_by_text("138****5678")).to_be_visible()
    key = page.locator("input[name=captcha_0]").input_value()
    page.get_by_label("图片验证码").fill(CaptchaStore.objects.get(hashkey=key).response)
    page.get_by_role("button", name="发送验证码").click()
    expect(page.get_by_text("验证码已发送到您的手机")).to_be_visible()

    (sms,) = sms_provider.requests
    assert sms["PhoneNumbers"] == "13812345678"
    code = re.search(r"\d{6}", json.loads(sms["TemplateParam"])["text"]).group()
    field = page.get_by_label("短信验证码")
    expect(field).to_have_attribute("inputmode", "numeric")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    field.fill(code)
    page.get_by_role("button", name="验证", exact=True).click()
    expect(page.get_by_text("手机已验证，今后鉴定所的短信将发送到该手机。")).to_be_visible()
    applicant.user.refresh_from_db()
    assert applicant.user.phone_verified_at is not None
