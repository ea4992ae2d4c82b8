"""Hypothesis-generated upstream payloads, served over real HTTP, never corrupt a snapshot."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from polling import metrics
from snapshots import store
from tests.polling.helpers import add_account, poll_now
from voice360.models import Agent

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
agent_like = st.fixed_dictionaries(
    {"pk": json_values, "presence_id": json_values, "devices_registered": json_values},
    optional={"callerID": json_values, "first_name": json_values, "channels": json_values},
)
payloads = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"result": st.lists(agent_like, min_size=1, max_size=3) | json_values, "error": json_values}
    ),
)


class PayloadServer:
    def __init__(self) -> None:
        self.body = b"{}"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v3/voice"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def payload_server():
    server = PayloadServer()
    yield server
    server.close()


def is_valid_availability(payload: object) -> bool:
    if not isinstance(payload, dict) or payload.get("error") is not False:
        return False
    try:
        TypeAdapter(list[Agent]).validate_python(payload.get("result"), strict=True)
    except ValidationError:
        return False
    return True


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=payloads)
def test_generated_payloads_are_rejected_and_the_snapshot_kept(
    wallboard, settings, payload_server, payload
):
    if store.read_snapshot(61) is None:
        add_account()
        poll_now()  # a good snapshot from the sandbox first
    good = store.read_snapshot(61)
    rejected = sum(metrics.read("rejections:61").values())
    settings.VOICE360_BASE_URL = payload_server.base_url
    payload_server.body = json.dumps(payload).encode()
    result = poll_now()
    settings.VOICE360_BASE_URL = wallboard.base_url
    if is_valid_availability(payload):
        return  # a (rare) valid answer may legitimately change the snapshot
    assert result.outcome == "failed"
    assert sum(metrics.read("rejections:61").values()) == rejected + 1
    stored = store.read_snapshot(61)
    assert (stored.snapshot, stored.version) == (good.snapshot, good.version)
