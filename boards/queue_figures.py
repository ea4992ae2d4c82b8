"""A queue's calls waiting, its estimated wait and the board's leaderboard: from the
snapshot's poll data and its service figures (snapshots.models.QueueToday).

With webhooks the events say who is waiting (checked against the polls, service/reconcile.py);
without them the poll gives an estimate, `active_calls - agents_on_call`, never below 0;
in public mode (no key) even that is unknown.
"""

from boards.view_models import LeaderRow, Waiting
from service import erlang
from snapshots.models import AgentState, QueueState, QueueToday, TodayCounts


def waiting(queue: QueueState, today: QueueToday | None) -> Waiting:
    if today is not None:
        return Waiting(today.calls_waiting, False, today.oldest_waiting_since)
    if queue.active_calls is None:
        return Waiting(None, True, None)
    return Waiting(max(0, queue.active_calls - queue.agents_on_call), True, None)


def estimated_wait(
    queue: QueueState, today: QueueToday | None, calls: Waiting, window: int
) -> int | None:
    """About how long a caller calling now would wait, in seconds (docs/metrics.md)."""
    if not queue.is_ready or queue.agents_online == 0 or calls.count is None:
        return None
    if calls.count == 0 and queue.agents_available > 0:
        return 0
    if today is None:
        return None
    if today.aht_seconds is not None:
        return round((calls.count + 1) * today.aht_seconds / queue.agents_online)
    if calls.count > 0:
        # Callers ahead and no handle time yet (no call ended today): how fast calls were
        # answered when nobody queued says nothing of how long these will take.
        return None
    recent = today.window(window).asa_seconds
    return None if recent is None else round(recent)


# "From the arrival rate of the last 30 minutes" (the issue and docs/metrics.md), whatever the
# board's own window.
FORECAST_WINDOW_MINUTES = 30


def forecast(queue: QueueState, today: QueueToday) -> erlang.Forecast:
    """The queue's staffing forecast: the last half hour's arrivals as an hourly rate, today's
    handle time, its agents online, its own target (docs/metrics.md). Arrivals are the calls
    offered in the window and the callers waiting now, who have not been offered yet: under a
    backlog the offered calls alone would say the queue is quiet."""
    recent = today.window(FORECAST_WINDOW_MINUTES)
    arrivals = recent.offered + today.calls_waiting
    return erlang.forecast(
        arrivals * 60 / FORECAST_WINDOW_MINUTES,
        today.aht_seconds,
        queue.agents_online,
        window_minutes=FORECAST_WINDOW_MINUTES,
        threshold_seconds=recent.threshold_seconds,
        target_percent=recent.target_percent,
    )


def leaderboard(
    agents: list[AgentState], today: TodayCounts, size: int, name_of
) -> tuple[LeaderRow, ...]:
    """The top `size` agents by calls answered today (ties: by talk time, then name)."""
    rows = [
        (counts.answered, counts.talk_total, name_of(agent), agent.id, counts.aht_seconds)
        for agent in agents
        if (counts := today.agents.get(agent.id)) is not None and counts.answered > 0
    ]
    rows.sort(key=lambda r: (-r[0], -r[1], r[2].casefold(), r[3]))
    return tuple(
        LeaderRow(rank, name, answered, round(talk), aht)
        for rank, (answered, talk, name, _, aht) in enumerate(rows[:size], start=1)
    )
