"""What one audience sees of a board: a snapshot filtered, judged and stripped for it.

Pure functions from (board settings, stored snapshot, audience) to plain view objects that
the template partials render. Everything an audience must not see is left out here, so a
template cannot leak it by mistake: public views carry no agents at all, TV views no phone
numbers, supervisor views masked numbers (admins get them whole).
"""

from dataclasses import dataclass, field, replace
from typing import Literal

from snapshots.models import (
    ActiveAlert,
    AgentState,
    AgentToday,
    QueueState,
    QueueToday,
    StoredSnapshot,
    TodayCounts,
)

Audience = Literal["tv", "supervisor", "admin", "public"]
AUDIENCES: tuple[Audience, ...] = ("tv", "supervisor", "admin", "public")
Level = Literal["ok", "warning", "alert"]
AgentStatus = Literal["available", "on_call", "online", "offline"]

STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class BoardSettings:
    """The parts of a Board that rendering needs, detached from the ORM (no queries later)."""

    id: int
    slug: str
    title: str
    account_id: int
    queue_ids: tuple[int, ...]
    members_only: bool
    warning_at_or_below: int
    warning_levels: dict[int, int] = field(default_factory=dict)
    poll_interval: float = 2.0
    is_public: bool = False
    public_shows_today: bool = False


@dataclass(frozen=True)
class CallView:
    direction: str
    peer: str  # already masked or blank for the audience
    started_at: float

    @property
    def direction_label(self) -> str:
        return {"inbound": "In", "outbound": "Out"}.get(self.direction, self.direction.title())


# The counts a board of several queues adds up (the longest wait is the oldest instead).
TODAY_SUMS = (
    "inbound",
    "answered",
    "abandoned",
    "timed_out",
    "not_answered",
    "abandoned_last_hour",
)


@dataclass(frozen=True)
class TodayView:
    """Today's counts of a queue or the board, as every audience that sees them gets them
    (counts only: no names, no numbers)."""

    inbound: int
    answered: int
    abandoned: int
    timed_out: int
    not_answered: int
    abandoned_last_hour: int
    oldest_waiting_since: float | None

    @classmethod
    def of(cls, counts: QueueToday) -> "TodayView":
        return cls(**counts.model_dump())  # the same fields, detached from the snapshot

    @property
    def abandon_rate_label(self) -> str:
        """Abandoned per inbound call as a percentage; a dash before the first call."""
        if not self.inbound:
            return "\u2013"
        return f"{100 * self.abandoned / self.inbound:.1f} %"


@dataclass(frozen=True)
class AgentView:
    id: int
    name: str
    extension: str
    status: AgentStatus
    calls: tuple[CallView, ...]
    today: AgentToday | None = None  # None: no webhook counts (or not for this audience)

    @property
    def status_label(self) -> str:
        if self.status == "on_call":
            return f"On call · {self.calls[0].direction_label}" if self.calls else "On call"
        return STATUS_LABELS[self.status]

    @property
    def status_short(self) -> str:
        """One short word for dense TV cards, where the icon and colour carry the rest."""
        if self.status == "on_call":
            return self.calls[0].direction_label if self.calls else "Call"
        return STATUS_SHORT[self.status]

    @property
    def direction(self) -> str:
        return self.calls[0].direction if self.calls else ""

    @property
    def call_started_at(self) -> float | None:
        return min(c.started_at for c in self.calls) if self.calls else None


STATUS_LABELS: dict[AgentStatus, str] = {
    "available": "Available",
    "on_call": "On call",
    "online": "Online",
    "offline": "Offline",
}
STATUS_SHORT: dict[AgentStatus, str] = {
    "available": "Free",
    "on_call": "Call",
    "online": "Online",
    "offline": "Off",
}
STATUS_ORDER: dict[AgentStatus, int] = {"on_call": 0, "available": 1, "online": 2, "offline": 3}


@dataclass(frozen=True)
class Sparkline:
    """An inline-SVG polyline of one series; y grows downwards, so values are flipped."""

    points: str
    width: int
    height: int
    peak: int


