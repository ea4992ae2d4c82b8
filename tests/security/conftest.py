"""The audiences in the test database, as Django test clients (see audiences.py)."""

import time
from collections.abc import Callable

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from snapshots import store
from snapshots.models import Snapshot
from tests.boards.factories import agent, call, queue
from tests.security import audiences

CALLER = "+15557654321"


@pytest.fixture
def audience(db, settings, redis_client) -> Callable[[str | None], Client]:
    """`audience(username)`: a client logged in as that user; `audience(None)`: anonymous
    (a kiosk is anonymous too: its token is in the URL). Account 61 has a snapshot with a call,
    so that every page, badge and JSON has something to show."""
    audiences.create_audiences()
    snapshot = Snapshot(
        account_id=audiences.ACCOUNT_A,
        source="key",
        agents=[agent(123, "John Smith", calls=[call(CALLER)]), agent(124, "Ada Byron")],
        queues=[queue(audiences.OTHER_QUEUE, "Sales"), queue(audiences.PUBLIC_QUEUE, "Support")],
    )
    store.write_snapshot(
        audiences.ACCOUNT_A, snapshot, time.time(), expected_version=0, changed=True
    )

    def client_of(username: str | None) -> Client:
        client = Client()
        if username is not None:
            client.force_login(get_user_model().objects.get(username=username))
        return client

    return client_of


@pytest.fixture
def production(settings) -> None:
    """DEBUG off, as in production: Django's own 404 page, not its technical one."""
    settings.DEBUG = False
