"""Staff reset a forgotten password by e-mail; the link works once; one address asks a few times an hour."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from jianding.roles import Role
from jianding.staff import PASSWORD_RESETS_PER_HOUR
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_a_reset_link_sets_a_new_password_once(client):
    UserFactory(username="kaowu", email="kaowu@school.example", role=Role.EXAM_STAFF)
    response = client.post(reverse("password_reset"), {"email": "kaowu@school.example"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "重置" in message.subject
    link = re.search(r"http://testserver(/password/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.context["validlink"]
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Xin-de-mi-ma-9", "new_password2": "Xin-de-mi-ma-9"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    assert (
        client.post(reverse("login"), {"username": "kaowu", "password": "Xin-de-mi-ma-9"}).status_code == 302
    )
    client.post(reverse("logout"))  # half signed in, exam staff would be sent to the second factor
    again = client.get(link, follow=True)
    assert not again.context["validlink"]


def test_unknown_addresses_get_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@school.example"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_one_address_asks_for_a_few_reset_mails_an_hour(client):
    for _ in range(PASSWORD_RESETS_PER_HOUR):
        client.post(reverse("password_reset"), {"email": "someone@school.example"})
    refused = client.post(reverse("password_reset"), {"email": "someone@school.example"})
    assert refused.status_code == 200
    assert "这个网络" in " ".join(refused.context["form"].errors["email"])
