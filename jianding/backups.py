"""Backups: one archive with the database and the uploaded files, and a manifest to verify them by.

The archive is a .tar.gz holding

- ``database.sqlite3`` (a copy made with SQLite's online backup API) or
  ``database.dump`` (``pg_dump --format=custom`` on PostgreSQL);
- ``media/…``, every file under ``MEDIA_ROOT``;
- ``manifest.json``, written last: format version, time, database vendor, the
  latest migration of each app, the rows of every model table (historical
  tables included) and the size and SHA-256 of every other member.

The counts describe the same moment as the database copy: on SQLite they are
read from the copy itself, on PostgreSQL inside the transaction whose snapshot
``pg_dump`` is given. A restore goes only into an empty installation (no user,
no uploaded file) unless forced, and then checks every count and every file
against the manifest.

Only for uploads on disk: with an S3 bucket as the storage (``S3_BUCKET``) both
refuse, and the bucket is backed up by its own means (see the README).
"""

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # runs pg_dump and pg_restore only
import tarfile
import tempfile
import time
import zlib
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass
class RestoreReport:
    manifest: dict
    mismatches: list[str] = field(default_factory=list)
    # Files under MEDIA_ROOT that the archive does not hold (only after --force), left in place.
    stray_files: list[str] = field(default_factory=list)
    pending_migrations: list[str] = field(default_factory=list)


def _require_media_on_disk() -> None:
    """Refuse when uploads live in an S3 bucket: the archive holds only files under MEDIA_ROOT."""
    if not isinstance(storages["default"], FileSystemStorage):
        raise BackupError(
            "Uploaded files are kept in an S3 bucket (S3_BUCKET), not under MEDIA_ROOT, and "
            "manage.py backup and restore handle only files on disk. Back up the database with "
            "pg_dump and the bucket with its provider's versioning or replication (see the README)."
        )


