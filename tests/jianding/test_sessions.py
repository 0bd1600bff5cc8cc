"""Staff sessions end when left idle or too long after sign-in; applicants keep theirs; a new password ends the others."""

import time

from django.urls import reverse

from jianding.middleware import SESSION_SEEN, SESSION_STARTED
from jianding.roles import Role
from tests.factories.accounts import UserFactory


def _shift(client, key, seconds):
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_a_staff_session_ends_after_thirty_idle_minutes(client_as):
    http = client_as(UserFactory(role=Role.EXAMINER))
    assert http.get(reverse("dashboard")).status_code == 200
    _shift(http, SESSION_SEEN, 29 * 60)
    assert http.get(reverse("dashboard")).status_code == 200
    _shift(http, SESSION_SEEN, 31 * 60)
    response = http.get(reverse("exams:my_scoring"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "next=/exams/scoring/" in response["Location"]
    assert http.get(reverse("password_change"))["Location"].startswith(reverse("login"))


def test_a_staff_session_ends_twelve_hours_after_sign_in_however_busy(client_as, settings):
    http = client_as(UserFactory(role=Role.CLERK))
    _shift(http, SESSION_STARTED, 12 * 3600 + 5)
    assert http.get(reverse("dashboard"))["Location"].startswith(reverse("login"))


def test_applicants_are_not_signed_out_for_being_idle(client_as, alice):
    http = client_as(alice)
    _shift(http, SESSION_SEEN, 3 * 3600)
    assert http.get(reverse("dashboard")).status_code == 200


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(client_as):
    examiner = UserFactory(role=Role.EXAMINER, password="Kao-ping-2026")
    tablet, laptop = client_as(examiner), client_as(examiner)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": "Kao-ping-2026",
            "new_password1": "Xin-mi-ma-2027",
            "new_password2": "Xin-mi-ma-2027",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert laptop.get(reverse("dashboard")).status_code == 200
    assert tablet.get(reverse("password_change"))["Location"].startswith(reverse("login"))
