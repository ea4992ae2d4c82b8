"""`manage.py today_counts <account_id>`: the counts and service figures a board shows, as
JSON (or null), rebuilt from the stored events."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import Voice360Account
from service import today


class Command(BaseCommand):
    help = "Print today's calls and service figures of a Voice360 account, from its webhook events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("account_id", type=int, help="The Voice360 account id, e.g. 61.")

    def handle(self, *args: object, **options: object) -> None:
        account_id: int = options["account_id"]  # type: ignore[assignment]
        if not Voice360Account.objects.filter(account_id=account_id).exists():
            raise CommandError(f"no Voice360 account {account_id} is configured")
        counts = today.today_counts(account_id, time.time())
        self.stdout.write("null" if counts is None else counts.model_dump_json(indent=2))
