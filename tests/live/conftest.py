from collections.abc import AsyncIterator

import pytest
from channels.layers import get_channel_layer

from live.broadcaster import close_broadcaster


@pytest.fixture
async def live_loop() -> AsyncIterator[None]:
    """Each async test runs on its own loop: close that loop's broadcaster and channel layer
    connections at the end, so nothing is left pending."""
    yield
    await close_broadcaster()
    await get_channel_layer().flush()
