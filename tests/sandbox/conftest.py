"""Helpers for the sandbox tests: keys, an API client, control shortcuts, a webhook receiver."""

import json
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from tests.sandbox_process import RunningSandbox

ACCOUNT = 61
DEV_KEY = "v360_dev_sandbox_61_demo_key_0000000001"
USER_KEY = "usr61sandboxdemokey0000000001"
JOHN = 123
SALES, SUPPORT = 100134, 100135


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """A client on `/v3/voice/61` without a key; tests pass headers themselves."""
    with httpx.Client(base_url=f"{sandbox.base_url}/{ACCOUNT}", timeout=10) as client:
        yield client


def dev(key: str = DEV_KEY) -> dict[str, str]:
    return {"X-API-Key": key}


def user(key: str = USER_KEY) -> dict[str, str]:
    return {"X-API-Key": key}


class Control:
    """Shortcuts over the control API of one sandbox."""

    def __init__(self, sandbox: RunningSandbox) -> None:
        self.sandbox = sandbox

    def __call__(self, method: str, path: str, body: object | None = None) -> Any:
        return self.sandbox.control(method, path, body).json()

    def state(self) -> dict[str, Any]:
        return self("GET", "/state")

    def account(self, account_id: int = ACCOUNT) -> dict[str, Any]:
        return next(a for a in self.state()["accounts"] if a["id"] == account_id)

    def agent(self, pk: int) -> dict[str, Any]:
        return next(a for a in self.account()["agents"] if a["pk"] == pk)

    def queue(self, queue_id: int) -> dict[str, Any]:
        return next(q for q in self.account()["queues"] if q["pk"] == queue_id)

    def advance(self, seconds: float) -> None:
        self("POST", "/time/advance", {"seconds": seconds})

    def add_agents(self, count: int, **fields: object) -> list[int]:
        start = 2001 + len(self.account()["agents"])
        return [
            self(
                "POST",
                f"/accounts/{ACCOUNT}/agents",
                {"presence_id": str(start + i), "first_name": f"Agent{i}", **fields},
            )["pk"]
            for i in range(count)
        ]

    def add_queue(self, members: list[int], **config: object) -> int:
        body = {
            "queue_name": "Test Queue",
            "extension": "8999",
            "members": members,
            "timeout": 10,
            "retry": 5,
            "wrapuptime": 0,
            "max_wait": 0,
            **config,
        }
        return self("POST", f"/accounts/{ACCOUNT}/queues", body)["pk"]

    def add_caller(
        self, queue_id: int, patience: float | None = None, number: str = "+15550001111"
    ) -> dict[str, Any]:
        return self(
            "POST",
            f"/accounts/{ACCOUNT}/queues/{queue_id}/callers",
            {"from_number": number, "patience": patience},
        )

    def patch_agent(self, pk: int, **fields: object) -> None:
        self("PATCH", f"/accounts/{ACCOUNT}/agents/{pk}", fields)

    def start_call(self, pk: int, **fields: object) -> dict[str, Any]:
        return self("POST", f"/accounts/{ACCOUNT}/calls", {"pk": pk, **fields})

    def end_call(self, call_id: str) -> None:
        self("DELETE", f"/accounts/{ACCOUNT}/calls/{call_id}")

    def ringing(self, queue_id: int) -> list[int]:
        """The members the queue's first waiting caller is ringing right now."""
        waiting = self.queue(queue_id)["waiting"]
        return waiting[0]["ringing"] if waiting else []


@pytest.fixture
def control(sandbox: RunningSandbox) -> Control:
    return Control(sandbox)


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None


@dataclass
class Receiver:
    """A real HTTP server in a thread that records webhook requests.

    `fail_first` answers 500 to that many requests before answering 200.
    """

    url: str
    requests: "queue.Queue[Received]" = field(default_factory=queue.Queue)
    fail_first: int = 0

    def next(self, timeout: float = 10) -> Received:
        return self.requests.get(timeout=timeout)

    def until(self, event_name: str, timeout: float = 10) -> Received:
        """Waits for the first request carrying `event_name`, skipping others."""
        while True:
            received = self.next(timeout)
            if event_name_of(received) == event_name:
                return received


def event_name_of(received: Received) -> str:
    if received.body is not None:
        return received.body["event_name"]
    return received.query["event_name"]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    recorder = Receiver(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _record(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            with lock:
                failing = recorder.fail_first > 0
                if failing:
                    recorder.fail_first -= 1
            self.send_response(500 if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            body = json.loads(raw) if raw else None
            recorder.requests.put(Received(method, parts.path, dict(parse_qsl(parts.query)), body))

        def do_POST(self) -> None:
            self._record("POST")

        def do_GET(self) -> None:
            self._record("GET")

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join()
