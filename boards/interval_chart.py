"""Today's 15-minute intervals of a board's queues as a small chart for its supervisors: the
calls offered (bars) and the service level (a line) per interval, against the same weekday
last week (outlined bars, a dashed line) where the history has it. From the interval history
(service/intervals.py), which a task builds after each quarter hour; nothing is worked out
here but the drawing. Its words are in the language active when it is drawn: the board's
(boards/reports.py).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from boards.models import Board
from service.figures import service_level
from service.intervals import bucket_of
from service.models import QueueInterval, targets_of
from service.samples import INTERVAL_SECONDS
from service.tally import DEFAULT_TARGET, Bucket, day_bounds

WIDTH, HEIGHT = 960, 200  # the SVG's own units; CSS scales it to the page
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 12, 176, 36, 924
HOUR = 3600


@dataclass(frozen=True)
class Interval:
    """One interval of one day: its offset in the local day, offered calls, service level."""

    offset: float  # seconds since the local day's start
    offered: int
    percent: float | None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class IntervalChart:
    day: date
    last_week: date
    bars: tuple[Bar, ...]
    last_week_bars: tuple[Bar, ...]
    line: str  # SVG points of today's service level
    last_week_line: str
    target_y: float | None
    target_percent: float | None
    ticks: tuple[Tick, ...]
    peak_offered: int
    summary: str  # what the chart says, for screen readers

    # The drawing's frame, for the template.
    width = WIDTH
    height = HEIGHT
    top, bottom, left, right = PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT

    @property
    def empty(self) -> bool:
        return not self.bars and not self.last_week_bars


def _day_intervals(board: Board, day: date, zone: ZoneInfo) -> dict[float, Interval]:
    start, end = day_bounds(day.isoformat(), zone)
    found = QueueInterval.objects.filter(
        account=board.account,
        start__gte=datetime.fromtimestamp(start, UTC),
        start__lt=datetime.fromtimestamp(end, UTC),
    )
    if board.queue_ids:
        found = found.filter(queue_id__in=board.queue_ids)
    sums: dict[float, Bucket] = {}
    for row in found:
        sums.setdefault(row.start.timestamp() - start, Bucket()).add(bucket_of(row))
    # Each queue's calls were judged by its own target when counted: the sum's offered and
    # percent do not depend on the target passed here.
    levels = {at: service_level(bucket, DEFAULT_TARGET, "15m") for at, bucket in sums.items()}
    return {
        at: Interval(at, level.offered, level.percent)
        for at, level in levels.items()
        if level.offered or level.answered
    }


def _x(offset: float, first: float, span: float) -> float:
    return PLOT_LEFT + (offset - first) / span * (PLOT_RIGHT - PLOT_LEFT)


def _y_percent(percent: float) -> float:
    return PLOT_BOTTOM - percent / 100 * (PLOT_BOTTOM - PLOT_TOP)


def _clock(offset: float) -> str:
    minutes = int(offset // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _title(interval: Interval, today: bool) -> str:
    values = {"time": _clock(interval.offset), "offered": interval.offered}
    if interval.percent is None:
        text = (
            _("Today %(time)s: %(offered)s offered, no service level")
            if today
            else _("Last week %(time)s: %(offered)s offered, no service level")
        )
        return text % values
    values["percent"] = f"{interval.percent:.0f}"
    text = (
        _("Today %(time)s: %(offered)s offered, %(percent)s %% in time")
        if today
        else _("Last week %(time)s: %(offered)s offered, %(percent)s %% in time")
    )
    return text % values


def _shared_target(board: Board) -> float | None:
    """The target line, where every queue of the board has the same target."""
    targets = targets_of(board.account_id)
    queue_ids = board.queue_ids or list(targets) or [None]
    found = {targets.get(q, DEFAULT_TARGET).target_percent for q in queue_ids}
    return found.pop() if len(found) == 1 else None


def interval_chart(board: Board, now: float) -> IntervalChart:
    zone = ZoneInfo(board.account.time_zone)
    day = datetime.fromtimestamp(now, zone).date()
    last_week = day - timedelta(days=7)
    today = _day_intervals(board, day, zone)
    before = _day_intervals(board, last_week, zone)
    offsets = [*today, *before]
    # Whole hours around the intervals either day had; at least up to now.
    elapsed = now - day_bounds(day.isoformat(), zone)[0]
    first = min(offsets, default=elapsed) // HOUR * HOUR
    last = max([*offsets, elapsed]) // HOUR * HOUR + HOUR
    span = max(last - first, HOUR)
    peak = max([i.offered for i in [*today.values(), *before.values()]], default=0)
    scale = (PLOT_BOTTOM - PLOT_TOP) / max(peak, 1)
    slot = INTERVAL_SECONDS / span * (PLOT_RIGHT - PLOT_LEFT)

    def bars(intervals: dict[float, Interval], today: bool) -> tuple[Bar, ...]:
        return tuple(
            Bar(
                x=round(_x(i.offset, first, span) + slot * 0.12, 1),
                y=round(PLOT_BOTTOM - i.offered * scale, 1),
                width=round(slot * 0.76, 1),
                height=round(i.offered * scale, 1),
                title=_title(i, today),
            )
            for i in sorted(intervals.values(), key=lambda i: i.offset)
        )

    def line(intervals: dict[float, Interval]) -> str:
        return " ".join(
            f"{_x(i.offset, first, span) + slot / 2:.1f},{_y_percent(i.percent):.1f}"
            for i in sorted(intervals.values(), key=lambda i: i.offset)
            if i.percent is not None
        )

    step = HOUR if span <= 12 * HOUR else 2 * HOUR
    ticks = tuple(
        Tick(round(_x(t, first, span), 1), _clock(t))
        for t in range(int(first), int(last) + 1, step)
    )
    target = _shared_target(board)
    offered_today = sum(i.offered for i in today.values())
    offered_before = sum(i.offered for i in before.values())
    values = {"intervals": len(today), "offered": offered_today, "before": offered_before}
    summary = (
        _(
            "%(intervals)s intervals today with %(offered)s calls offered; %(before)s offered by "
            "the same weekday last week."
        )
        if before
        else _(
            "%(intervals)s intervals today with %(offered)s calls offered; no history for the "
            "same weekday last week."
        )
    ) % values
    return IntervalChart(
        day=day,
        last_week=last_week,
        bars=bars(today, True),
        last_week_bars=bars(before, False),
        line=line(today),
        last_week_line=line(before),
        target_y=None if target is None else round(_y_percent(target), 1),
        target_percent=target,
        ticks=ticks,
        peak_offered=peak,
        summary=summary,
    )
