"""With DEBUG off, every refusal is the portal's own page in Chinese, saying what to do."""

import pytest
from django.test import Client
from django.urls import reverse

from jianding.roles import Role
from tests.factories.accounts import TEST_PASSWORD, UserFactory


@pytest.mark.django_db
def test_a_form_without_its_token_gets_a_chinese_page_saying_to_reload_and_sign_in(settings):
    assert not settings.DEBUG
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "kaowu", "password": TEST_PASSWORD})
    assert response.status_code == 403
    page = response.content.decode()
    assert "DEBUG" not in page
    assert "表单已过期" in page
    assert "刷新" in page
    assert "重新登录" in page
    assert f'href="{reverse("login")}"' in page
    assert f'href="{reverse("dashboard")}"' in page


@pytest.mark.django_db
def test_a_signed_in_user_with_a_stale_token_gets_the_same_page_with_his_menu():
    user = UserFactory(username="kaowu-zhao", name="赵考务", role=Role.EXAM_STAFF)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    client.get(reverse("dashboard"))
    response = client.post(
        reverse("logout"), {"csrfmiddlewaretoken": "x" * 64}, HTTP_REFERER="http://testserver/exams/"
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "表单已过期" in page
    assert "赵考务" in page
    assert 'href="http://testserver/exams/"' in page


def test_a_wrong_method_gets_a_page_and_keeps_the_allow_header(client_as):
    response = client_as(UserFactory(role=Role.EXAM_STAFF)).get(reverse("logout"))
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "不能这样打开" in page
    assert f'href="{reverse("dashboard")}"' in page


@pytest.mark.django_db
def test_a_bad_host_header_gets_400_not_500():
    response = Client().get(reverse("public:home"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "无法处理该请求" in response.content.decode()
