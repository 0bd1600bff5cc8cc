import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.template.loader import render_to_string
from django.urls import reverse

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qw9!zR2@vL5$xN8^bT4&mJ6*pH3(cF1)dG0_sY7-uE9+aK2=oI5",
    "ALLOWED_HOSTS": "jianding.example.edu.cn",
    "HTTPS_ONLY": "1",
    "STATIC_MANIFEST": "1",
    "SMTP_HOST": "smtp.example.edu.cn",
}


def run_manage(*args, env_overrides, var_dir):
    """Run manage.py in a clean process: its own SQLite file, only the given settings."""
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE would itself fail the deploy check; the
    # suite's own settings module (tests.settings) is not the one deployed.
    inherited = {"DEBUG", "SECRET_KEY", "HTTPS_ONLY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update({"VAR_DIR": str(var_dir), "DATABASE_URL": f"sqlite:///{var_dir / 'check.sqlite3'}"})
    env.update(env_overrides)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_a_warning(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV, var_dir=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_defaults_fail_the_deploy_check(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", env_overrides={"DEBUG": "1"}, var_dir=tmp_path
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG on
    assert "security.W009" in result.stderr  # the development secret key


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "applicants:sign_up"])
def test_public_pages_carry_the_security_headers(client, url_name):
    response = client.get(reverse(url_name))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client_as, role_users):
    for user in role_users.values():
        page = client_as(user).get(reverse("dashboard")).content.decode()
        assert "<script>" not in page
        assert " style=" not in page
        assert "<style" not in page


@pytest.mark.django_db
def test_uploaded_files_have_no_public_url(client_as, role_users, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "id-card.pdf").write_bytes(b"%PDF-1.4 secret")
    http = client_as(role_users["director"])
    for prefix in ("/media/", "/static/../var/media/", "/uploads/"):
        response = http.get(f"{prefix}id-card.pdf")
        assert response.status_code == 404
        assert b"secret" not in response.content


@pytest.mark.django_db
def test_not_found_page_is_chinese_and_shows_no_internals(client_as, role_users):
    response = client_as(role_users["clerk"]).get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page
    assert "Traceback" not in page
    assert "urlpatterns" not in page


def test_server_error_page_stands_alone_in_chinese():
    page = render_to_string("500.html")
    assert "系统出错" in page
    assert 'lang="zh-CN"' in page


def test_a_site_served_over_https_refuses_to_start_without_its_own_key(tmp_path):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = run_manage("check", env_overrides=env, var_dir=tmp_path)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr
