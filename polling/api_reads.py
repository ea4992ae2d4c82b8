"""The poll's reads of the Voice360 API, on the process's one loop (wallboard/runtime.py):
the two availability reads of every poll (each skipped past parsing when its bytes are the
last ones, polling/same_answer.py), and the queue configuration every few minutes."""

import asyncio
import time
from dataclasses import dataclass

from django.views.decorators.debug import sensitive_variables

from polling import budget, queue_config, same_answer
from polling.public_fallback import Route
from polling.same_answer import Answers
from snapshots import normalize
from voice360.models import Agent, Fetched, QueueAvailability, RateLimit
from wallboard import runtime


@dataclass(frozen=True)
class Availability:
    """A poll's two reads: `agents` or `queues` None when its bytes were the last stored
    answer's (polling/same_answer.py), so the stored snapshot has that part already."""

    agents: Fetched[list[Agent]] | None
    queues: Fetched[list[QueueAvailability]] | None
    answers: Answers
    rate_limit: RateLimit
    elapsed_seconds: float  # of the agents' read: when the API read `call_seconds`


async def read_availability(
    account_id: int, api_key: str | None, last: Answers | None = None
) -> Availability:
    client = same_answer.get_client()
    agents, queues = await asyncio.gather(
        same_answer.checked(client.availability(account_id, api_key), last and last.agents),
        same_answer.checked(client.queue_availability(account_id, api_key), last and last.queues),
    )
    if queues.fetched is None:
        queue_ids = last.queue_ids if last else frozenset()
    else:
        queue_ids = frozenset(q.pk for q in queues.fetched.data)
    return Availability(
        agents=agents.fetched,
        queues=queues.fetched,
        answers=Answers(agents.digest or "", queues.digest or "", queue_ids),
        rate_limit=lowest(agents.rate_limit, queues.rate_limit),
        elapsed_seconds=agents.elapsed_seconds,
    )


@sensitive_variables("route")
def refresh_queue_config(
    account_id: int, route: Route, started: float, queue_ids: frozenset[int]
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
    account_id: int, api_key: str | None, queue_ids: frozenset[int]
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
