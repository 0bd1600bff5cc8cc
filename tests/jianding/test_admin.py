"""Django's admin lists every full ID number: it is off unless ADMIN_ENABLED, asks every user's
second factor, and may be limited to the IT office's addresses."""

import ipaddress

import pytest
from django.contrib import admin
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.middleware import OTPMiddleware

from tests.factories.accounts import TEST_PASSWORD, UserFactory, second_factor_code, second_factor_phone
from tests.factories.applicants import ApplicantFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def it_admin(db):
    """An IT superuser, outside every portal role, with an applicant's record in the database."""
    ApplicantFactory(id_number=ID_NUMBER, user__username=ID_NUMBER)
    return UserFactory(username="it-admin", is_staff=True, is_superuser=True)


def _admin_password(client, user, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": user.username, "password": TEST_PASSWORD, "next": reverse("admin:index")},
        **extra,
    )


def test_the_admin_is_not_there_unless_enabled(client, it_admin, settings):
    settings.ADMIN_ENABLED = False
    assert client.get(reverse("admin:login")).status_code == 404
    assert _admin_password(client, it_admin).status_code == 404
    client.force_login(it_admin, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("admin:index")).status_code == 404
    assert client.get(reverse("admin:applicants_applicant_changelist")).status_code == 404


def test_a_superusers_password_alone_does_not_open_the_admin(client, it_admin, settings):
    settings.ADMIN_ENABLED = True
    code = second_factor_code(it_admin)
    assert _admin_password(client, it_admin)["Location"] == reverse("admin:index")
    changelist = reverse("admin:applicants_applicant_changelist")
    response = client.get(changelist)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert ID_NUMBER not in client.get(response["Location"], follow=True).content.decode()
    assert (
        client.post(reverse("two_factor_verify"), {"token": code, "next": changelist})["Location"]
        == changelist
    )
    page = client.get(changelist)
    assert page.status_code == 200
    assert ID_NUMBER in page.content.decode()


def test_a_superuser_without_a_second_factor_enrols_one_first(client, it_admin, settings):
    settings.ADMIN_ENABLED = True
    _admin_password(client, it_admin)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_the_admin_site_itself_refuses_a_session_without_the_second_factor(it_admin, rf):
    request = rf.get(reverse("admin:index"))
    request.session, request.user = SessionStore(), it_admin
    OTPMiddleware(lambda request: None)(request)
    assert not admin.site.has_permission(request)
    otp_login(request, second_factor_phone(it_admin))
    assert admin.site.has_permission(request)


def test_the_admin_answers_only_the_allowed_networks(client, it_admin, settings):
    settings.ADMIN_ENABLED = True
    settings.ADMIN_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]
    assert client.get(reverse("admin:login"), REMOTE_ADDR="192.0.2.7").status_code == 404
    assert _admin_password(client, it_admin, REMOTE_ADDR="192.0.2.7").status_code == 404
    assert client.get(reverse("admin:login"), REMOTE_ADDR="10.20.3.4").status_code == 200
    # The portal itself stays open to every address.
    assert client.get(reverse("login"), REMOTE_ADDR="192.0.2.7").status_code == 200
