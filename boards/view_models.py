"""Plain view objects the template partials render: a board as one audience sees it.

boards/presenters.py builds them from a stored snapshot; nothing here queries or filters.
Today's counts are the snapshot's own `QueueToday` (counts only: no names, no numbers).
"""

from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext, ngettext, pgettext

from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.language import DIRECTION_LABELS, STATUS_LABELS, STATUS_SHORT
from service.erlang import Forecast
from snapshots.models import WINDOWS, AgentStatus, AgentToday, QueueToday, ServiceLevel

Level = Literal["ok", "warning", "alert"]

STATUS_ORDER: dict[AgentStatus, int] = {"on_call": 0, "available": 1, "online": 2, "offline": 3}


@dataclass(frozen=True)
class CallView:
    direction: str
    peer: str  # already masked or blank for the audience
    started_at: float

    @property
    def direction_label(self) -> str:
        return str(DIRECTION_LABELS.get(self.direction, self.direction.title()))


@dataclass(frozen=True)
class AgentView:
    id: int
    name: str
    extension: str
    status: AgentStatus
    calls: tuple[CallView, ...]
    today: AgentToday | None = None  # None: no webhook counts (or not for this audience)
    state_since: float | None = None  # since when in this status (None: not known yet)

    @property
    def status_label(self) -> str:
        if self.status == "on_call" and self.calls:
            # Translators: an agent on a call, and the call's direction ("In" or "Out").
            return gettext("On call · %(direction)s") % {"direction": self.calls[0].direction_label}
        return str(STATUS_LABELS[self.status])

    @property
    def status_short(self) -> str:
        """One short word for dense TV cards, where the icon and colour carry the rest."""
        if self.status == "on_call" and self.calls:
            return self.calls[0].direction_label
        return str(STATUS_SHORT[self.status])

    @property
    def status_order(self) -> int:
        return STATUS_ORDER[self.status]

    @property
    def direction(self) -> str:
        return self.calls[0].direction if self.calls else ""

    @property
    def call_started_at(self) -> float | None:
        return min(c.started_at for c in self.calls) if self.calls else None


@dataclass(frozen=True)
class Sparkline:
    """An inline-SVG polyline of one series; y grows downwards, so values are flipped."""

    points: str
    width: int
    height: int
    peak: int


@dataclass(frozen=True)
class AlertView:
    """An alert rule breached on a queue (alerts/engine.py), as a tile shows it."""

    id: int
    message: str
    since: float
    acknowledged: bool
    sound: bool


@dataclass(frozen=True)
class AlertHistoryRow:
    """One alert of the board's recent history (supervisor and admin pages)."""

    id: int
    message: str
    fired_at: float
    cleared_at: float | None
    acknowledged_at: float | None
    acknowledged_by: str | None

    @property
    def duration_seconds(self) -> int | None:
        """How long it lasted; None while it is still on (the page ticks that one)."""
        return None if self.cleared_at is None else round(self.cleared_at - self.fired_at)


@dataclass(frozen=True)
class MessageView:
    """A message to the floor as the banner shows it (boards/messages.py): no author."""

    id: int
    text: str
    posted_at: float
    expires_at: float | None  # None: until withdrawn

    def is_active_at(self, now: float) -> bool:
        return self.expires_at is None or self.expires_at > now


@dataclass(frozen=True)
class OnScreen:
    """A board's active messages as read at `as_of`, and whether its public page shows them."""

    messages: tuple[MessageView, ...] = ()
    public: bool = False
    as_of: float = 0.0


@dataclass(frozen=True)
class Waiting:
    """Calls waiting in a queue now."""

    count: int | None  # None: unknown (public data without webhooks)
    estimated: bool  # from the poll (no webhooks): shown as an estimate
    since: float | None  # the longest current wait's start (from the events only)


NOT_KNOWN = Waiting(None, True, None)


@dataclass(frozen=True)
class LeaderRow:
    rank: int
    name: str
    answered: int
    talk_seconds: int
    aht_seconds: float | None


def service_state(level: ServiceLevel | None) -> Literal["met", "below", "none", "mixed"]:
    """Against the target: "met", "below", "none" while no call was offered, "mixed" for
    queues together whose targets differ (each queue says it on its own tile)."""
    if level is None or level.percent is None:
        return "none"
    if level.meets_target is None:
        return "mixed"
    return "met" if level.meets_target else "below"


