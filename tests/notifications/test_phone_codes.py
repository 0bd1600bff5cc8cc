"""Phones: a mainland mobile at entry, verified by a texted code, and a password reset with one [#18]."""

import datetime
import json
import re

import pytest
from axes.models import AccessAttempt
from captcha.models import CaptchaStore
from django.core import mail
from django.core.exceptions import NON_FIELD_ERRORS
from django.urls import reverse
from django.utils import timezone

from applicants.models import Applicant
from applicants.resources import PhoneWidget
from jianding import staff
from jianding.forms import StaffCreateForm
from jianding.models import User
from jianding.roles import Role
from notifications.kinds import Kind
from notifications.models import Message, PhoneCode
from notifications.services import notify
from tests.factories.accounts import TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory, resident_id

from .conftest import TEMPLATES

NEW_PASSWORD = "Tiankong-shan-77"


def _captcha() -> dict[str, str]:
    key = CaptchaStore.generate_key()
    return {"captcha_0": key, "captcha_1": CaptchaStore.objects.get(hashkey=key).response}


def _code_in(sms: dict) -> str:
    return re.search(r"\d{6}", json.loads(sms["TemplateParam"])["text"]).group()


@pytest.fixture
def newcomer(db):
    """An applicant who signed up with his phone, not yet verified."""
    return ApplicantFactory(phone="13812345678", user__phone="13812345678", user__phone_verified_at=None).user


def _send(http):
    return http.post(reverse("applicants:verify_phone"), {"send": "1", **_captcha()})


def _verify(http, code):
    return http.post(reverse("applicants:verify_phone"), {"code": code})


# Entry


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_a_mobile_typed_any_common_way_is_stored_as_its_11_digits(client_as, newcomer, typed, stored):
    applicant = Applicant.objects.get(user=newcomer)
    form = {
        "phone": typed,
        "education": "senior_high",
        "employer_or_class": "23 机电 1 班",
        "work_history": "",
    }
    response = client_as(newcomer).post(reverse("applicants:edit_profile"), form)
    assert response.status_code == 302
    applicant.refresh_from_db()
    newcomer.refresh_from_db()
    assert applicant.phone == newcomer.phone == stored