def backup_default_path() -> Path:
    """Return a new timestamped archive path under VAR_DIR/backups/."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"jianding-{stamp}.tar.gz"


def backup_create(*, output: Path) -> dict:
    """Write the archive to ``output`` and return its manifest.

    The archive is written as ``output.part`` and renamed when complete, so a
    failed backup never leaves a file that looks whole. It holds personal data:
    it is readable by its owner only.
    """
    _require_media_on_disk()
    if output.exists():
        raise BackupError(f"{output} already exists; choose another name.")
    vendor = _vendor()
    media_root = Path(settings.MEDIA_ROOT)
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = output.with_name(output.name + ".part")
    created_at = timezone.now()
    try:
        # Beside the archive rather than in /tmp: the database copy is as large as the database.
        with tempfile.TemporaryDirectory(prefix=".jianding-backup-", dir=output.parent) as tmp:
            database = Path(tmp) / DATABASE_MEMBER[vendor]
            if vendor == "sqlite":
                tables, migrations = _sqlite_copy(database)
            else:
                tables, migrations = _postgres_dump(database)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                files = {database.name: _tar_add(tar, database, database.name)}
                for path in _media_files(media_root, skip=output.parent):
                    name = MEDIA_PREFIX + path.relative_to(media_root).as_posix()
                    files[name] = _tar_add(tar, path, name)
                manifest = {
                    "format": FORMAT,
                    "created_at": created_at.isoformat(),
                    "database": {"vendor": vendor, "member": database.name},
                    "migrations": migrations,
                    "tables": tables,
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(data))
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def installation_not_empty() -> list[str]:
    """Return why this installation is not empty: users in the database, files under MEDIA_ROOT."""
    reasons = []
    user_model = get_user_model()
    if user_model._meta.db_table in connection.introspection.table_names():
        users = user_model._base_manager.count()
        if users:
            reasons.append(f"the database holds {users} users")
    files = sum(1 for _ in _media_files(Path(settings.MEDIA_ROOT)))
    if files:
        reasons.append(f"{settings.MEDIA_ROOT} holds {files} files")
    return reasons


def backup_restore(*, archive: Path, force: bool = False) -> RestoreReport:
    """Put the archive's database and files back, then verify them against its manifest.

    Refused, before anything is touched, when uploads are in an S3 bucket, the archive is
    damaged, comes from another database vendor, or (unless ``force``) the installation is
    not empty.
    """
    _require_media_on_disk()
    vendor = _vendor()
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            manifest, stray = _restore_from(tar, vendor=vendor, force=force)
    except (tarfile.TarError, EOFError, zlib.error) as e:
        raise BackupError(f"{archive} cannot be read as a backup archive: {e}") from e
    report = RestoreReport(manifest=manifest, stray_files=sorted(stray))
    report.mismatches = backup_verify(manifest)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    report.pending_migrations = [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
    return report


def _restore_from(tar: tarfile.TarFile, *, vendor: str, force: bool) -> tuple[dict, set[str]]:
    """Restore database and files from an open archive; return its manifest and the files it lacks."""
    media_root = Path(settings.MEDIA_ROOT)
    members = {member.name: member for member in tar.getmembers()}
    manifest = _manifest_read(tar, members)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The archive holds a {manifest['database']['vendor']} database; "
            f"this installation uses {vendor}. Restore it into a {manifest['database']['vendor']} installation."
        )
    if not force and (reasons := installation_not_empty()):
        raise BackupError(
            "Refusing to restore into an installation that is not empty ("
            + "; ".join(reasons)
            + "). Restore into a new installation, or pass --force to overwrite this one."
        )
    stray = set()
    if force:
        stray = {path.relative_to(media_root).as_posix() for path in _media_files(media_root)}
    with tempfile.TemporaryDirectory(prefix="jianding-restore-") as tmp:
        name = manifest["database"]["member"]
        database = Path(tmp) / name
        if _tar_extract(tar, members[name], database) != manifest["files"][name]:
            raise BackupError(f"{name} in the archive does not match its checksum: the archive is damaged.")
        # Django's connection must not hold the old database open while it is replaced.
        connection.close()
        if vendor == "sqlite":
            _sqlite_restore(database)
        else:
            _postgres_restore(database)
        connection.close()
    for name in manifest["files"]:
        if name.startswith(MEDIA_PREFIX):
            target = _media_path(media_root, name)
            _tar_extract(tar, members[name], target)
            stray.discard(target.relative_to(media_root).as_posix())
    return manifest, stray


def backup_verify(manifest: dict) -> list[str]:
    """Return every difference between this installation and the manifest (empty when they agree)."""
    mismatches = []
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        counted = _row_counts(cursor, [table for table in manifest["tables"] if table in present])
        migrations = _migration_state(cursor)
    for table, expected in manifest["tables"].items():
        if table not in counted:
            mismatches.append(f"table {table}: missing (expected {expected} rows)")
        elif counted[table] != expected:
            mismatches.append(f"table {table}: {counted[table]} rows (expected {expected})")
    for app_label in sorted(set(migrations) | set(manifest["migrations"])):
        if migrations.get(app_label) != manifest["migrations"].get(app_label):
            mismatches.append(
                f"migrations of {app_label}: {migrations.get(app_label)} "
                f"(expected {manifest['migrations'].get(app_label)})"
            )
    media_root = Path(settings.MEDIA_ROOT)
    for name, expected in manifest["files"].items():
        if not name.startswith(MEDIA_PREFIX):
            continue
        path = _media_path(media_root, name)
        if not path.is_file():
            mismatches.append(f"file {name}: missing")
        elif (actual := _file_digest(path)) != expected:
            mismatches.append(
                f"file {name}: {actual['size']} bytes, SHA-256 {actual['sha256']} "
                f"(expected {expected['size']} bytes, {expected['sha256']})"
            )
    return mismatches


# --- the database -----------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def _model_tables() -> list[str]:
    """Return the table of every model, historical and many-to-many tables included."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def _row_counts(cursor, tables) -> dict[str, int]:
    """Count the rows of each table through a DB-API cursor (Django's, or sqlite3's on a copy)."""
    counts = {}
    for table in tables:
        sql = f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}"  # noqa: S608 # nosec B608 # a quoted table name from the models' metadata
        cursor.execute(sql)
        counts[table] = cursor.fetchone()[0]
    return counts


def _migration_state(cursor) -> dict[str, str]:
    """Return the latest applied migration of each app."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY applied, id")
    return dict(cursor.fetchall())


def _missing_tables(present) -> list[str]:
    return [table for table in _model_tables() if table not in present]


def _sqlite_copy(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Copy the SQLite database with the online backup API; count rows and migrations in the copy."""
    source = Path(connection.settings_dict["NAME"])
    if str(source).startswith((":memory:", "file:")) or "mode=memory" in str(source):
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    if not source.is_file():
        raise BackupError(f"There is no database at {source}; run manage.py migrate first.")
    # A connection of our own: the backup reads a consistent state even while the portal writes.
    with closing(sqlite3.connect(source, timeout=20)) as live, closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        # One self-contained file in the archive, without a write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        if (check := copy.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
            raise BackupError(f"The copy of the database fails SQLite's integrity check: {check}")
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if missing := _missing_tables({row[0] for row in cursor.fetchall()}):
            raise BackupError(f"The database lacks {len(missing)} tables; run manage.py migrate first.")
        return _row_counts(cursor, _model_tables()), _migration_state(cursor)


def _sqlite_restore(source: Path) -> None:
    """Write the archived copy over the database file through the backup API (WAL and locks respected)."""
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as copy, closing(sqlite3.connect(target, timeout=20)) as live:
        copy.backup(live)


