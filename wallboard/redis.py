"""One Redis connection pool per process, configured for long-lived servers."""

from functools import cache

import redis
from django.conf import settings


@cache
def get_redis() -> redis.Redis:
    # redis-py's default 100-connection cap fails bursts; its socket timeout must outlast
    # any blocking read we make (channels_redis #422).
    return redis.Redis.from_url(
        settings.REDIS_URL,
        decode_responses=True,
        socket_connect_timeout=5,
        socket_timeout=10,
        health_check_interval=30,
        max_connections=1000,
    )
