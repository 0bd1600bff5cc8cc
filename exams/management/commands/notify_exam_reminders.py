"""Remind the candidates of tomorrow's exams: when, where, their seat and what to bring.

Run it daily beside the other scheduled commands (README, "Backup and restore"); a second run, or
one after a missed day, reminds nobody twice.
"""

from django.core.management.base import BaseCommand

from exams.services import exam_reminders_send


class Command(BaseCommand):
    help = "Remind each candidate of his exam the day before (once per session); safe to run again."

    def handle(self, *args, **options):
        reminded = exam_reminders_send()
        self.stdout.write(f"Reminded {reminded} candidates of their exams.")
