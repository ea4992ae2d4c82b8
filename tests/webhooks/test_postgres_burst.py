"""The webhook receiver on PostgreSQL, as production runs it: a burst of 1,000 events from
16 senders at once, each delivered once, is answered 200 every time and stored whole. (On
SQLite, tests/webhooks/test_sandbox_delivery.py, writers wait on one lock and some answer
503 to be retried.) A real stack (tests/stack.py) on a database of its own on the machine's
PostgreSQL, dropped afterwards."""

import os
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest

from demo import announce
from demo import names as demo
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.slow
SERVER = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def admin(sql: str) -> None:
    with psycopg.connect(SERVER, autocommit=True, connect_timeout=3) as connection:
        connection.execute(sql)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Iterator[Stack]:
    try:
        admin("SELECT 1")
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at {SERVER} (TEST_POSTGRES_URL): {exc}")
    name = f"wallboard_burst_{secrets.token_hex(4)}"
    admin(f"CREATE DATABASE {name}")
    url = SERVER.rsplit("/", 1)[0] + f"/{name}"
    stack = Stack(tmp_path_factory.mktemp("postgres-stack"), env_overrides={"DATABASE_URL": url})
    try:
        stack.start()
        stack.database_url = url
        yield stack
    finally:
        stack.stop()
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def stored_events(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM webhooks_webhookevent").fetchone()[0]


def test_a_burst_of_a_thousand_events_is_stored_without_a_503(stack: Stack) -> None:
    stack.control("POST", "/reset", {"quiet": True})
    announce.register_webhook(stack.sandbox_url, stack.url(demo.demo_webhook_path()))
    url = stack.url(demo.demo_webhook_path())
    before = stored_events(stack.database_url)
    now = int(time.time())

    def deliver(client: httpx.Client, i: int) -> int:
        metadata = {"call_id": f"pg-burst-{i}", "from_number": "+15550009999", "queue_id": 100134}
        event = {
            "event_name": "INCOMING_EXTERNAL_CALL",
            "account_id": str(ACCOUNT_ID),
            "timestamp": now,
            "metadata": metadata,
        }
        return client.post(url, json=event).status_code  # once: no retry after a 503

    with httpx.Client(timeout=10) as client, ThreadPoolExecutor(16) as pool:
        statuses = Counter(pool.map(lambda i: deliver(client, i), range(1000)))
    assert statuses == {200: 1000}
    assert stored_events(stack.database_url) - before == 1000
    assert "database_unavailable" not in stack.services["web"].tail(10**6)
