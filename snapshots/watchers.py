"""Which accounts have someone watching their boards right now.

Web processes mark the accounts of the feeds they serve (live/watchdog.py, every few
seconds, short-lived keys: a process that dies stops marking); the poller reads the mark
when polls fail, and retries a watched account soon enough that its boards are live again
within seconds of the upstream healing, where an unwatched one backs off for longer.

  wb:watched:<account>   present while some web process serves a viewer of its boards
"""

import redis

from wallboard.redis import get_redis

TTL_SECONDS = 15


def key(account_id: int) -> str:
    return f"wb:watched:{account_id}"


async def mark(client, account_ids: set[int]) -> None:
    """From a web process's asyncio client."""
    if not account_ids:
        return
    async with client.pipeline(transaction=False) as pipe:
        for account_id in account_ids:
            pipe.set(key(account_id), "1", ex=TTL_SECONDS)
        await pipe.execute()


def is_watched(account_id: int, client: redis.Redis | None = None) -> bool:
    return bool((client or get_redis()).exists(key(account_id)))
