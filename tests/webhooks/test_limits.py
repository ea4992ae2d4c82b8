"""The receiver's limits through the ASGI application a web process serves: a body over the
limit is refused before it is read whole, JSON nested too deep before it is parsed, and
tokens that match no receiver are limited per address."""

import asyncio
import json

import pytest

from tests.webhooks.helpers import TOKEN, payload, url
from wallboard.asgi import application
from webhooks import metrics
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


class Delivery:
    """One HTTP request to the ASGI app, its body arriving in `chunks`; records how many the
    app asked for and what it answered."""

    def __init__(self, chunks: list[bytes], headers: dict[str, str] | None = None) -> None:
        self.chunks, self.taken = chunks, 0
        self.taken_before_answer: int | None = None
        self.headers = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
        self.status: int | None = None
        self.body = b""

    async def receive(self) -> dict:
        if self.taken < len(self.chunks):
            self.taken += 1
            more = self.taken < len(self.chunks)
            return {"type": "http.request", "body": self.chunks[self.taken - 1], "more_body": more}
        await asyncio.Event().wait()  # the client stays connected until it has its answer
        raise AssertionError("unreachable")

    async def send(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.taken_before_answer = self.taken
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    async def to(self, path: str, method: str = "POST") -> "Delivery":
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"127.0.0.1"),
                (b"content-type", b"application/json"),
                *self.headers,
            ],
            "client": ("203.0.113.9", 40000),
            "server": ("127.0.0.1", 8000),
        }
        await application(scope, self.receive, self.send)
        return self


async def test_a_declared_length_over_the_limit_is_refused_unread(receiver, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 2048
    delivery = Delivery([b"x" * 1024] * 8, {"content-length": str(8 * 1024)})
    await delivery.to(url())
    assert delivery.status == 413
    assert delivery.taken_before_answer == 0  # answered before a byte of it was read
    assert json.loads(delivery.body)["error"] == "too_large"


async def test_a_body_that_grows_past_the_limit_is_cut_off_while_it_arrives(receiver, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 2048
    delivery = Delivery([b"x" * 1024] * 64)  # chunked: no length said
    await delivery.to(url())
    assert delivery.status == 413
    assert delivery.taken_before_answer == 3  # answered at the chunk that passed the limit
    assert await WebhookEvent.objects.acount() == 0


async def test_a_body_within_the_limit_reaches_the_receiver_whole(receiver):
    body = json.dumps(payload("USER_DIAL")).encode()
    delivery = await Delivery([body[:100], body[100:]]).to(url())
    assert (delivery.status, json.loads(delivery.body)) == (200, {"status": "stored"})


async def test_json_nested_too_deep_is_refused_before_it_is_parsed(receiver):
    deep = b'{"event_name": ' + b"[" * 20_000 + b"]" * 20_000 + b"}"  # Python's parser recurses
    delivery = await Delivery([deep]).to(url())
    assert delivery.status == 400
    assert json.loads(delivery.body)["error"] == "too_deep"


async def test_guessing_tokens_is_limited_per_address(receiver, settings):
    settings.PUBLIC_RATE_LIMIT = "3/h"
    statuses = [(await Delivery([b"{}"]).to(url(f"guess-{n}"))).status for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    right = await Delivery([json.dumps(payload("USER_DIAL")).encode()]).to(url(TOKEN))
    assert right.status == 200  # the real sender, with its token, is not held back
    assert metrics.read(metrics.REJECTIONS) == {"unknown_token": 3, "unknown_token_limited": 1}