@pytest.mark.parametrize("typed", ["010-12345678", "12345678901", "1381234567", "+1 415 555 0100", "手机"])
def test_a_number_that_is_no_mainland_mobile_is_refused_at_sign_up_naming_the_field(client, db, typed):
    response = client.post(
        reverse("applicants:sign_up"),
        {
            "name": "王芳",
            "id_number": resident_id(3),
            "phone": typed,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    form = response.context["form"]
    assert form.has_error("phone", "invalid_phone")
    assert "手机号码无效" in form.errors["phone"][0]
    assert not User.objects.filter(username=resident_id(3)).exists()


def test_the_class_list_and_the_staff_form_use_the_same_rule(db):
    assert PhoneWidget().clean("138 1234 5678") == "13812345678"
    with pytest.raises(ValueError, match="手机号码无效"):
        PhoneWidget().clean("0571-87654321")
    form = StaffCreateForm(
        {"username": "li", "name": "李老师", "phone": "0571-87654321", "roles": ["clerk"], "password": "x"}
    )
    assert form.has_error("phone", "invalid_phone")


def test_the_pages_ask_for_a_phone_and_a_code_as_a_phone_keyboard_shows_them(client, client_as, newcomer):
    page = client.get(reverse("applicants:sign_up")).content.decode()
    assert re.search(r'<input[^>]*name="phone"[^>]*>', page).group().count('inputmode="tel"') == 1
    assert 'autocomplete="tel"' in re.search(r'<input[^>]*name="phone"[^>]*>', page).group()
    page = client_as(newcomer).get(reverse("applicants:verify_phone")).content.decode()
    code = re.search(r'<input[^>]*name="code"[^>]*>', page).group()
    assert 'inputmode="numeric"' in code
    assert 'autocomplete="one-time-code"' in code


# Verification


def test_the_applicant_verifies_his_phone_with_the_texted_code(client_as, newcomer, sms_provider, clock):
    http = client_as(newcomer)
    assert _send(http).status_code == 302
    (sms,) = sms_provider.requests
    assert sms["PhoneNumbers"] == "13812345678"
    assert sms["TemplateCode"] == TEMPLATES[Kind.SECURITY]
    code = _code_in(sms)
    # The code is kept only as a digest, and never as a readable message in the portal.
    assert code not in PhoneCode.objects.get().digest
    assert not Message.objects.exists()
    response = _verify(http, code)
    assert response.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.phone_verified_at == timezone.now()
    # The code worked once.
    assert _verify(http, code).context["code_form"].has_error("code", "code_expired")


def test_a_code_expires_after_5_minutes(client_as, newcomer, sms_provider, clock):
    http = client_as(newcomer)
    _send(http)
    code = _code_in(sms_provider.requests[0])
    clock.shift(datetime.timedelta(minutes=5, seconds=1))
    response = _verify(http, code)
    assert response.context["code_form"].has_error("code", "code_expired")
    newcomer.refresh_from_db()
    assert newcomer.phone_verified_at is None


def test_a_code_is_burned_after_5_wrong_tries(client_as, newcomer, sms_provider, clock):
    http = client_as(newcomer)
    _send(http)
    code = _code_in(sms_provider.requests[0])
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        response = _verify(http, wrong)
        assert response.context["code_form"].has_error("code", "wrong_code")
        assert f"{left}" in response.context["code_form"].errors["code"][0]
    assert _verify(http, wrong).context["code_form"].has_error("code", "code_expired")
    assert _verify(http, code).context["code_form"].has_error("code", "code_expired")
    newcomer.refresh_from_db()
    assert newcomer.phone_verified_at is None


def test_no_code_is_texted_without_the_captcha(client_as, newcomer, sms_provider, clock):
    http = client_as(newcomer)
    response = http.post(reverse("applicants:verify_phone"), {"send": "1"})
    assert response.context["captcha_form"].has_error("captcha")
    response = http.post(
        reverse("applicants:verify_phone"),
        {"send": "1", "captcha_0": _captcha()["captcha_0"], "captcha_1": "wrong"},
    )
    assert response.context["captcha_form"].has_error("captcha", "wrong_captcha")
    assert sms_provider.requests == []
    assert not PhoneCode.objects.exists()


def test_one_code_a_minute_per_number_and_the_refusal_says_when_to_try_again(
    client_as, newcomer, sms_provider, clock
):
    http = client_as(newcomer)
    _send(http)
    response = _send(http)
    form = response.context["captcha_form"]
    assert form.has_error(NON_FIELD_ERRORS, "too_many_codes")
    # 10:00 in Shanghai plus the minute
    assert "2026-06-01 10:01:00" in form.non_field_errors()[0]
    assert len(sms_provider.requests) == 1
    clock.shift(datetime.timedelta(seconds=61))
    assert _send(http).status_code == 302
    assert len(sms_provider.requests) == 2


def test_five_codes_an_hour_and_ten_a_day_per_number(client_as, newcomer, sms_provider, clock, settings):
    http = client_as(newcomer)
    for _ in range(5):
        assert _send(http).status_code == 302
        clock.shift(datetime.timedelta(minutes=2))
    assert _send(http).context["captcha_form"].has_error(NON_FIELD_ERRORS, "too_many_codes")
    clock.shift(datetime.timedelta(hours=1))
    for _ in range(5):
        assert _send(http).status_code == 302
        clock.shift(datetime.timedelta(minutes=2))
    clock.shift(datetime.timedelta(hours=1))
    response = _send(http)
    assert response.context["captcha_form"].has_error(NON_FIELD_ERRORS, "too_many_codes")
    assert "2026-06-02 10:00" in response.context["captcha_form"].non_field_errors()[0]
    assert len(sms_provider.requests) == 10


def test_the_limits_are_settings(client_as, newcomer, sms_provider, clock, settings):
    settings.PHONE_CODES_PER_MINUTE = 2
    http = client_as(newcomer)
    assert _send(http).status_code == 302
    assert _send(http).status_code == 302
    assert _send(http).context["captcha_form"].has_error(NON_FIELD_ERRORS, "too_many_codes")


def test_a_changed_phone_is_no_longer_verified(client_as, db):
    applicant = ApplicantFactory(phone="13812345678", user__phone="13812345678")
    user = applicant.user
    assert user.phone_verified_at is not None
    form = {
        "phone": "13912345678",
        "education": "senior_high",
        "employer_or_class": "23 机电 1 班",
        "work_history": "",
    }
    client_as(user).post(reverse("applicants:edit_profile"), form)
    user.refresh_from_db()
    assert (user.phone, user.phone_verified_at) == ("13912345678", None)


def test_phones_the_director_enters_for_staff_count_as_verified(db):
    director = UserFactory(role=Role.DIRECTOR)
    clerk = staff.staff_create(
        actor=director,
        username="li",
        name="李老师",
        phone="13712345678",
        roles=[Role.CLERK],
        password=NEW_PASSWORD,
    )
    assert clerk.phone_verified_at is not None
    staff.staff_update(
        actor=director, user=clerk, name="李老师", phone="", roles=[Role.CLERK], is_active=True
    )
    clerk.refresh_from_db()
    assert clerk.phone_verified_at is None


# Who receives SMS


def test_an_unverified_applicant_gets_the_message_and_the_email_but_no_sms(
    newcomer, sms_provider, clock, django_capture_on_commit_callbacks
):
    newcomer.email = "wang@example.cn"
    newcomer.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(kind=Kind.APPLICATION_RETURNED, recipients=[newcomer], text="照片不合格")
    assert Message.objects.get(recipient=newcomer).text == "照片不合格"
    (email,) = mail.outbox
    assert email.to == ["wang@example.cn"]
    assert sms_provider.requests == []


# Password reset


@pytest.fixture
def verified(db):
    """An applicant whose phone is verified."""
    applicant = ApplicantFactory(phone="13812345678", user__phone="13812345678")
    return applicant.user


def _ask_code(client, id_number, phone="13812345678"):
    return client.post(
        reverse("applicants:request_reset_code"), {"id_number": id_number, "phone": phone, **_captcha()}
    )


def _reset(client, code, password=NEW_PASSWORD):
    return client.post(
        reverse("applicants:reset_password_with_code"),
        {"code": code, "password1": password, "password2": password},
    )


def test_the_sign_in_page_leads_to_the_reset_by_text_message(client, db):
    assert reverse("applicants:request_reset_code") in client.get(reverse("login")).content.decode()


def test_an_applicant_resets_his_password_with_the_texted_code(client, verified, sms_provider, clock):
    response = _ask_code(client, verified.username)
    assert response["Location"] == reverse("applicants:reset_password_with_code")
    (sms,) = sms_provider.requests
    assert sms["PhoneNumbers"] == "13812345678"
    assert sms["TemplateCode"] == TEMPLATES[Kind.SECURITY]
    response = _reset(client, _code_in(sms))
    assert response.status_code == 302
    verified.refresh_from_db()
    assert verified.check_password(NEW_PASSWORD)
    assert not verified.check_password(TEST_PASSWORD)


def test_the_reset_does_not_tell_whether_a_number_has_an_account(client, verified, sms_provider, clock):
    unverified = ApplicantFactory(
        phone="13712345678", user__phone="13712345678", user__phone_verified_at=None
    ).user
    cases = [
        (verified.username, "13812345678"),  # the account's verified phone: the only one that gets a code
        (verified.username, "13912345678"),  # another number
        (resident_id(400), "13612345678"),  # no account
        (unverified.username, "13712345678"),  # a phone not verified
    ]
    answers = set()
    for id_number, phone in cases:
        fresh = type(client)()
        asked = _ask_code(fresh, id_number, phone)
        wrong = _reset(fresh, "000000" if phone != "13812345678" else "999999")
        # the limits count every number alike
        again = _ask_code(fresh, id_number, phone)
        answers.add(
            (
                asked.status_code,
                asked["Location"],
                wrong.context["form"].errors.as_json(),
                again.context["form"].errors.get_json_data()["phone"][0]["code"],
            )
        )
    assert len(answers) == 1
    assert [r["PhoneNumbers"] for r in sms_provider.requests] == ["13812345678"]
    assert PhoneCode.objects.count() == 4


def test_an_sms_outage_does_not_tell_that_a_number_has_an_account(client, verified, sms_provider, clock):
    sms_provider.answers = [(500, b"down")]
    down = _ask_code(client, verified.username)
    nobody = _ask_code(type(client)(), resident_id(401), "13612345678")
    assert (down.status_code, down["Location"]) == (nobody.status_code, nobody["Location"])
    assert len(sms_provider.requests) == 1  # only the real account's code reached the provider


def test_strangers_typing_one_number_never_share_a_code_s_tries(client, verified, sms_provider, clock):
    """Two made-up ID numbers typed with one phone keep their own counts of wrong tries, as a real
    account's code does, or the tries left would tell that an ID number has no account."""
    target, stranger = client, type(client)()
    _ask_code(target, resident_id(404), "13812345678")  # no account: answered as if one had it
    clock.shift(datetime.timedelta(minutes=2))
    _ask_code(stranger, resident_id(402), "13812345678")
    _reset(stranger, "000000")
    answer = _reset(target, "000000").context["form"].errors.get_json_data()["code"][0]["message"]
    assert "4" in answer  # his own first wrong try, not the stranger's too


def test_codes_older_than_a_day_are_not_kept(client, verified, sms_provider, clock):
    _ask_code(client, verified.username)
    clock.shift(datetime.timedelta(days=1, minutes=1))
    _ask_code(type(client)(), resident_id(403), "13712345678")
    assert list(PhoneCode.objects.values_list("phone", flat=True)) == ["13712345678"]


def test_wrong_reset_codes_lock_the_account_like_wrong_passwords(
    client, verified, sms_provider, clock, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    _ask_code(client, verified.username)
    code = _code_in(sms_provider.requests[0])
    for _ in range(2):
        assert _reset(client, "000000").context["form"].has_error("code")
    response = _reset(client, "000000")
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username=verified.username).failures_since_start == 3
    # Locked: even the right code is refused, and signing in with the password too.
    assert _reset(client, code).status_code == 429
    verified.refresh_from_db()
    assert verified.check_password(TEST_PASSWORD)
    signed = client.post(reverse("login"), {"username": verified.username, "password": TEST_PASSWORD})
    assert signed.status_code == 429
