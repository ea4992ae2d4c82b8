"""Boards as a YAML document, and each part in the one canonical form the import compares
with: lists sorted, times as "HH:MM", the account by its Voice360 id, users by username.

Never in it: API keys, kiosk tokens or their hashes, webhook tokens or URLs (all secrets).
"""

import datetime as dt
import json
from collections.abc import Iterable

import yaml
from django.db.models import Prefetch, QuerySet

from boards.as_code.document import SCHEMA_VERSION, format_time
from boards.as_code.logo import LogoText, logo_text, stored_png
from boards.as_code.schema import BOARD_FIELDS, BOARD_KEYS, RULE_FIELDS, THRESHOLD_KEYS
from boards.as_code.tiles import canonical_tiles, tile_document
from boards.models import Board, KioskToken

STR_TAG = "tag:yaml.org,2002:str"
HEADER = "# Wallboard boards as code: docs/boards-as-code.md (no keys, tokens or secrets)\n"


def boards_to_export(slugs: Iterable[str] | None = None) -> QuerySet[Board]:
    # defer(None): the logo too, which the manager leaves out of every other read.
    boards = Board.objects.select_related("account").defer(None).order_by("slug")
    if slugs is not None:
        boards = boards.filter(slug__in=list(slugs))
    screens = KioskToken.objects.active().prefetch_related("playlist__board")
    return boards.prefetch_related(
        "supervisors",
        "thresholds",
        "tiles",
        "alert_rules",
        Prefetch("kiosk_tokens", queryset=screens, to_attr="active_screens"),
    )


def dump(boards: Iterable[Board]) -> str:
    document = {"version": SCHEMA_VERSION, "boards": [board_document(b) for b in boards]}
    return HEADER + yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    LogoText, lambda dumper, text: dumper.represent_scalar(STR_TAG, str(text), style="|")
)


def board_document(board: Board) -> dict[str, object]:
    values = {
        "slug": board.slug,
        "title": board.title,
        "account": board.account.account_id,
        **{key.name: _plain(getattr(board, key.name)) for key in BOARD_FIELDS},
        "supervisors": sorted(user.get_username() for user in board.supervisors.all()),
        "thresholds": sort_thresholds(records(board.thresholds.all(), THRESHOLD_KEYS)),
        "tiles": [tile_document(tile) for tile in board.tiles.all()],
        "alert_rules": sort_rules(records(board.alert_rules.all(), RULE_FIELDS)),
        "screens": sort_screens(screen_document(s) for s in _screens(board)),
        "logo": logo_text(stored_png(board)),
    }
    return {key.name: values[key.name] for key in BOARD_KEYS}


def screen_document(token: KioskToken) -> dict[str, object]:
    entries = sorted(token.playlist.all(), key=lambda e: (e.position, e.pk))
    return {
        "name": token.name,
        "sound_enabled": token.sound_enabled,
        "playlist": [{"board": e.board.slug, "seconds": e.seconds} for e in entries],
    }


def canonical(board: dict[str, object]) -> dict[str, object]:
    """A checked board record in the export's order of its lists (tiles keep the file's)."""
    return {
        **board,
        "tiles": canonical_tiles(board["tiles"]),
        "supervisors": sorted(board["supervisors"]),
        "thresholds": sort_thresholds(board["thresholds"]),
        "alert_rules": sort_rules(board["alert_rules"]),
        "screens": sort_screens(board["screens"]),
    }


def sort_thresholds(items: Iterable[dict]) -> list[dict]:
    return sorted(items, key=lambda item: item["queue_id"])


def sort_rules(items: Iterable[dict]) -> list[dict]:
    # Every queue first, then by queue and kind; the whole rule breaks ties.
    def key(rule: dict) -> tuple:
        queue = rule["queue_id"]
        return (queue is not None, queue or 0, rule["kind"], json.dumps(rule, sort_keys=True))

    return sorted(items, key=key)


def sort_screens(items: Iterable[dict]) -> list[dict]:
    return sorted(items, key=lambda screen: (screen["name"], json.dumps(screen, sort_keys=True)))


def _screens(board: Board) -> list[KioskToken]:
    if hasattr(board, "active_screens"):
        return board.active_screens
    return list(board.kiosk_tokens.active().prefetch_related("playlist__board"))


def records(objects: Iterable[object], keys) -> list[dict]:
    return [{key.name: _plain(getattr(obj, key.name)) for key in keys} for obj in objects]


def _plain(value: object) -> object:
    if isinstance(value, dt.time):
        return format_time(value)
    return list(value) if isinstance(value, tuple) else value
