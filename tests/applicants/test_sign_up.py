import datetime

import pytest
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
    assert (caught.value.field, caught.value.code) == ("id_number", "id_number_taken")
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
    assert response["Location"] == reverse("dashboard")
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
