# The websocket tests here run as tests/live's do: each on its own loop, cleaned up after.
from tests.live.conftest import live_loop  # noqa: F401