def sparkline(values: list[int], width: int = 120, height: int = 30) -> Sparkline | None:
    if len(values) < 2:
        return None
    peak = max(max(values), 1)
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - (v / peak) * (height - 2) - 1:.1f}" for i, v in enumerate(values)
    )
    return Sparkline(points, width, height, peak)


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

    @property
    def duration_label(self) -> str:
        seconds = self.duration_seconds or 0
        hours, rest = divmod(seconds, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@dataclass(frozen=True)
class QueueView:
    id: int
    name: str
    extension: str
    is_ready: bool
    agents_online: int
    agents_available: int
    agents_on_call: int
    active_calls: int | None
    level: Level
    level_label: str
    config: dict[str, object] | None = None
    members: tuple[str, ...] | None = None
    sparkline: Sparkline | None = None
    today: TodayView | None = None
    alerts: tuple[AlertView, ...] = ()  # unacknowledged first; always empty for the public

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
        return "Open" if self.is_ready else "Closed"

    @property
    def availability_label(self) -> str:
        """The public summary of the counts, e.g. "3 agents available"."""
        if not self.is_ready:
            return "no agents online"
        if self.agents_available == 0:
            return "all agents busy"
        plural = "agent" if self.agents_available == 1 else "agents"
        return f"{self.agents_available} {plural} available"


@dataclass(frozen=True)
class BoardView:
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
    today: TodayView | None = None
    today_date: str | None = None
    # The board's latest alerts, newest first: supervisor and admin only (None for others).
    alert_history: tuple[AlertHistoryRow, ...] | None = None

    @property
    def stale_after_seconds(self) -> float:
        return STALE_AFTER_INTERVALS * self.board.poll_interval

    @property
    def shows_agents(self) -> bool:
        return self.agents is not None

    @property
    def shows_detail(self) -> bool:
        return self.audience in ("supervisor", "admin")


def mask_number(number: str) -> str:
    """All but the last four digits hidden; short internal extensions are left as they are."""
    digits = sum(ch.isdigit() for ch in number)
    if digits <= 4:
        return number
    return "•" * (len(number) - 4) + number[-4:]


def peer_for(audience: Audience, number: str) -> str:
    if audience == "admin":
        return number
    if audience == "supervisor":
        return mask_number(number)
    return ""


def queue_level(queue: QueueState, warning_at_or_below: int) -> tuple[Level, str]:
    if not queue.is_ready or queue.agents_available == 0:
        return "alert", "Not ready" if not queue.is_ready else "No agent free"
    if queue.agents_available <= warning_at_or_below:
        return "warning", "Few agents free"
    return "ok", "Ready"


def agent_status(agent: AgentState) -> AgentStatus:
    if not agent.registered:
        return "offline"
    if agent.calls is None:
        return "online"  # public data: online, but whether on a call is unknown
    return "on_call" if agent.calls else "available"


def agent_view(
    agent: AgentState, audience: Audience, today: TodayCounts | None = None
) -> AgentView:
    calls = tuple(
        CallView(c.direction, peer_for(audience, c.peer), c.started_at) for c in agent.calls or ()
    )
    name = agent.caller_id or f"{agent.first_name} {agent.last_name}".strip() or agent.extension
    counts = None if today is None else today.agents.get(agent.id, AgentToday())
    return AgentView(agent.id, name, agent.extension, agent_status(agent), calls, counts)


def shows_today(board: BoardSettings, audience: Audience) -> bool:
    return audience != "public" or board.public_shows_today


def board_today(board: BoardSettings, today: TodayCounts) -> TodayView:
    """All of the account's calls for a board of every queue; else its queues summed."""
    if not board.queue_ids:
        return TodayView.of(today.total)
    counts = [today.queues[q] for q in board.queue_ids if q in today.queues]
    waiting = [c.oldest_waiting_since for c in counts if c.oldest_waiting_since is not None]
    summed = {name: sum(getattr(c, name) for c in counts) for name in TODAY_SUMS}
    return TodayView(**summed, oldest_waiting_since=min(waiting, default=None))


def _queue_view(
    queue: QueueState,
    board: BoardSettings,
    audience: Audience,
    names: dict[int, str],
    history: list[int] | None,
    today: TodayCounts | None = None,
    alerts: tuple[AlertView, ...] = (),
) -> QueueView:
    level, label = queue_level(queue, board.warning_levels.get(queue.id, board.warning_at_or_below))
    detail = audience in ("supervisor", "admin")
    config = queue.config.model_dump() if detail and queue.config else None
    members = None
    if detail and queue.member_ids is not None:
        members = tuple(sorted(names.get(pk, f"#{pk}") for pk in queue.member_ids))
    return QueueView(
        id=queue.id,
        name=queue.queue_name or queue.name,
        extension=queue.extension,
        is_ready=queue.is_ready,
        agents_online=queue.agents_online,
        agents_available=queue.agents_available,
        agents_on_call=queue.agents_on_call,
        active_calls=queue.active_calls,
        level=level,
        level_label=label,
        config=config,
        members=members,
        sparkline=sparkline(history) if detail and history else None,
        today=TodayView.of(today.queues.get(queue.id, QueueToday())) if today else None,
        alerts=alerts,
    )


def visible_queues(board: BoardSettings, queues: list[QueueState]) -> list[QueueState]:
    if not board.queue_ids:
        return queues
    by_id = {q.id: q for q in queues}
    return [by_id[qid] for qid in board.queue_ids if qid in by_id]


def visible_agents(
    board: BoardSettings, agents: list[AgentState], queues: list[QueueState]
) -> list[AgentState]:
    if not board.members_only:
        return agents
    members = {pk for q in queues for pk in (q.member_ids or ())}
    if not members and any(q.member_ids is None for q in queues):
        return agents  # membership unknown (public data): better all than none
    return [a for a in agents if a.id in members]


def sort_agents(agents: list[AgentView]) -> tuple[AgentView, ...]:
    """A stable order, so that a state change moves no card: by name, then extension."""
    return tuple(sorted(agents, key=lambda a: (a.name.casefold(), a.extension, a.id)))


def board_view(
    board: BoardSettings,
    stored: StoredSnapshot | None,
    audience: Audience,
    history: dict[int, list[int]] | None = None,
    alert_history: tuple[AlertHistoryRow, ...] | None = None,
) -> BoardView:
    """`history`: per queue, its available agents over the last 2 h (supervisor sparklines).
    `alert_history`: the board's latest alerts (supervisor and admin; read by boards/feeds.py)."""
    if stored is None:
        no_agents = None if audience == "public" else ()
        empty = BoardView(board, audience, 0, None, False, None, None, (), no_agents)
        return replace(empty, alert_history=_history_for(audience, alert_history))
    snapshot = stored.snapshot
    queues = visible_queues(board, snapshot.queues)
    names = {a.id: agent_view(a, "tv").name for a in snapshot.agents}
    today = snapshot.today if shows_today(board, audience) else None
    alerts = queue_alerts(board, snapshot.alerts, audience)
    agents = None
    if audience != "public":
        chosen = visible_agents(board, snapshot.agents, queues)
        agents = sort_agents([agent_view(a, audience, today) for a in chosen])
    return BoardView(
        board=board,
        audience=audience,
        version=stored.version,
        fetched_at=stored.fetched_at,
        limited=snapshot.source == "public",
        limited_reason=snapshot.source_reason if audience != "public" else None,
        last_error=stored.health.last_error if audience in ("supervisor", "admin") else None,
        queues=tuple(
            _queue_view(
                q, board, audience, names, (history or {}).get(q.id), today, alerts.get(q.id, ())
            )
            for q in queues
        ),
        agents=agents,
        today=board_today(board, today) if today else None,
        today_date=today.date if today else None,
        alert_history=_history_for(audience, alert_history),
    )


def queue_alerts(
    board: BoardSettings, active: list[ActiveAlert], audience: Audience
) -> dict[int, tuple[AlertView, ...]]:
    """The board's active alerts by queue, unacknowledged first; none for the public."""
    if audience == "public":
        return {}
    by_queue: dict[int, list[AlertView]] = {}
    for alert in active:
        if alert.board_id == board.id and alert.queue_id is not None:
            view = AlertView(alert.id, alert.message, alert.since, alert.acknowledged, alert.sound)
            by_queue.setdefault(alert.queue_id, []).append(view)
    return {
        qid: tuple(sorted(views, key=lambda a: (a.acknowledged, a.since, a.id)))
        for qid, views in by_queue.items()
    }


def _history_for(
    audience: Audience, rows: tuple[AlertHistoryRow, ...] | None
) -> tuple[AlertHistoryRow, ...] | None:
    return tuple(rows or ()) if audience in ("supervisor", "admin") else None
