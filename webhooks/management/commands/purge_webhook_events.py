"""`manage.py purge_webhook_events`: what the hourly beat task does, now."""

from django.conf import settings
from django.core.management.base import BaseCommand

from webhooks import retention


class Command(BaseCommand):
    help = "Delete webhook events older than WEBHOOK_RETENTION_DAYS (in batches)."

    def handle(self, *args: object, **options: object) -> None:
        deleted = retention.purge()
        days = settings.WEBHOOK_RETENTION_DAYS
        self.stdout.write(f"Deleted {deleted} webhook event(s) older than {days} day(s).")
