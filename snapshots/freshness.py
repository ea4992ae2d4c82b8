"""Whether an account's data is live or stale: the one rule, for first page loads, the web
processes' watchdog, the public JSON and badges alike.

Data is stale once its last good poll is older than `STALE_AFTER_INTERVALS` poll intervals,
the interval being the longer of the account's own and the effective one it was last polled
at (the rate budget may stretch it). Web processes read what the rule needs here, never the
poller's Redis keys by name.
"""

import time
from dataclasses import dataclass

import redis

from snapshots.models import StoredSnapshot
from snapshots.store import health_key, snapshot_key
from wallboard.redis import get_redis

STALE_AFTER_INTERVALS = 3


@dataclass(frozen=True)
class Freshness:
    fetched_at: float | None = None  # the last good poll; None before the first
    interval: float | None = None  # the effective interval of that poll
    error: str | None = None  # the poller's error while polls fail

    @classmethod
    def of(cls, stored: StoredSnapshot | None) -> "Freshness":
        """The freshness of a snapshot already read."""
        if stored is None:
            return cls()
        health = stored.health
        return cls(
            fetched_at=stored.fetched_at,
            interval=stored.interval,
            error=health.last_error if health.consecutive_failures else None,
        )

    def stale_after(self, configured_interval: float) -> float:
        return STALE_AFTER_INTERVALS * max(configured_interval, self.interval or 0.0)

    def is_stale(self, configured_interval: float, now: float | None = None) -> bool:
        if self.fetched_at is None:
            return True
        now = time.time() if now is None else now
        return now - self.fetched_at > self.stale_after(configured_interval)


def queue_reads(pipe, account_id: int) -> None:
    """Add the reads of one account to a pipeline (sync or asyncio: the same commands)."""
    pipe.hmget(snapshot_key(account_id), "fetched_at", "interval")
    pipe.hmget(health_key(account_id), "last_error", "consecutive_failures")


def parse(snapshot: list, health: list) -> Freshness:
    fetched_at, interval = snapshot
    error, failures = health
    return Freshness(
        fetched_at=float(fetched_at) if fetched_at else None,
        interval=float(interval) if interval else None,
        error=error if failures and int(failures) > 0 else None,
    )


def read(account_id: int, client: redis.Redis | None = None) -> Freshness:
    pipe = (client or get_redis()).pipeline(transaction=False)
    queue_reads(pipe, account_id)
    return parse(*pipe.execute())


async def read_many(client, account_ids: list[int]) -> dict[int, Freshness]:
    """For the web processes' watchdog: one round trip on its asyncio client."""
    if not account_ids:
        return {}
    async with client.pipeline(transaction=False) as pipe:
        for account_id in account_ids:
            queue_reads(pipe, account_id)
        raw = await pipe.execute()
    return {
        account_id: parse(raw[2 * i], raw[2 * i + 1]) for i, account_id in enumerate(account_ids)
    }
