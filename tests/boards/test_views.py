"""The board pages (boards/views.py): each serves the feed's stored render and never writes
one; the freshness it shows follows the one staleness rule."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boards.feeds import read_render
from boards.models import Board, KioskToken
from polling import publish
from snapshots import store
from snapshots.models import Snapshot
from tests.boards.factories import agent, queue
from tests.polling.helpers import add_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(redis_client) -> Board:
    account = add_account()
    return Board.objects.create(title="Floor", slug="floor", account=account, is_public=True)


def stored_snapshot(fetched_at: float | None = None, interval: float | None = None) -> None:
    snapshot = Snapshot(
        account_id=61, source="key", agents=[agent(1, "Ada Byron")], queues=[queue(100134, "Sales")]
    )
    at = time.time() if fetched_at is None else fetched_at
    store.write_snapshot(61, snapshot, at, expected_version=0, changed=True, interval=interval)


def tv_page(board: Board) -> str:
    _, plain = KioskToken.issue(board, "Wall")
    return Client().get(f"/tv/{plain}/").content.decode()


def test_before_the_workers_render_a_page_says_it_waits_and_writes_nothing(board, redis_client):
    stored_snapshot()
    page = Client().get("/status/floor/").content.decode()
    assert "Waiting for the first data from Voice360" in page
    assert 'data-version="0"' in page
    assert redis_client.keys("wb:feed:*") == []  # readers read: the worker alone renders


def test_a_page_is_the_stored_render_of_its_feed(board):
    stored_snapshot()
    publish.refresh_board(board.pk)
    cached = read_render(board.pk, "tv")
    page = tv_page(board)
    assert cached.body in page
    assert f'data-version="{cached.version}"' in page
    assert "Ada Byron" in page


def test_a_page_carries_the_servers_clock_of_the_request_not_of_the_render(board):
    stored_snapshot()
    publish.refresh_board(board.pk)
    before = time.time()
    page = tv_page(board)
    after = time.time()
    (server_now,) = re.findall(r'<body [^>]*data-server-now="([\d.]+)"', page)
    assert round(before, 3) <= float(server_now) <= round(after, 3)
    assert page.count("data-server-now") == 1  # the stored render carries no clock of its own


def test_a_page_load_does_not_keep_the_worker_from_publishing_the_next_version(board):
    """The render cache had two writers once: a page load stored version N before the
    worker's own refresh, which then published nothing. Now pages only read."""
    stored_snapshot()
    tv_page(board)
    Client().get("/status/floor/")
    assert publish.publish_account(61) == 4  # one update per feed: tv, supervisor, admin, public
    assert read_render(board.pk, "tv").version == store.read_snapshot(61).version


def test_an_account_polled_slower_than_configured_is_not_shown_stale_too_early(board):
    stored_snapshot(fetched_at=time.time() - 20, interval=10.0)  # the budget stretched it
    page = Client().get("/status/floor/").content.decode()
    assert 'data-state="live"' in page
    store.write_snapshot(
        61,
        store.read_snapshot(61).snapshot,
        time.time() - 40,
        expected_version=1,
        changed=False,
        interval=10.0,
    )
    assert 'data-state="stale"' in Client().get("/status/floor/").content.decode()


def test_supervisors_see_the_pollers_error_and_tvs_do_not(board):
    stored_snapshot()
    store.record_failure(61, "ServiceUnavailable: upstream down", time.time())
    user = get_user_model().objects.create_superuser("root", password="pw")
    client = Client()
    client.force_login(user)
    assert (
        'data-error="ServiceUnavailable: upstream down"'
        in client.get("/boards/floor/").content.decode()
    )
    assert "upstream down" not in tv_page(board)


def test_a_board_the_user_may_not_watch_is_a_plain_404(board):
    user = get_user_model().objects.create_user("sam", password="pw")
    client = Client()
    client.force_login(user)
    assert client.get("/boards/floor/").status_code == 404
    board.supervisors.add(user)
    assert client.get("/boards/floor/").status_code == 200


def test_a_private_board_has_no_public_page(board):
    Board.objects.filter(pk=board.pk).update(is_public=False)
    assert Client().get("/status/floor/").status_code == 404