class _AgainstTarget:
    """`service` (today) and `recent` (the board's window) against their target: what the
    tiles say of them in words and colour (met, below, none, mixed)."""

    @property
    def service_state(self) -> str:
        return service_state(self.service)  # type: ignore[attr-defined]

    @property
    def recent_state(self) -> str:
        return service_state(self.recent)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class QueueView(_AgainstTarget):
    id: int
    name: str
    extension: str
    is_ready: bool
    agents_online: int
    agents_available: int
    agents_on_call: int
    active_calls: int | None
    level: Level
    level_label: str  # lazy (boards/presenters.py): in the language of the render
    warning_at_or_below: int
    config: dict[str, object] | None = None
    members: tuple[str, ...] | None = None
    member_ids: tuple[int, ...] = ()  # agents' ids, for an agent grid of its members
    sparkline: Sparkline | None = None
    today: QueueToday | None = None
    alerts: tuple[AlertView, ...] = ()  # unacknowledged first; always empty for the public
    waiting: Waiting = NOT_KNOWN
    estimated_wait_seconds: int | None = None
    # Service level today and in the board's rolling window; None where not shown.
    service: ServiceLevel | None = None
    recent: ServiceLevel | None = None
    windows: tuple[ServiceLevel, ...] = ()  # every rolling window (supervisor and admin)
    forecast: Forecast | None = None  # staffing, where the board shows it

    @property
    def all_windows(self) -> tuple[ServiceLevel, ...]:
        """The rolling windows a tile may show: every one where known, else the board's."""
        return self.windows or ((self.recent,) if self.recent else ())

    @property
    def service_columns(self) -> tuple[ServiceLevel, ...]:
        """Today, then each rolling window: the supervisor's table."""
        return (self.service, *self.windows) if self.service else ()

    @property
    def alert_state(self) -> Literal["", "active", "acknowledged"]:
        """ "active" while any alert is unacknowledged (the tile flashes), "acknowledged"
        when every alert is (a steady highlight), "" without alerts."""
        if not self.alerts:
            return ""
        return "active" if any(not a.acknowledged for a in self.alerts) else "acknowledged"

    @property
    def alert_sound(self) -> bool:
        return any(a.sound for a in self.alerts)

    @property
    def open_label(self) -> str:
        """What a public visitor is told first: whether the queue takes calls."""
        if self.is_ready:
            return pgettext("queue status", "Open")
        return pgettext("queue status", "Closed")

    @property
    def availability_label(self) -> str:
        """The public summary of the counts, e.g. "3 agents available"."""
        if not self.is_ready:
            return gettext("no agents online")
        if self.agents_available == 0:
            return gettext("all agents busy")
        count = self.agents_available
        return ngettext("%(n)s agent available", "%(n)s agents available", count) % {"n": count}


@dataclass(frozen=True)
class BoardView(_AgainstTarget):
    board: BoardSettings
    audience: Audience
    version: int
    fetched_at: float | None
    limited: bool
    limited_reason: str | None
    last_error: str | None
    queues: tuple[QueueView, ...]
    agents: tuple[AgentView, ...] | None  # None for the public audience
    # The board's queues together (the account's totals when it shows every queue);
    # None without webhook counts, or on a public page that did not opt in.
    today: QueueToday | None = None
    today_date: str | None = None
    # The board's latest alerts, newest first: supervisor and admin only (None for others).
    alert_history: tuple[AlertHistoryRow, ...] | None = None
    leaderboard: tuple[LeaderRow, ...] = ()
    window_minutes: int = 30  # the board's rolling window
    messages: tuple[MessageView, ...] = ()  # to the floor, newest first; the banner

    @property
    def service(self) -> ServiceLevel | None:
        return self.today.service if self.today else None

    @property
    def recent(self) -> ServiceLevel | None:
        return self.today.window(self.window_minutes) if self.today else None

    @property
    def window(self) -> str:
        return f"{self.window_minutes}m"

    @property
    def waiting(self) -> Waiting:
        """The board's queues together: from the events, or the polls' estimates added up."""
        if self.today is not None:
            return Waiting(self.today.calls_waiting, False, self.today.oldest_waiting_since)
        counts = [q.waiting.count for q in self.queues]
        known = counts and None not in counts
        return Waiting(sum(counts), True, None) if known else NOT_KNOWN  # type: ignore[arg-type]

    @property
    def windows(self) -> tuple[ServiceLevel, ...]:
        """Every rolling window of the board's queues together (the supervisor's picker)."""
        return tuple(self.today.window(m) for m in WINDOWS) if self.today else ()

    @property
    def shows_agents(self) -> bool:
        return self.agents is not None

    @property
    def shows_detail(self) -> bool:
        return self.audience.sees_detail
