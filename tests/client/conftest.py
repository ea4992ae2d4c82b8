from collections.abc import AsyncIterator

import pytest

from tests.sandbox_process import RunningSandbox
from voice360.client import Voice360Client


@pytest.fixture
async def client(sandbox: RunningSandbox) -> AsyncIterator[Voice360Client]:
    """A client on the freshly reset sandbox, with a timeout short enough for fault tests."""
    async with Voice360Client(sandbox.base_url, timeout=5.0) as client:
        yield client