def _postgres_dump(target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Run pg_dump on a snapshot exported by our own transaction, and count rows in that same snapshot."""
    connection.ensure_connection()
    if missing := _missing_tables(set(connection.introspection.table_names())):
        raise BackupError(f"The database lacks {len(missing)} tables; run manage.py migrate first.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _pg_run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
        return _row_counts(cursor, _model_tables()), _migration_state(cursor)


def _postgres_restore(dump: Path) -> None:
    """Restore the dump with pg_restore, replacing the objects it holds, in one transaction."""
    _pg_run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
        str(dump),
    )


def _pg_program(name: str) -> str:
    """Find a PostgreSQL client program on PATH, else in the newest /usr/lib/postgresql/*/bin."""
    if found := shutil.which(name):
        return found

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in Path(path).parts[-3].split(".") if part.isdigit())

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version)
    if not candidates:
        raise BackupError(f"{name} was not found; install the PostgreSQL client programs.")
    return candidates[-1]


def _pg_run(program: str, *args: str) -> None:
    """Run a PostgreSQL client program with the connection settings in its environment.

    The password goes in PGPASSWORD, never on the command line where `ps` shows it.
    """
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    env["PGDATABASE"] = str(db["NAME"])
    options = db.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service"):
        if options.get(option):
            env[f"PG{option.upper()}"] = str(options[option])
    result = subprocess.run(  # noqa: S603 # nosec B603 # a PostgreSQL client program, arguments we build
        [_pg_program(program), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed (exit {result.returncode}):\n{result.stderr.strip()}")


# --- files ------------------------------------------------------------------


class _HashingReader:
    """A file wrapper that hashes what tarfile reads from it, so the checksum is of the bytes archived."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        return data


def _media_files(media_root: Path, skip: Path | None = None):
    """Yield every regular file under MEDIA_ROOT in a stable order (none when it does not exist)."""
    skip = skip.resolve() if skip else None
    for root, dirs, names in os.walk(media_root):
        if skip and Path(root).resolve() == skip:
            dirs[:] = []
            continue
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file():
                yield path


def _media_path(media_root: Path, name: str) -> Path:
    """Return where an archive member under media/ goes; refuse any name that would leave MEDIA_ROOT."""
    relative = PurePosixPath(name.removeprefix(MEDIA_PREFIX))
    if not relative.parts or relative.is_absolute() or ".." in relative.parts:
        raise BackupError(f"The archive holds an unsafe file name: {name}")
    return media_root.joinpath(*relative.parts)


def _file_digest(path: Path) -> dict:
    sha256 = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            sha256.update(chunk)
    return {"size": path.stat().st_size, "sha256": sha256.hexdigest()}


def _tar_add(tar: tarfile.TarFile, path: Path, name: str) -> dict:
    """Add a file to the archive; return the size and SHA-256 of the bytes written."""
    with path.open("rb") as file:
        info = tar.gettarinfo(arcname=name, fileobj=file)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = _HashingReader(file)
        tar.addfile(info, reader)
    return {"size": info.size, "sha256": reader.sha256.hexdigest()}


def _tar_extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> dict:
    """Write one archive member to ``target`` (through a temporary name); return its size and SHA-256."""
    if not member.isfile():
        raise BackupError(f"{member.name} in the archive is not a regular file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".restoring")
    sha256 = hashlib.sha256()
    size = 0
    source = tar.extractfile(member)
    with source, partial.open("wb") as file:
        while chunk := source.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
            file.write(chunk)
    if settings.FILE_UPLOAD_PERMISSIONS is not None:
        partial.chmod(settings.FILE_UPLOAD_PERMISSIONS)
    partial.replace(target)
    return {"size": size, "sha256": sha256.hexdigest()}


def _manifest_read(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict:
    """Read and check the manifest: known format, safe names, and every member it lists present."""
    if MANIFEST not in members:
        raise BackupError("The archive has no manifest.json: it was not written by manage.py backup.")
    try:
        manifest = json.load(tar.extractfile(members[MANIFEST]))
    except ValueError as e:
        raise BackupError(f"The archive's manifest.json cannot be read: {e}") from e
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"The archive has format {manifest.get('format')}; this version of the portal reads format {FORMAT}."
        )
    for name in manifest["files"]:
        if name.startswith(MEDIA_PREFIX):
            _media_path(Path(settings.MEDIA_ROOT), name)  # refuses a name that would leave MEDIA_ROOT
        elif name != manifest["database"]["member"]:
            raise BackupError(f"The archive lists an unexpected file: {name}")
    if manifest["database"]["member"] not in DATABASE_MEMBER.values():
        raise BackupError(f"The archive names an unexpected database file: {manifest['database']['member']}")
    missing = [name for name in manifest["files"] if name not in members]
    unlisted = [name for name in members if name != MANIFEST and name not in manifest["files"]]
    if missing or unlisted:
        raise BackupError(
            "The archive does not match its manifest:"
            + "".join(f"\n  - {name}: listed, not in the archive" for name in missing)
            + "".join(f"\n  - {name}: in the archive, not listed" for name in unlisted)
        )
    return manifest
