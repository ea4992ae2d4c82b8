"""`manage.py today_counts <account_id>`: the counts a board shows, as JSON (or null)."""

import time

from django.core.management.base import BaseCommand, CommandParser

from webhooks.today import today_counts


class Command(BaseCommand):
    help = "Print today's counts of a Voice360 account from its stored webhook events."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("account_id", type=int, help="The Voice360 account id, e.g. 61.")

    def handle(self, *args: object, **options: object) -> None:
        counts = today_counts(options["account_id"], time.time())  # type: ignore[arg-type]
        self.stdout.write("null" if counts is None else counts.model_dump_json(indent=2))
