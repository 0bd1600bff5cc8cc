"""Remove the uploaded documents of batches reported longer ago than DOCUMENT_RETENTION_YEARS.

Run it daily beside the backup (README, "Backup and restore"); ``--dry-run``
counts what it would remove.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from applicants.services.retention import documents_expire, retention_cutoff


class Command(BaseCommand):
    help = "Remove application documents past the retention period (the photos stay for the archive)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be removed, remove nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        expired = documents_expire(dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"Retention {settings.DOCUMENT_RETENTION_YEARS} years (batches reported on or before "
            f"{retention_cutoff():%Y-%m-%d}): {verb} {expired.documents} documents of "
            f"{expired.applications} applications, {expired.bytes / 1_000_000:.1f} MB."
        )
