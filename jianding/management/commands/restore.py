"""Restore an archive written by ``manage.py backup``, then verify every count and checksum.

Only into an empty installation (no user, no uploaded file) unless ``--force``.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jianding.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty installation (or any, with --force) "
        "and verify it against the archive's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="an archive written by manage.py backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="overwrite an installation that already holds users or uploaded files",
        )

    def handle(self, *args, archive, force, **options):
        started = time.monotonic()
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist.")
        try:
            report = backup_restore(archive=archive, force=force)
        except BackupError as e:
            raise CommandError(str(e)) from e
        manifest = report.manifest
        for name in report.stray_files:
            self.stderr.write(f"Left in place, not in the archive: {name}")
        if report.mismatches:
            raise CommandError(
                f"Restored {archive}, but {len(report.mismatches)} checks against its manifest failed:\n"
                + "\n".join(f"  - {mismatch}" for mismatch in report.mismatches)
            )
        files = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"Restored {archive} (written {manifest['created_at']}) in {time.monotonic() - started:.1f} s; "
            f"verified {len(manifest['tables'])} tables, {sum(manifest['tables'].values())} rows "
            f"and {files} files."
        )
        if report.pending_migrations:
            self.stdout.write(
                f"This code has {len(report.pending_migrations)} migrations the archive's database lacks: "
                "run manage.py migrate."
            )
