"""Write one archive with the database, the uploaded files and a manifest of counts and checksums.

Run it from cron or a systemd timer (the README shows both); restore with
``manage.py restore``.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jianding.backups import BackupError, backup_create, backup_default_path


def size_text(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


class Command(BaseCommand):
    help = "Write one archive (.tar.gz) with the database, the uploaded files and a manifest to verify them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="the archive to write (default: VAR_DIR/backups/jianding-YYYYMMDD-HHMMSS.tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        started = time.monotonic()
        output = output or backup_default_path()
        try:
            manifest = backup_create(output=output)
        except BackupError as e:
            raise CommandError(str(e)) from e
        media = [meta for name, meta in manifest["files"].items() if name.startswith("media/")]
        self.stdout.write(str(output))
        self.stdout.write(
            f"  archive: {size_text(output.stat().st_size)}, written in {time.monotonic() - started:.1f} s\n"
            f"  database: {manifest['database']['vendor']}, {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows\n"
            f"  files: {len(media)} uploaded files, {size_text(sum(meta['size'] for meta in media))}"
        )
