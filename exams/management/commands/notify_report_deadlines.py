"""Warn the staff of each batch whose report to the city center is due within three working days.

Run it daily beside the other scheduled commands (README, "Backup and restore"); each deadline
is announced once, however often it runs.
"""

from django.core.management.base import BaseCommand

from exams.services import report_deadlines_warn


class Command(BaseCommand):
    help = "Warn the director, clerks and exam staff of report deadlines three working days away or nearer."

    def handle(self, *args, **options):
        warned = report_deadlines_warn()
        self.stdout.write(f"Warned of the report deadline of {warned} batches.")
