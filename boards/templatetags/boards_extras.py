from bisect import bisect_left
from datetime import UTC, datetime

from django import template

from boards.presenters import STATUS_ORDER, BoardSettings

register = template.Library()

# The TV grids are fitted to the screen by CSS alone (static/boards/board.css, "Fitting"):
# the body says how many tiles or cards a grid holds, rounded up to one of these buckets,
# and the stylesheet picks the columns for that bucket and the space's aspect ratio.
FIT_BUCKETS = {
    "agents": (
        1,
        2,
        3,
        4,
        6,
        8,
        12,
        16,
        20,
        24,
        30,
        36,
        42,
        48,
        56,
        64,
        80,
        100,
        120,
        150,
        200,
        250,
        300,
    ),
    "queues": (1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 30),
}
# Up to ROOMY agents, a TV card has two lines (name, then the state word); beyond, one line
# with a short word; beyond PACKED, tighter gaps too.
ROOMY = 24
PACKED = 100


@register.filter
def epoch_time(value: float | None) -> str:
    """A Unix time as HH:MM:SS UTC; the page shows it in the viewer's own time zone."""
    if value is None:
        return ""
    return datetime.fromtimestamp(float(value), UTC).strftime("%H:%M:%S UTC")


@register.filter
def status_order(status: str) -> int:
    return STATUS_ORDER.get(status, 9)


@register.filter
def fit_bucket(count: int, kind: str) -> int:
    """The smallest bucket that holds `count` items (the largest for more than any holds)."""
    buckets = FIT_BUCKETS[kind]
    return buckets[min(bisect_left(buckets, max(count, 1)), len(buckets) - 1)]


@register.filter
def density(count: int) -> str:
    if count <= ROOMY:
        return "roomy"
    return "dense" if count <= PACKED else "packed"


@register.filter
def warning_level(board: BoardSettings, queue_id: int) -> int:
    return board.warning_levels.get(queue_id, board.warning_at_or_below)
