"""The poll's reads of the Voice360 API, on the process's one loop (wallboard/runtime.py):
the two availability reads of every poll, and the queue configuration every few minutes."""

import asyncio
import time

from django.views.decorators.debug import sensitive_variables

from polling import budget, queue_config
from polling.public_fallback import Route
from snapshots import normalize
from voice360.models import Agent, Fetched, QueueAvailability, RateLimit
from wallboard import runtime


async def read_availability(
    account_id: int, api_key: str | None
) -> tuple[Fetched[list[Agent]], Fetched[list[QueueAvailability]]]:
    client = runtime.get_client()
    return await asyncio.gather(
        client.availability(account_id, api_key), client.queue_availability(account_id, api_key)
    )


@sensitive_variables("route")
def refresh_queue_config(
    account_id: int, route: Route, started: float, queue_ids: set[int]
) -> queue_config.QueueConfigCache:
    """The account's queue configuration and members: the stored ones while they are recent
    and cover these queues, else read again (within the budget)."""
    cache = queue_config.load(account_id)
    if not cache.needs_refresh(queue_ids, route.mode.source, started):
        return cache
    needed = 1 + (len(queue_ids) if route.mode.use_key else 0)
    if budget.acquire(route.bucket, needed, route.share) > 0:
        return cache  # no room now; the next poll tries again
    fresh = runtime.run(_read_queue_config(account_id, route.api_key, queue_ids))
    fresh.source = route.mode.source
    fresh.refreshed_at = time.time()
    queue_config.save(account_id, fresh)
    return fresh


async def _read_queue_config(
    account_id: int, api_key: str | None, queue_ids: set[int]
) -> queue_config.QueueConfigCache:
    client = runtime.get_client()
    queues = await client.queues(account_id, api_key)
    cache = queue_config.QueueConfigCache(configs={q.pk: q for q in queues.data})
    if api_key is not None:
        wanted = sorted(queue_ids & cache.configs.keys())
        details = await asyncio.gather(*(client.queue(account_id, q, api_key) for q in wanted))
        cache.members = {d.data.pk: normalize.member_ids(d.data) for d in details}
    return cache


def lowest(*limits: RateLimit) -> RateLimit:
    """The rate limit with the fewest requests left, of those the answers told."""
    known = [lim for lim in limits if lim.remaining is not None]
    return min(known, key=lambda lim: lim.remaining or 0) if known else RateLimit()
