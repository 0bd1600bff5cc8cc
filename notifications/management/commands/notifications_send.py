"""Send the deliveries that are due: retries, text messages held over the quiet hours, and those a dead worker left."""

from django.core.management.base import BaseCommand

from notifications.sending import deliveries_due, delivery_attempt


class Command(BaseCommand):
    help = "Try the e-mails and text messages whose next attempt is due; run every minute by a timer."

    def handle(self, *args, **options):
        due = deliveries_due()
        for delivery_id in due:
            delivery_attempt(delivery_id=delivery_id)
        self.stdout.write(f"{len(due)} deliveries tried")
