import datetime
import re

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from applicants.models import Applicant
from applicants.services import applicant_register
from jianding.errors import RuleViolation
from jianding.models import User
from jianding.roles import Role, has_role
from tests.factories.accounts import UserFactory
from tests.factories.applicants import resident_id

ID_NUMBER = "11010519491231002X"


def form(**overrides):
    data = {
        "name": "  王 芳 ",
        "id_number": "11010519491231002x",
        "phone": "13812345678",
        "password1": "Shen-bao-2026",
        "password2": "Shen-bao-2026",
    }
    return {**data, **overrides}


@pytest.mark.django_db
def test_register_derives_birth_date_and_sex_and_grants_the_applicant_role():
    applicant = applicant_register(
        name="王芳", id_number=ID_NUMBER, phone="13812345678", password="Shen-bao-2026"
    )
    assert applicant.birth_date == datetime.date(1949, 12, 31)
    assert applicant.sex == "F"
    assert applicant.user.username == ID_NUMBER
    assert has_role(applicant.user, Role.APPLICANT)
    assert applicant.history.count() == 1


@pytest.mark.django_db
def test_one_id_number_one_account():
    applicant_register(name="王芳", id_number=ID_NUMBER, phone="13812345678", password="Shen-bao-2026")
    with pytest.raises(RuleViolation) as caught:
        applicant_register(
            name="冒名", id_number=ID_NUMBER.lower(), phone="13800000000", password="Other-pass-2026"
        )
    assert (caught.value.field, caught.value.code) == (None, "id_number_taken")
    assert Applicant.objects.count() == 1


@pytest.mark.django_db
def test_the_id_number_itself_is_refused_as_password():
    with pytest.raises(RuleViolation) as caught:
        applicant_register(name="王芳", id_number=ID_NUMBER, phone="13812345678", password=ID_NUMBER)
    assert caught.value.field == "password1"
    assert not User.objects.filter(username=ID_NUMBER).exists()


@pytest.mark.django_db
def test_sign_up_page_creates_the_account_and_signs_in(client):
    response = client.post(reverse("applicants:sign_up"), form())
    # first to his phone's verification, which he may leave for later
    assert response["Location"] == reverse("applicants:verify_phone")
    page = client.get(reverse("dashboard")).content.decode()
    assert "申报者工作台" in page
    assert "110105********002X" in page
    assert Applicant.objects.get().name == "王 芳"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"id_number": "110105194912310021"}, "id_number", "ric_checksum"),
        ({"id_number": "1101051949"}, "id_number", "ric_format"),
        ({"phone": "12345"}, "phone", "invalid_phone"),
        ({"password2": "Something-else-1"}, "password2", "password_mismatch"),
    ],
)
def test_sign_up_refusals_name_the_field(client, overrides, field, code):
    response = client.post(reverse("applicants:sign_up"), form(**overrides))
    assert response.status_code == 200
    assert response.context["form"].has_error(field, code)
    assert not Applicant.objects.exists()


@pytest.mark.django_db
def test_sign_up_refusal_is_in_chinese(client):
    page = client.post(reverse("applicants:sign_up"), form(id_number="110105194912310021")).content.decode()
    assert "校验码不符" in page


@pytest.mark.django_db
def test_applicants_see_only_themselves_and_reviewers_see_all(alice, bob, charlie):
    assert list(Applicant.objects.visible_to(alice)) == [alice.applicant]
    assert set(Applicant.objects.visible_to(bob)) == {alice.applicant, charlie.applicant}
    examiner = UserFactory(role=Role.EXAMINER)
    assert not Applicant.objects.visible_to(examiner).exists()


@pytest.mark.django_db
def test_one_address_opens_a_limited_number_of_accounts(client, settings):
    settings.SIGNUPS_PER_ADDRESS_HOUR = 2
    numbers = [resident_id(n, birth=datetime.date(1990, 5, 6)) for n in range(4)]
    for number in numbers[:2]:
        response = client.post(reverse("applicants:sign_up"), form(id_number=number))
        assert response.status_code == 302
        client.post(reverse("logout"))
    response = client.post(reverse("applicants:sign_up"), form(id_number=numbers[2]))
    assert response.status_code == 200
    assert "这个网络" in " ".join(response.context["form"].non_field_errors())
    assert not Applicant.objects.filter(id_number=numbers[2]).exists()
    assert Applicant.objects.filter(signed_up_from="127.0.0.1").count() == 2
    # Another address is not held back by this one.
    applicant_register(
        name="李雷",
        id_number=numbers[3],
        phone="13812345679",
        password="Shen-bao-2026",
        ip_address="10.1.2.3",
    )


