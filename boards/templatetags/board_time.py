"""Times of day as a board shows them: in the account's time zone, on the board's clock.

One rule for every time the server prints on a board page (alert history, messages to the
floor, "last success"): `{% board_time value clock %}` writes it in `clock.time_zone` with
`clock.clock_hours` (12 or 24). `clock` is the board's BoardSettings where the worker renders
(a fragment is rendered once per board, for every viewer: never the request's zone) or a
BoardClock where a view has the Board. What the page itself ticks (the clock in the header
and the "last success" it follows between renders) static/boards/clock.js writes, in the
same zone and hours.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import template
from django.utils import dateformat

register = template.Library()

# Django date formats (translated month names and AM/PM), by what is shown and the clock.
FORMATS = {
    ("datetime", 24): "j M H:i",
    ("datetime", 12): "j M g:i A",
    ("time", 24): "H:i",
    ("time", 12): "g:i A",
    ("seconds", 24): "H:i:s",
    ("seconds", 12): "g:i:s A",
}
SHOWN = tuple(dict.fromkeys(shown for shown, _ in FORMATS))


class Clock(Protocol):
    time_zone: str
    clock_hours: int


@dataclass(frozen=True)
class BoardClock:
    """A board's zone and clock where a view holds the Board (the model), not its settings."""

    time_zone: str
    clock_hours: int = 24

    @classmethod
    def of(cls, board) -> "BoardClock":
        return cls(board.account.time_zone, board.clock_hours)


@cache
def zone_of(name: str) -> tzinfo:
    """The zone by its IANA name; UTC for a name this server does not know (accounts are
    validated on save, but a zone can leave the tz database), rather than a failed render."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def instant(value: datetime | float | int | Decimal | str) -> datetime:
    """An aware datetime from a Unix time (seconds) or a datetime (naive ones are UTC)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float, Decimal, str)):
        return datetime.fromtimestamp(float(value), UTC)
    raise TypeError(f"board_time: a Unix time or a datetime, not {type(value).__name__}")


def format_board_time(value, clock: Clock, shown: str = "datetime") -> str:
    """`value` as `shown` ("datetime": 3 Dec 14:05, "time": 14:05, "seconds": 14:05:09) in
    the clock's zone and hours; "" for None (a time that has not happened)."""
    if shown not in SHOWN:
        raise ValueError(f"board_time: shown is one of {', '.join(SHOWN)}, not {shown!r}")
    if value is None or value == "":
        return ""
    hours = 12 if clock.clock_hours == 12 else 24
    local = instant(value).astimezone(zone_of(clock.time_zone))
    return dateformat.format(local, FORMATS[shown, hours])


@register.simple_tag
def board_time(value, clock: Clock, shown: str = "datetime") -> str:
    """`{% board_time row.fired_at view.board %}`, `{% board_time at clock "time" %}`."""
    return format_board_time(value, clock, shown)


@register.filter
def iso_utc(value) -> str:
    """The machine-readable instant for a <time datetime="...">: 2026-12-03T09:05:00Z."""
    if value is None or value == "":
        return ""
    return instant(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
