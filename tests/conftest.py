import io
import logging
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings

from accounts import crypto
from tests.sandbox_process import RunningSandbox, start_sandbox
from wallboard.access_log import RedactSecrets


@pytest.fixture(scope="session", autouse=True)
def _test_database_free_to_drop(django_db_setup, django_db_blocker) -> Iterator[None]:
    """On PostgreSQL, before the test database is dropped: the connections other threads of
    this process opened (the executors behind async views and consumers) are still open and
    would make DROP DATABASE refuse. Ended from the server's side; SQLite needs nothing."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _alert_rules_read_afresh() -> Iterator[None]:
    """A test's rollback takes its rules away without a signal: no process keeps them."""
    from alerts import rule_cache

    rule_cache.forget()
    yield
    rule_cache.forget()


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[RunningSandbox]:
    """One sandbox for the whole session, quiet (no random activity) unless a test asks."""
    sandbox = start_sandbox("--quiet-activity", "--seed", "61")
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sandbox(sandbox_process: RunningSandbox) -> RunningSandbox:
    """The session's sandbox, reset to the default scenario before the test."""
    sandbox_process.reset()
    return sandbox_process


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    """The tests' own Redis database, emptied before and after each test that asks for it."""
    from service import today

    client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    client.flushdb()
    today.forget()  # what this process remembers of Redis' tallies
    yield client
    client.flushdb()
    today.forget()
    client.close()


@pytest.fixture(scope="session", autouse=True)
def _close_poller_runtime_at_end() -> Iterator[None]:
    """The poller keeps one event loop and client per process; close them after the session."""
    yield
    from wallboard import runtime

    runtime.shutdown()


@pytest.fixture
def wallboard(settings, sandbox: RunningSandbox, redis_client, db) -> RunningSandbox:
    """The engine pointed at a freshly reset sandbox, with an empty test Redis."""
    settings.VOICE360_BASE_URL = sandbox.base_url
    settings.VOICE360_TIMEOUT_SECONDS = 3
    return sandbox


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler writes, captured."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    )
    stream, handler.stream = handler.stream, io.StringIO()
    yield handler.stream
    handler.stream = stream


@pytest.fixture
def use_encryption_keys(settings) -> Iterator:
    """`use_encryption_keys("NEW,OLD")`: FIELD_ENCRYPTION_KEY as given, from now on; the
    process forgets the keys again after the test."""

    def use(keys: str) -> None:
        settings.FIELD_ENCRYPTION_KEY = keys
        crypto._fernet.cache_clear()

    yield use
    crypto._fernet.cache_clear()
