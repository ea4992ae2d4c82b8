"""What one audience sees of a board: a snapshot filtered, judged and stripped for it.

Pure functions from (board settings, stored snapshot, audience) to the view objects of
boards/view_models.py. Everything an audience must not see is left out here, as its
`Audience` says, so a template cannot leak it by mistake: public views carry no agents at
all, TV views no phone numbers, supervisor views masked numbers (admins get them whole).
"""

from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

from boards import queue_figures
from boards.audience import Audience
from boards.board_settings import BoardSettings
from boards.language import limited_reason
from boards.view_models import (
    AgentView,
    AlertHistoryRow,
    AlertView,
    BoardView,
    CallView,
    Level,
    MessageView,
    OnScreen,
    QueueView,
    Sparkline,
)
from snapshots.models import (
    WINDOWS,
    ActiveAlert,
    AgentState,
    AgentToday,
    QueueState,
    QueueToday,
    StoredSnapshot,
    TodayCounts,
)


@dataclass(frozen=True)
class Extras:
    """What a board shows besides its snapshot, read by the publisher (the worker).

    `queue_series`: per queue, its available agents over the last 2 h (supervisor sparklines).
    `alert_history`: the board's latest alerts, newest first (supervisor and admin).
    `on_screen`: its active messages to the floor (boards/messages.py), as read at a time.
    """

    queue_series: dict[int, list[int]] = field(default_factory=dict)
    alert_history: tuple[AlertHistoryRow, ...] = ()
    on_screen: OnScreen = field(default_factory=OnScreen)


NO_EXTRAS = Extras()


def sparkline(values: list[int], width: int = 120, height: int = 30) -> Sparkline | None:
    if len(values) < 2:
        return None
    peak = max(max(values), 1)
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - (v / peak) * (height - 2) - 1:.1f}" for i, v in enumerate(values)
    )
    return Sparkline(points, width, height, peak)


# Lazy: a view is built before its render, which speaks the board's language.
NOT_READY, NO_AGENT_FREE, FEW_FREE, READY = (
    _("Not ready"), _("No agent free"), _("Few agents free"), _("Ready")
)  # fmt: skip


def queue_level(queue: QueueState, warning_at_or_below: int) -> tuple[Level, str]:
    if not queue.is_ready or queue.agents_available == 0:
        return "alert", NOT_READY if not queue.is_ready else NO_AGENT_FREE
    if queue.agents_available <= warning_at_or_below:
        return "warning", FEW_FREE
    return "ok", READY


def agent_name(agent: AgentState) -> str:
    return agent.caller_id or f"{agent.first_name} {agent.last_name}".strip() or agent.extension


def agent_view(
    agent: AgentState, audience: Audience, today: TodayCounts | None = None
) -> AgentView:
    calls = tuple(
        CallView(c.direction, audience.peer(c.peer), c.started_at) for c in agent.calls or ()
    )
    counts = None if today is None else today.agents.get(agent.id, AgentToday())
    return AgentView(
        agent.id, agent_name(agent), agent.extension, agent.status, calls, counts, agent.state_since
    )


def board_today(board: BoardSettings, today: TodayCounts) -> QueueToday:
    """All of the account's calls for a board of every queue; else its queues together."""
    if not board.queue_ids:
        return today.total
    return QueueToday.total([today.queues[q] for q in board.queue_ids if q in today.queues])


def _queue_view(
    queue: QueueState,
    board: BoardSettings,
    audience: Audience,
    names: dict[int, str],
    history: list[int] | None,
    counts: TodayCounts | None,
    alerts: tuple[AlertView, ...],
) -> QueueView:
    warning_at = board.warning_level(queue.id)
    level, label = queue_level(queue, warning_at)
    detail = audience.sees_detail
    members = None
    if detail and queue.member_ids is not None:
        members = tuple(sorted(names.get(pk, f"#{pk}") for pk in queue.member_ids))
    # A TV's trend tile draws the series too (boards/tile_kinds.py).
    draws_trend = detail or (audience.sees_agents and board.has_tile("trend"))
    of_queue = counts.queues.get(queue.id, QueueToday()) if counts else None
    waiting = queue_figures.waiting(queue, of_queue)
    shows_level = of_queue is not None and board.shows_service_level(audience)
    window = board.service_window_minutes
    shows_forecast = of_queue is not None and board.shows_forecast(audience)
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
        warning_at_or_below=warning_at,
        config=queue.config.model_dump() if detail and queue.config else None,
        members=members,
        member_ids=tuple(queue.member_ids or ()) if audience.sees_agents else (),
        sparkline=sparkline(history) if draws_trend and history else None,
        today=of_queue if board.shows_today(audience) else None,
        alerts=alerts,
        waiting=waiting,
        estimated_wait_seconds=queue_figures.estimated_wait(queue, of_queue, waiting, window),
        service=of_queue.service if shows_level else None,
        recent=of_queue.window(window) if shows_level else None,
        windows=tuple(of_queue.window(m) for m in WINDOWS) if shows_level and detail else (),
        forecast=queue_figures.forecast(queue, of_queue) if shows_forecast else None,
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


def queue_alerts(
    board: BoardSettings, active: list[ActiveAlert], audience: Audience
) -> dict[int, tuple[AlertView, ...]]:
    """The board's active alerts by queue, unacknowledged first; none for the public."""
    if not audience.sees_alerts:
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


def shown_messages(on_screen: OnScreen, audience: Audience) -> tuple[MessageView, ...]:
    """The messages still up at the time they were read; for the public only where the
    board opts in."""
    if audience.is_public and not on_screen.public:
        return ()
    return tuple(m for m in on_screen.messages if m.is_active_at(on_screen.as_of))


def board_view(
    board: BoardSettings,
    stored: StoredSnapshot | None,
    audience: Audience,
    extras: Extras = NO_EXTRAS,
) -> BoardView:
    history = tuple(extras.alert_history) if audience.sees_detail else None
    messages = shown_messages(extras.on_screen, audience)
    if stored is None:
        no_agents = () if audience.sees_agents else None
        waiting = BoardView(
            board, audience, 0, None, False, None, None, (), no_agents, None, None, history
        )
        return replace(waiting, messages=messages)
    snapshot = stored.snapshot
    queues = visible_queues(board, snapshot.queues)
    names = {a.id: agent_name(a) for a in snapshot.agents}
    today = snapshot.today if board.shows_today(audience) else None
    alerts = queue_alerts(board, snapshot.alerts, audience)
    agents = None
    leaders: tuple = ()
    if audience.sees_agents:
        chosen = visible_agents(board, snapshot.agents, queues)
        agents = sort_agents([agent_view(a, audience, today) for a in chosen])
        if today is not None and board.leaders_shown:
            leaders = queue_figures.leaderboard(chosen, today, board.leaders_shown, agent_name)
    return BoardView(
        board=board,
        audience=audience,
        version=stored.version,
        fetched_at=stored.fetched_at,
        limited=snapshot.source == "public",
        limited_reason=limited_reason(snapshot.source_reason)
        if audience.sees_limited_reason
        else None,
        last_error=stored.health.last_error if audience.sees_detail else None,
        queues=tuple(
            _queue_view(
                q,
                board,
                audience,
                names,
                extras.queue_series.get(q.id),
                snapshot.today,
                alerts.get(q.id, ()),
            )
            for q in queues
        ),
        agents=agents,
        today=board_today(board, today) if today else None,
        today_date=today.date if today else None,
        alert_history=history,
        leaderboard=leaders,
        window_minutes=board.service_window_minutes,
        messages=messages,
    )
