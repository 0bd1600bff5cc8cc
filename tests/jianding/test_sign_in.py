import pytest
from django.urls import reverse

from jianding.roles import Role
from tests.factories.accounts import DASHBOARD_TITLES, TEST_PASSWORD, UserFactory
from tests.factories.applicants import ApplicantFactory


def sign_in(client, username, password=TEST_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_staff_signs_in_and_lands_on_the_dashboard(client):
    # Proctors sign in with the password alone (tests/jianding/test_second_factor.py has the others).
    UserFactory(username="jiankao-qian", role=Role.PROCTOR)
    response = sign_in(client, "jiankao-qian")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard")).content.decode()
    assert "监考人员工作台" in page


@pytest.mark.django_db
def test_applicant_signs_in_with_a_small_x(client):
    applicant = ApplicantFactory(id_number="11010519491231002X", user__username="11010519491231002X")
    response = sign_in(client, "11010519491231002x")
    assert response["Location"] == reverse("dashboard")
    page = client.get(reverse("dashboard")).content.decode()
    assert applicant.name in page
    assert "110105********002X" in page
    assert "11010519491231002X" not in page


@pytest.mark.django_db
def test_wrong_password_is_refused_in_chinese(client):
    UserFactory(username="proctor-wu", role=Role.PROCTOR)
    response = sign_in(client, "proctor-wu", "wrong-password")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_and_say_when_to_retry(client, settings):
    UserFactory(username="finance-zheng", role=Role.FINANCE)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "finance-zheng", "wrong").status_code == 200
    locked = sign_in(client, "finance-zheng", "wrong")
    assert locked.status_code == 429
    assert "15 分钟后再试" in locked.content.decode()
    # Even the right password is refused until the cool-off ends.
    assert sign_in(client, "finance-zheng").status_code == 429


@pytest.mark.django_db
def test_sign_out_takes_a_post_and_ends_the_session(client):
    UserFactory(username="deputy-li", role=Role.DEPUTY)
    sign_in(client, "deputy-li")
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get(reverse("password_change"))["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_inactive_account_cannot_sign_in(client):
    UserFactory(username="gone", role=Role.CLERK, is_active=False)
    assert sign_in(client, "gone").status_code == 200
    assert client.get(reverse("password_change")).status_code == 302


@pytest.mark.django_db
def test_every_role_sees_its_own_dashboard(role_users, client_as):
    for role, title in DASHBOARD_TITLES.items():
        page = client_as(role_users[role.value]).get(reverse("dashboard")).content.decode()
        assert title in page, role
        assert ("工作人员账号" in page) == (role == Role.DIRECTOR), role
