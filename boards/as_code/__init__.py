"""Boards as code: boards, their thresholds, alert rules, screens' playlists and
supervisors as a versioned YAML document (docs/boards-as-code.md).

`export_boards()` writes it; `import_boards()` reads one, checks all of it first and
writes in one transaction only when nothing is wrong, creating or updating boards by slug
and touching only what differs, so importing the same file again changes nothing. Used by
`manage.py export_boards` / `import_boards`, the Board admin's action and import page, and
seed_demo (demo/boards.yaml). Never a key, a token, its hash or another secret.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction

from boards.as_code import applying, checking, reading
from boards.as_code.document import SCHEMA_VERSION, Error
from boards.as_code.export import boards_to_export, dump

__all__ = ["SCHEMA_VERSION", "BoardOutcome", "ImportResult", "export_boards", "import_boards"]


def export_boards(slugs: Iterable[str] | None = None) -> str:
    """The YAML of the boards with these slugs (default: every board), by slug."""
    return dump(boards_to_export(slugs))


@dataclass(frozen=True)
class BoardOutcome:
    slug: str
    status: str  # created, updated or unchanged
    changed: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def line(self) -> str:
        detail = f" ({', '.join(self.changed)})" if self.status == "updated" else ""
        return f"{self.slug}: {self.status}{detail}"


@dataclass
class ImportResult:
    filename: str
    dry_run: bool
    errors: list[Error] = field(default_factory=list)
    boards: list[BoardOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def error_lines(self) -> list[str]:
        return [error.line(self.filename) for error in self.errors]


def import_boards(text: str | bytes, filename: str, *, dry_run: bool = False) -> ImportResult:
    """Check the whole document, then create or update its boards in one transaction,
    rolled back on any error and for a dry run (the outcome is then what it would be)."""
    result = ImportResult(filename=filename, dry_run=dry_run)
    data = reading.read(text, result.errors)
    if result.errors:
        return result
    plans, refs = checking.check(data, result.errors)
    if result.errors:
        return result
    with transaction.atomic():
        outcomes = applying.apply(plans, refs, result.errors)
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.ok:
        result.boards = [_outcome(*outcome) for outcome in outcomes]
    return result


def _outcome(plan: checking.Plan, changed: list[str], notes: list[str]) -> BoardOutcome:
    if plan.current is None:
        return BoardOutcome(plan.slug, "created", notes=tuple(notes))
    status = "updated" if changed else "unchanged"
    return BoardOutcome(plan.slug, status, tuple(changed), tuple(notes))
