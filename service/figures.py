"""From an account's tally to the figures its boards show (snapshots.models.TodayCounts)."""

from service.ledger import State
from service.tally import Bucket, Tally, Target
from snapshots.models import WINDOWS, AgentToday, QueueToday, ServiceLevel, TodayCounts


def _rounded(seconds: float) -> float:
    # Adding and taking away again leaves float dust: a tally rebuilt from the table and one
    # kept up to date must give the same snapshot.
    return round(seconds, 3)


def service_level(bucket: Bucket, target: Target, window: str) -> ServiceLevel:
    return ServiceLevel(
        window=window,
        threshold_seconds=target.threshold_seconds,
        short_abandon_seconds=target.short_abandon_seconds,
        target_percent=target.target_percent,
        answered=bucket.answered,
        answered_within_threshold=bucket.answered_within,
        answered_timed=bucket.answered_timed,
        wait_total=_rounded(bucket.wait_total),
        abandoned=bucket.abandoned,
        short_abandoned=bucket.short_abandoned,
        timed_out=bucket.timed_out,
        not_answered=bucket.not_answered,
    )


def queue_today(tally: Tally, queue_id: int, waiting: list[float], now: float) -> QueueToday:
    day = tally.days.get(queue_id) or Bucket()
    target = tally.target(queue_id)
    return QueueToday(
        inbound=day.inbound,
        service=service_level(day, target, "today"),
        recent={
            m: service_level(bucket, target, f"{m}m")
            for m, bucket in tally.windows(queue_id, WINDOWS, now).items()
        },
        calls_waiting=len(waiting),
        oldest_waiting_since=min(waiting, default=None),
        talked=day.talked,
        talk_total=_rounded(day.talk_total),
    )


def today_counts(state: State, now: float) -> TodayCounts:
    tally = state.tally
    waiting: dict[int, list[float]] = {}
    for queue_id, arrived in state.waiting(now).values():
        waiting.setdefault(queue_id, []).append(arrived)
    queues = {
        queue_id: queue_today(tally, queue_id, waiting.get(queue_id, []), now)
        for queue_id in sorted(tally.queue_ids() | set(waiting))
    }
    agents = {
        agent_id: AgentToday(
            answered=b.answered, placed=b.placed, talked=b.talked, talk_total=_rounded(b.talk_total)
        )
        for agent_id, b in sorted(tally.agents.items())
        if not b.empty
    }
    return TodayCounts(
        date=tally.date,
        time_zone=tally.zone.key,
        total=QueueToday.total(list(queues.values())),
        queues=queues,
        agents=agents,
        direct_answered=tally.direct.answered,
    )
