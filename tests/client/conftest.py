from collections.abc import AsyncIterator, Iterator

import pytest

from tests.sandbox_process import RunningSandbox, start_sandbox
from voice360.client import Voice360Client


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[RunningSandbox]:
    """As tests/conftest.py's, but also closes the stderr pipe that RunningSandbox.stop()
    leaves open: its ResourceWarning at teardown fails the last test (warnings are errors).
    Drop this once tests/sandbox_process.py closes it."""
    sandbox = start_sandbox("--quiet-activity", "--seed", "61")
    yield sandbox
    sandbox.stop()
    if sandbox.process.stderr is not None:
        sandbox.process.stderr.close()


@pytest.fixture
async def client(sandbox: RunningSandbox) -> AsyncIterator[Voice360Client]:
    """A client on the freshly reset sandbox, with a timeout short enough for fault tests."""
    async with Voice360Client(sandbox.base_url, timeout=5.0) as client:
        yield client
