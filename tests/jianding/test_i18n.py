"""The Chinese catalogue is complete, compiled and current; every model speaks Chinese."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR, "locale", "zh_Hans", "LC_MESSAGES", "django.po")
OUR_APPS = {
    "jianding",
    "notifications",
    "applicants",
    "exams",
    "certificates",
    "archive",
    "finance",
    "equipment",
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _entries(po_text: str) -> dict[tuple[str | None, str], str]:
    """Map each (msgctxt, singular msgid) of a .po file to its msgstr (or first plural form)."""
    entries = {}
    for block in po_text.split("\n\n"):
        msgctxt = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.MULTILINE)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.MULTILINE)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.MULTILINE)
        if msgid and msgstr:

            def joined(match):
                text = "".join(re.findall(r'"(.*)"', match.group(1)))
                return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")

            entries[(joined(msgctxt) if msgctxt else None, joined(msgid))] = joined(msgstr)
    entries.pop((None, ""), None)
    return entries


def test_every_message_is_translated_and_not_fuzzy():
    text = CATALOGUE.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    untranslated = [msgid for msgid, msgstr in _entries(text).items() if not msgstr]
    assert not untranslated


def test_compiled_catalogue_matches_the_source():
    entries = _entries(CATALOGUE.read_text(encoding="utf-8"))
    with translation.override("zh-hans"):
        stale = [
            (context, msgid)
            for (context, msgid), msgstr in entries.items()
            if (translation.pgettext(context, msgid) if context else translation.gettext(msgid)) != msgstr
        ]
    assert not stale, f"run `make messages`: the .mo lags the .po for {stale[:5]}"


def test_catalogue_holds_every_string_of_the_source(tmp_path):
    """Run makemessages on a copy of the tree: it must find no message the catalogue lacks."""
    copy = tmp_path / "tree"
    shutil.copytree(
        settings.BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "__pycache__", "tests", "*.mo"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "jianding.settings"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    fresh = set(_entries((copy / CATALOGUE.relative_to(settings.BASE_DIR)).read_text(encoding="utf-8")))
    committed = set(_entries(CATALOGUE.read_text(encoding="utf-8")))
    assert fresh - committed == set(), "run `make messages` and translate the new strings"


def _our_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not model._meta.object_name.startswith("Historical")
    ]


@pytest.mark.parametrize("model", _our_models(), ids=lambda m: m._meta.label)
def test_model_and_fields_have_chinese_verbose_names(model):
    with translation.override("zh-hans"):
        assert HAN.search(str(model._meta.verbose_name)), model
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name"):
                continue
            assert HAN.search(str(field.verbose_name)), f"{model._meta.label}.{field.name}"


@pytest.mark.django_db
def test_sign_in_page_is_chinese_by_default_and_english_on_request(client):
    page = client.get("/sign-in/").content.decode()
    assert '<html lang="zh-CN">' in page
    assert "登录" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/sign-in/"})
    assert "Sign in" in client.get("/sign-in/").content.decode()


@pytest.mark.django_db
def test_empty_choice_of_a_select_is_chinese(client_as, role_users):
    page = client_as(role_users["clerk"]).get("/exams/batches/new/").content.decode()
    assert "- 请选择 -" in page
    assert "Select an option" not in page
