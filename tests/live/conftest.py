from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from channels.layers import get_channel_layer
from django.conf import settings

from live.broadcaster import close_broadcaster


@pytest.fixture
async def live_loop() -> AsyncIterator[None]:
    """Each async test runs on its own loop: close that loop's broadcaster and channel layer
    connections at the end, so nothing is left pending."""
    yield
    await close_broadcaster()
    await get_channel_layer().flush()


@pytest.fixture
async def async_redis(redis_client) -> AsyncIterator[aioredis.Redis]:
    """An asyncio client on the tests' (emptied) Redis, as a web process holds one."""
    client = aioredis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()
