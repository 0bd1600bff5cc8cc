"""A stolen staff password alone signs nobody in: director, deputy, finance, clerk and exam staff type a second factor."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jianding.errors import RuleViolation
from jianding.roles import Role
from jianding.second_factor import signature_confirm
from tests.factories.accounts import TEST_PASSWORD, UserFactory, second_factor_code, second_factor_phone

pytestmark = pytest.mark.django_db


def _password(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})


def _now_code(device) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def test_the_first_sign_in_enrols_a_phone_and_prints_recovery_codes(client):
    clerk = UserFactory(username="wenyuan", role=Role.CLERK)
    response = _password(client, clerk)
    assert response["Location"] == reverse("dashboard")
    # The password is not enough: every page leads to the enrolment.
    response = client.get(reverse("applicants:list_applications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=clerk, confirmed=False)
    wrong = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert "这不是手机应用现在显示的验证码" in wrong.content.decode()
    # Right after a wrong code the next try waits (django-otp's throttling), and says so.
    throttled = client.post(reverse("two_factor_setup"), {"token": _now_code(device)})
    assert "请等待 1 秒" in throttled.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(
        reverse("two_factor_setup"), {"token": _now_code(device), "next": "/applicants/applications/"}
    )
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get(reverse("applicants:list_applications")).status_code == 200


def test_later_sign_ins_ask_for_the_code_and_a_recovery_code_works_once(client):
    finance = UserFactory(username="caiwu", role=Role.FINANCE)
    phone = second_factor_phone(finance)
    code = second_factor_code(finance)
    _password(client, finance)
    response = client.get(reverse("dashboard"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"token": "123456"})
    assert "验证码错误或已过期" in wrong.content.decode()
    for device in (*finance.totpdevice_set.all(), *finance.staticdevice_set.all()):
        device.throttle_reset()
    assert client.post(reverse("two_factor_verify"), {"token": code})["Location"] == "/"
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("logout"))
    _password(client, finance)
    assert client.post(reverse("two_factor_verify"), {"token": code}).status_code == 200  # used up
    phone.refresh_from_db()
    phone.throttle_reset()
    response = client.post(
        reverse("two_factor_verify"), {"token": _now_code(phone), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"  # never sent off the site


def test_roles_without_the_requirement_sign_in_with_the_password_and_a_setting_adds_them(client, settings):
    examiner = UserFactory(username="kaoping", role=Role.EXAMINER)
    _password(client, examiner)
    assert client.get(reverse("exams:my_scoring")).status_code == 200
    client.post(reverse("logout"))
    settings.SECOND_FACTOR_ROLES = [*settings.SECOND_FACTOR_ROLES, "examiner"]
    _password(client, examiner)
    assert client.get(reverse("exams:my_scoring"))["Location"].startswith(reverse("two_factor_setup"))
    # Public pages stay open between the two steps.
    assert client.get(reverse("public:home")).status_code == 200


def test_a_new_clerk_verifies_first_then_changes_the_password_someone_else_chose(client):
    clerk = UserFactory(username="xinlai", role=Role.CLERK, must_change_password=True)
    code = second_factor_code(clerk)
    _password(client, clerk)
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("two_factor_verify")).status_code == 200
    client.post(reverse("two_factor_verify"), {"token": code})
    assert client.get(reverse("dashboard"))["Location"] == reverse("password_change")
    assert client.get(reverse("password_change")).status_code == 200


def test_an_open_session_alone_cannot_replace_the_phone_or_the_recovery_codes(client_as):
    director = UserFactory(username="suozhang", role=Role.DIRECTOR)
    http = client_as(director)
    phone = second_factor_phone(director)
    old_code = second_factor_code(director)
    refused = http.post(reverse("renew_recovery_codes"), {"renew-token": ""})
    assert refused["Location"] == reverse("two_factor_setup")
    for device in (phone, *director.staticdevice_set.all()):
        device.refresh_from_db()
        device.throttle_reset()
    renewed = http.post(reverse("renew_recovery_codes"), {"renew-token": old_code})
    assert len(renewed.context["codes"]) == 10
    # A new phone: its first code is not enough without one of the present phone.
    page = http.get(reverse("two_factor_setup"))
    assert "current" in page.context["form"].fields
    new_phone = TOTPDevice.objects.get(user=director, confirmed=False)
    response = http.post(reverse("two_factor_setup"), {"token": _now_code(new_phone)})
    assert response.context["form"].has_error("current")
    response = http.post(
        reverse("two_factor_setup"), {"token": _now_code(new_phone), "current": renewed.context["codes"][0]}
    )
    assert "codes" in response.context, response.context["form"].errors
    assert len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=director, confirmed=True)) == [new_phone]


def test_exam_staff_who_download_registers_with_whole_numbers_verify_a_second_factor(client):
    exam_staff = UserFactory(username="kaowu", role=Role.EXAM_STAFF)
    code = second_factor_code(exam_staff)
    _password(client, exam_staff)
    blocked = client.get(reverse("applicants:list_applications"))
    assert blocked["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": code})
    assert client.get(reverse("applicants:list_applications")).status_code == 200


def test_a_signature_is_the_own_password_and_the_second_factor_where_asked(db):
    director = UserFactory(role=Role.DIRECTOR)
    signature_confirm(director, password=TEST_PASSWORD)
    signature_confirm(director, password=TEST_PASSWORD, token=second_factor_code(director))
    refusals = []
    for password, token in ((TEST_PASSWORD + "x", None), (TEST_PASSWORD, ""), (TEST_PASSWORD, "000000")):
        with pytest.raises(RuleViolation) as refused:
            signature_confirm(director, password=password, token=token)
        refusals.append(refused.value.code)
    assert refusals[0] == "wrong_password"
    assert "wrong_password" not in refusals[1:]
