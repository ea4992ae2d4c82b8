"""The keys of a boards file, version 1 (docs/boards-as-code.md lists them for people).

A board's settings are its model's fields under the same names; its thresholds, alert
rules and screens are lists of records. Adding a board setting is one Key here (a test
fails while a Board field is neither here nor deliberately left out).
"""

from boards.as_code.document import (
    Key,
    boolean,
    field_default,
    integer,
    list_of,
    mapping,
    optional,
    record,
    string,
    time,
)

BOARD, RULE = "boards.Board", "alerts.AlertRule"
TOKEN, ENTRY = "boards.KioskToken", "boards.PlaylistEntry"
TILE = "boards.BoardTile"


def _field(model: str, name: str, check) -> Key:
    return Key(name, check, field_default(model, name))


# The Board fields a file sets directly, in the order the export writes them.
BOARD_FIELDS = (
    _field(BOARD, "queue_ids", list_of(integer)),
    _field(BOARD, "agent_scope", string),
    _field(BOARD, "warning_at_or_below", integer),
    _field(BOARD, "service_window_minutes", integer),
    _field(BOARD, "leaderboard_size", integer),
    _field(BOARD, "tv_shows_forecast", boolean),
    _field(BOARD, "is_public", boolean),
    _field(BOARD, "public_shows_today", boolean),
    _field(BOARD, "public_shows_service_level", boolean),
    _field(BOARD, "public_shows_forecast", boolean),
    _field(BOARD, "public_shows_messages", boolean),
    _field(BOARD, "opens_at", optional(time)),
    _field(BOARD, "closes_at", optional(time)),
    _field(BOARD, "business_days", list_of(integer)),
    _field(BOARD, "night_mode", boolean),
    _field(BOARD, "daily_reload_hour", integer),
    _field(BOARD, "dim_unchanged_after_minutes", integer),
    _field(BOARD, "theme", string),
    _field(BOARD, "accent_color", string),
    _field(BOARD, "language", string),
    _field(BOARD, "clock_hours", integer),
)
TIME_FIELDS = {"opens_at", "closes_at", "quiet_hours_start", "quiet_hours_end"}
# Board fields no file carries: the database's own bookkeeping.
# The logo's digest follows from the logo (boards/as_code/logo.py).
NOT_IN_FILES = {"id", "created_at", "updated_at", "logo_digest"}

THRESHOLD_KEYS = (
    Key("queue_id", integer),
    Key("warning_at_or_below", integer),
)
RULE_FIELDS = (
    Key("kind", string),
    _field(RULE, "label", string),
    _field(RULE, "queue_id", optional(integer)),
    _field(RULE, "threshold", optional(integer)),
    _field(RULE, "enabled", boolean),
    _field(RULE, "sound", boolean),
    _field(RULE, "cooldown_seconds", integer),
    _field(RULE, "quiet_hours_start", optional(time)),
    _field(RULE, "quiet_hours_end", optional(time)),
)
PLAYLIST_KEYS = (
    Key("board", string),
    _field(ENTRY, "seconds", integer),
)
SCREEN_KEYS = (
    Key("name", string),
    _field(TOKEN, "sound_enabled", boolean),
    Key("playlist", list_of(record(PLAYLIST_KEYS)), list),
)
# A tile's options are checked by the layout's rules (boards/as_code/tiles.py).
TILE_KEYS = (
    Key("kind", string),
    _field(TILE, "width", integer),
    Key("options", mapping, dict),
)
BOARD_KEYS = (
    Key("slug", string),
    Key("title", string),
    Key("account", integer),
    *BOARD_FIELDS[:3],
    Key("thresholds", list_of(record(THRESHOLD_KEYS)), list),
    *BOARD_FIELDS[3:],
    Key("tiles", list_of(record(TILE_KEYS)), list),
    Key("supervisors", list_of(string), list),
    Key("alert_rules", list_of(record(RULE_FIELDS)), list),
    Key("screens", list_of(record(SCREEN_KEYS)), list),
    Key("logo", optional(string), None),  # last: a long block of base64
)
check_board = record(BOARD_KEYS)


def raw_list(value: object, path: str, errors: list) -> object:
    """The boards list, its items checked one by one (a bad board spoils only itself)."""
    return list_of(lambda item, _path, _errors: item)(value, path, errors)


DOCUMENT_KEYS = (
    Key("version", integer),
    Key("boards", raw_list, list),
)
check_document = record(DOCUMENT_KEYS)
