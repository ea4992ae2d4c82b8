"""`manage.py export_boards [--board SLUG ...] [--output FILE]`: boards as YAML
(docs/boards-as-code.md), on standard output or into FILE. No keys, tokens or secrets."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boards.as_code import export_boards
from boards.models import Board


class Command(BaseCommand):
    help = "Write boards, thresholds, alert rules, screens' playlists and supervisors as YAML."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--board",
            action="append",
            dest="slugs",
            metavar="SLUG",
            help="Only this board (repeat for several; default: every board).",
        )
        parser.add_argument("--output", metavar="FILE", help="Write to FILE, not stdout.")

    def handle(self, *args: object, **options: object) -> None:
        slugs = options["slugs"]
        if slugs:
            found = set(Board.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            if missing := [slug for slug in slugs if slug not in found]:
                raise CommandError(f"no board {', '.join(map(repr, missing))}")
        text = export_boards(slugs)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
