"""What each web process reports to /metrics: its websocket clients and the messages it sent.

Every web process (on every host) writes its own hash, renewed by the broadcaster's watchdog,
and adds what it sent since to one shared counter; a scrape of any web process sums them:

  wb:metrics:web:<host>:<pid>   audience -> open websockets of that process (expires)
  wb:metrics:web_processes      sorted set: process hash -> when it last reported
  wb:metrics:pushed             "messages" -> websocket messages sent, all processes together
"""

import os
import socket
import time

import redis.asyncio as aioredis

REPORT_SECONDS = 5.0
# A process that stopped reporting (killed, gone) leaves the sum after this long.
EXPIRE_SECONDS = 3 * REPORT_SECONDS
PROCESSES_KEY = "wb:metrics:web_processes"
PUSHED_KEY = "wb:metrics:pushed"


def process_key() -> str:
    return f"wb:metrics:web:{socket.gethostname()}:{os.getpid()}"


class WebMetrics:
    """Counts in memory (one integer per message), reported to Redis every few seconds."""

    def __init__(self) -> None:
        self.pushed = 0
        self._reported_pushed = 0
        self._reported_at = 0.0

    def due(self) -> bool:
        return time.monotonic() - self._reported_at >= REPORT_SECONDS

    async def report(self, client: aioredis.Redis, clients: dict[str, int]) -> None:
        self._reported_at = time.monotonic()
        pushed, key = self.pushed, process_key()
        async with client.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping={"_": 0, **clients})
            pipe.expire(key, int(EXPIRE_SECONDS))
            pipe.zadd(PROCESSES_KEY, {key: time.time()})
            pipe.hincrby(PUSHED_KEY, "messages", pushed - self._reported_pushed)
            await pipe.execute()
        self._reported_pushed = pushed


web_metrics = WebMetrics()
