"""`manage.py import_boards FILE [--dry-run]`: create or update boards by slug from a YAML
file (docs/boards-as-code.md). Every error is one line, `FILE: path.in.document: what is
wrong`, and any error means nothing is written."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from boards.as_code import import_boards


class Command(BaseCommand):
    help = "Create or update boards by slug from a boards YAML file; refuse it whole if wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="The YAML file; - reads stdin.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would change; write nothing.",
        )

    def handle(self, *args: object, **options: object) -> None:
        name = options["file"]
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(f"{name}: cannot read it: {exc.strerror}") from exc
        result = import_boards(data, name, dry_run=options["dry_run"])
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            count = len(result.errors)
            raise CommandError(f"{count} error{'s' if count > 1 else ''}: nothing was imported.")
        for board in result.boards:
            self.stdout.write(board.line())
            for note in board.notes:
                self.stdout.write(f"  {note}")
        if result.dry_run:
            self.stdout.write("Dry run: nothing was written.")
