"""The backup drill, for real: fill an installation, back it up, wipe it, restore it, compare.

Each step is ``manage.py`` in its own process against an installation of its own
(a SQLite file, or a database created for the drill on the PostgreSQL server
the suite runs on), as an operator would run them. The state compared before
and after is read by the ORM, independently of the backup code: the rows of
every model table (historical and many-to-many tables included) and the
SHA-256 of every file under MEDIA_ROOT.
"""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from psycopg import sql

# The module's fixtures run the drill once: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group("backup")

FILL = """
import os
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from jianding.models import Job, Notice, User

clerk = User.objects.create_user("drill-clerk", password="drill-password-1", name="赵丽")
clerk.groups.add(Group.objects.get_or_create(name="clerk")[0])
applicant = User.objects.create(username="320102200503151230", name="张伟", phone="13812345678")
applicant.name = "张伟（改）"
applicant.save()  # a second historical row
User.objects.create(username="drill-gone", name="将被删除").delete()  # a deletion in the history
kept = Notice.objects.create(title="报名通知", body="请按时报名。", publish_at=timezone.now(), created_by=clerk)
Notice.objects.create(title="作废", body="", publish_at=timezone.now(), created_by=clerk).delete()
kept.title = "报名通知（更新）"
kept.save()
job = Job.objects.create(title="准考证", requested_by=clerk)
job.file.save("准考证.pdf", ContentFile(b"%PDF-1.7 drill " + os.urandom(50_000)))
default_storage.save("applications/2026/照片 1.jpg", ContentFile(os.urandom(120_000)))
default_storage.save("declarations/empty.pdf", ContentFile(b""))
"""

STATE = """
import hashlib, json, os
from django.apps import apps
from django.conf import settings

tables = {
    model._meta.db_table: model._base_manager.count()
    for model in apps.get_models(include_auto_created=True)
    if model._meta.managed and not model._meta.proxy
}
files = {}
for root, _, names in os.walk(settings.MEDIA_ROOT):
    for name in names:
        path = os.path.join(root, name)
        with open(path, "rb") as f:
            files[os.path.relpath(path, settings.MEDIA_ROOT)] = hashlib.sha256(f.read()).hexdigest()
print(json.dumps({"tables": tables, "files": files}))
"""

# Groups have no history: creating and deleting one leaves the compared state as it was.
NEW_ROW = """
from django.contrib.auth.models import Group
group = Group.objects.create(name="after-restore")
assert group.pk > max(Group.objects.exclude(pk=group.pk).values_list("pk", flat=True))
group.delete()
"""


@pytest.fixture(scope="module")
def drill_database_url(tmp_path_factory):
    """A database for the drill alone: a SQLite file, or a new database on the suite's PostgreSQL server."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path_factory.mktemp('drill-db') / 'drill.sqlite3'}"
        return
    name = f"jianding_drill_{uuid.uuid4().hex[:8]}"
    server = urlsplit(url)
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield server._replace(path=f"/{name}").geturl()
    with psycopg.connect(server._replace(path="/postgres").geturl(), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def installation(drill_database_url, tmp_path_factory):
    """Return a function running manage.py against the drill's installation, migrated and filled."""
    var_dir = tmp_path_factory.mktemp("drill-var")
    inherited = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "MEDIA_ROOT", "VAR_DIR"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(
        {"VAR_DIR": str(var_dir), "MEDIA_ROOT": str(var_dir / "media"), "DATABASE_URL": drill_database_url}
    )

    def manage(*args, expect_ok=True):
        result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=django_settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        if expect_ok:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    manage.var_dir = var_dir
    manage.media_root = var_dir / "media"
    manage("migrate", "--noinput", "-v0")
    manage("shell", "--no-imports", "-c", FILL)
    return manage


