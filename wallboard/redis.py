"""One Redis connection pool per process, configured for long-lived servers."""

import secrets
from functools import cache
from typing import ClassVar

import redis
import redis.asyncio as aioredis
from django.conf import settings


def _client(decode_responses: bool) -> redis.Redis:
    # redis-py's default 100-connection cap fails bursts; its socket timeout must outlast
    # any blocking read we make (channels_redis #422).
    return redis.Redis.from_url(
        settings.REDIS_URL,
        decode_responses=decode_responses,
        socket_connect_timeout=5,
        socket_timeout=10,
        health_check_interval=30,
        max_connections=1000,
    )


@cache
def get_redis() -> redis.Redis:
    return _client(decode_responses=True)


@cache
def get_raw_redis() -> redis.Redis:
    """Bytes in and out, for values that are not text (the replay log's compressed entries)."""
    return _client(decode_responses=False)


# Concurrent commands of one web process's event loop beyond this many wait their turn for a
# connection (a reconnect storm, a burst of public requests) instead of failing.
ASYNC_MAX_CONNECTIONS = 64


def async_client(*, decode_responses: bool = True) -> aioredis.Redis:
    """An asyncio client for a web process's event loop (one per loop: a client's
    connections belong to the loop that opened them)."""
    pool = aioredis.BlockingConnectionPool.from_url(
        settings.REDIS_URL,
        max_connections=ASYNC_MAX_CONNECTIONS,
        timeout=5,  # the wait for a free connection
        decode_responses=decode_responses,
        socket_timeout=5,
        socket_connect_timeout=5,
    )
    return aioredis.Redis.from_pool(pool)  # the client's aclose() closes its pool too


def run_script(client: redis.Redis, lua: str, keys: list, args: list):
    """The Lua script `lua` on `client`, a connection or a pipeline. On a pipeline it goes
    as EVAL, with its text: a pipeline holding EVALSHA commands first asks Redis which of
    those scripts it has (SCRIPT EXISTS), one round trip more at each execute, where the
    text costs a few hundred bytes (Redis keeps the compiled script either way)."""
    if isinstance(client, redis.client.Pipeline):
        return client.eval(lua, len(keys), *keys, *args)
    return client.register_script(lua)(keys=keys, args=args)


def generation(key: str, client: redis.Redis | None = None) -> str:
    """A counter that moves on with every change of something processes keep a copy of (the
    dispatcher's plan, the alert rules): a copy made at another generation is read again. A
    Redis that lost it (restarted empty) starts a new one at random, which no process has."""
    r = client or get_redis()
    current = r.get(key)
    if current is None:
        r.set(key, secrets.randbelow(2**62), nx=True)
        current = r.get(key)
    return current


def move_generation(key: str, client: redis.Redis | None = None) -> None:
    (client or get_redis()).incr(key)


class SharedConnectionPool(redis.ConnectionPool):
    """The pool class of the Django cache (CACHES OPTIONS "pool_class").

    Under ASGI Django makes a cache client per request (per async context), and each client
    opened its own pool, so every rate-limited public request paid a new Redis connection
    (~17 % of a status request's CPU in bench/public_bench.py). One pool per URL and process
    instead; redis-py resets a pool that finds itself in a forked child.
    """

    _shared: ClassVar[dict[tuple, redis.ConnectionPool]] = {}

    @classmethod
    def from_url(cls, url: str, **kwargs: object) -> redis.ConnectionPool:
        key = (url, tuple(sorted(kwargs.items())))
        pool = cls._shared.get(key)
        if pool is None:
            pool = cls._shared[key] = redis.ConnectionPool.from_url(url, **kwargs)
        return pool
