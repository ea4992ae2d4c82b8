from collections.abc import Iterator

import pytest

from polling import runtime
from tests.sandbox_process import RunningSandbox


@pytest.fixture(scope="session", autouse=True)
def _close_runtime_at_end() -> Iterator[None]:
    yield
    runtime.shutdown()


@pytest.fixture(scope="session")
def _sandbox_stderr_closed_at_end(sandbox_process: RunningSandbox) -> Iterator[None]:
    # RunningSandbox.stop() leaves its stderr pipe open: an unraisable ResourceWarning at
    # exit, an error under filterwarnings=error. Close it just before the sandbox stops.
    yield
    if sandbox_process.process.stderr:
        sandbox_process.process.stderr.close()


@pytest.fixture
def wallboard(
    settings, sandbox: RunningSandbox, redis_client, db, _sandbox_stderr_closed_at_end
) -> RunningSandbox:
    """The engine pointed at a freshly reset sandbox, with an empty test Redis."""
    settings.VOICE360_BASE_URL = sandbox.base_url
    settings.VOICE360_TIMEOUT_SECONDS = 3
    return sandbox
