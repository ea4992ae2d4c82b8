"""`manage.py export_report <board> [--date YYYY-MM-DD] [--by interval|agent]`: the board's
report.csv, on standard output."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boards.models import Board
from boards.reports import report
from service.reports import KINDS


class Command(BaseCommand):
    help = "Print a board's interval or agent report of one day as CSV (its report.csv)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("board", help="The board's slug, e.g. supervisor.")
        parser.add_argument(
            "--date", help="The day, YYYY-MM-DD, in the account's time zone (default today)."
        )
        parser.add_argument("--by", choices=KINDS, default="interval")

    def handle(self, *args: object, **options: object) -> None:
        board = Board.objects.select_related("account").filter(slug=options["board"]).first()
        if board is None:
            raise CommandError(f"no board {options['board']!r}")
        try:
            day = date.fromisoformat(options["date"]) if options["date"] else None  # type: ignore[arg-type]
        except ValueError as exc:
            raise CommandError("--date must be YYYY-MM-DD") from exc
        day = day or datetime.now(ZoneInfo(board.account.time_zone)).date()
        self.stdout.write(report(board, day, options["by"]), ending="")  # type: ignore[arg-type]