def test_a_limit_of_nought_closes_the_sign_up_to_every_address(db, settings):
    settings.SIGNUPS_PER_ADDRESS_HOUR = 0
    with pytest.raises(RuleViolation) as refusal:
        applicant_register(
            name="李雷",
            id_number=resident_id(0, birth=datetime.date(1990, 5, 6)),
            phone="13812345679",
            password="Shen-bao-2026",
            ip_address="10.1.2.3",
        )
    assert refusal.value.code == "too_many_sign_ups"
    assert not Applicant.objects.exists()


def _sign_up(client, **overrides):
    return client.post(reverse("applicants:sign_up"), form(**overrides))


@pytest.mark.django_db
def test_a_registered_number_is_not_confirmed_to_a_stranger(client):
    applicant_register(name="王芳", id_number=ID_NUMBER, phone="13812345678", password="Shen-bao-2026")
    response = _sign_up(client, name="冒名", password1="Other-pass-2026", password2="Other-pass-2026")
    assert response.status_code == 200
    form_ = response.context["form"]
    # Refused as the whole form, never as "this ID number has an account".
    assert form_.has_error("__all__", "id_number_taken")
    assert not form_.has_error("id_number")
    page = response.content.decode()
    assert "已注册" not in page
    assert "该身份证号" not in page


def _captcha_answer(page: str) -> tuple[str, str]:
    """The captcha's key in the page, and its answer read from django-simple-captcha's store."""
    key = re.search(r'name="captcha_0" value="(\w+)"', page).group(1)
    return key, CaptchaStore.objects.get(hashkey=key).response


@pytest.mark.django_db
def test_attempts_are_limited_per_address_and_a_captcha_is_asked_after_a_few(client, settings):
    settings.SIGNUP_ATTEMPTS_BEFORE_CAPTCHA = 2
    settings.SIGNUP_ATTEMPTS_PER_ADDRESS_HOUR = 5
    applicant_register(name="王芳", id_number=ID_NUMBER, phone="13812345678", password="Shen-bao-2026")
    for _attempt in range(2):
        response = _sign_up(client)
        assert "captcha" not in response.context["form"].fields
        assert response.context["form"].has_error("__all__", "id_number_taken")
    # The third sending needs the letters of the picture; without them nothing is said of the number.
    response = _sign_up(client)
    assert response.context["form"].has_error("captcha", "wrong_captcha")
    assert not response.context["form"].has_error("__all__", "id_number_taken")
    page = response.content.decode()
    key, answer = _captcha_answer(page)
    # The picture is a file of the portal's own (the strict CSP allows no inline script or style).
    assert f'src="{reverse("captcha-image", args=[key])}"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "style=" not in page
    picture = client.get(reverse("captcha-image", args=[key]))
    assert (picture.status_code, picture["Content-Type"]) == (200, "image/png")
    # A wrong answer spends the picture.
    response = _sign_up(client, captcha_0=key, captcha_1="wrong")
    assert response.context["form"].has_error("captcha", "wrong_captcha")
    assert not CaptchaStore.objects.filter(hashkey=key).exists()
    key, answer = _captcha_answer(response.content.decode())
    response = _sign_up(client, captcha_0=key, captcha_1=answer)
    assert response.context["form"].has_error("__all__", "id_number_taken")
    # The fifth attempt was the last of the hour: the sixth is refused before anything is checked.
    key, answer = _captcha_answer(response.content.decode())
    response = _sign_up(
        client, id_number=resident_id(7, birth=datetime.date(1990, 5, 6)), captcha_0=key, captcha_1=answer
    )
    assert response.context["form"].has_error("__all__", "too_many_sign_up_attempts")
    assert Applicant.objects.count() == 1
    # Another address still signs up at once, without a captcha.
    response = client.post(
        reverse("applicants:sign_up"),
        form(id_number=resident_id(8, birth=datetime.date(1990, 5, 6))),
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