def state(manage) -> dict:
    return json.loads(manage("shell", "--no-imports", "-c", STATE).stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def archive(installation):
    """Back the filled installation up; return the archive and the state it was taken from."""
    before = state(installation)
    path = installation.var_dir / "drill.tar.gz"
    result = installation("backup", "--output", str(path))
    assert result.stdout.splitlines()[0] == str(path)
    return path, before


def test_backup_manifest_counts_every_table_and_hashes_every_file(archive):
    path, before = archive
    with tarfile.open(path) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = tar.getnames()
    assert manifest["format"] == 1
    assert manifest["database"]["vendor"] in {"sqlite", "postgresql"}
    assert manifest["tables"] == before["tables"]
    assert manifest["tables"]["jianding_historicaluser"] >= 5  # the fill's creations, change and deletion
    assert manifest["tables"]["jianding_historicaluser_groups"] == 1
    assert manifest["migrations"]["jianding"].startswith("0")
    media = {
        name.removeprefix("media/"): meta
        for name, meta in manifest["files"].items()
        if name != "database.sqlite3" and name != "database.dump"
    }
    assert {name: meta["sha256"] for name, meta in media.items()} == before["files"]
    assert media["declarations/empty.pdf"]["size"] == 0
    assert sorted(names) == sorted([*manifest["files"], "manifest.json"])
    assert path.stat().st_mode & 0o077 == 0  # personal data: the owner's alone


def test_restore_refuses_an_installation_that_is_not_empty(installation, archive):
    path, _ = archive
    result = installation("restore", str(path), expect_ok=False)
    assert result.returncode != 0
    assert "not empty" in result.stderr
    assert "--force" in result.stderr


def test_drill_wipe_and_restore_gives_back_every_row_and_file(installation, archive):
    path, before = archive
    installation("flush", "--noinput")
    shutil.rmtree(installation.media_root)
    wiped = state(installation)
    assert wiped["tables"]["jianding_user"] == 0
    assert wiped["files"] == {}

    result = installation("restore", str(path))

    assert "verified" in result.stdout
    after = state(installation)
    assert after["tables"] == before["tables"]
    assert after["files"] == before["files"]
    # The sequences came back too: a new row does not collide with a restored one (PostgreSQL).
    installation("shell", "--no-imports", "-c", NEW_ROW)


def test_restore_lists_every_mismatch_with_the_manifest(installation, archive, tmp_path):
    path, _ = archive
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(path) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"]["jianding_notice"] += 1
                data = json.dumps(manifest).encode()
            elif member.name == "media/applications/2026/照片 1.jpg":
                data = b"\0" + data[1:]
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    result = installation("restore", "--force", str(tampered), expect_ok=False)

    assert result.returncode != 0
    assert "2 checks against its manifest failed" in result.stderr
    assert "table jianding_notice: 1 rows (expected 2)" in result.stderr
    assert "file media/applications/2026/照片 1.jpg" in result.stderr
    installation("restore", "--force", str(path))  # leave the installation whole for the other tests


def test_restore_refuses_a_damaged_database_before_touching_anything(installation, archive, tmp_path):
    path, before = archive
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(path) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("database."):
                data = data[:-1] + bytes([data[-1] ^ 1])
            target.addfile(member, io.BytesIO(data))

    result = installation("restore", "--force", str(damaged), expect_ok=False)

    assert result.returncode != 0
    assert "does not match its checksum" in result.stderr
    assert state(installation) == before


def test_restore_refuses_what_is_not_an_archive(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="cannot be read as a backup archive"):
        call_command("restore", str(junk))


def test_restore_refuses_a_file_name_that_leaves_media_root(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    manifest = {
        "format": 1,
        "database": {"vendor": "sqlite", "member": "database.sqlite3"},
        "migrations": {},
        "tables": {},
        "files": {"media/../../outside.txt": {"size": 1, "sha256": "0" * 64}},
    }
    with tarfile.open(evil, "w:gz") as tar:
        for name, data in (
            ("media/../../outside.txt", b"x"),
            ("manifest.json", json.dumps(manifest).encode()),
        ):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="unsafe file name"):
        call_command("restore", "--force", str(evil))
    assert not (tmp_path.parent / "outside.txt").exists()


def test_backup_refuses_to_overwrite_an_archive(tmp_path):
    existing = tmp_path / "existing.tar.gz"
    existing.write_bytes(b"an earlier backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "--output", str(existing))
    assert existing.read_bytes() == b"an earlier backup"


def test_default_archive_goes_under_var_dir(installation):
    result = installation("backup")
    archive = Path(result.stdout.splitlines()[0])
    assert archive.parent == installation.var_dir / "backups"
    assert archive.name.startswith("jianding-")
    assert archive.name.endswith(".tar.gz")
    assert list(archive.parent.iterdir()) == [archive]  # no temporary copy or .part left behind
    archive.unlink()
