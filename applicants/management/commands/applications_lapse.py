"""Lapse the returned applications that were not resubmitted before their batch's registration closed.

Run it nightly beside the other scheduled commands (README, "Backup and restore");
closing a batch's registration and publishing its tickets lapse them too.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from applicants.services import applications_lapse


class Command(BaseCommand):
    help = "Lapse returned applications not resubmitted before registration closed; the applicant sees why."

    def handle(self, *args, **options):
        # The reason is stored as the applicant reads it, in the portal's language.
        with translation.override(settings.LANGUAGE_CODE):
            lapsed = applications_lapse()
        self.stdout.write(f"Lapsed {lapsed} returned applications whose registration has closed.")
