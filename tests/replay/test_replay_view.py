"""`/boards/<slug>/replay?at=`: the board as it was at a moment the log recorded, with the
same partials as the live board; for the board's supervisors only."""

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boards.models import Board
from snapshots import replay
from snapshots.models import ActiveAlert, Snapshot
from tests.boards.factories import agent, call, queue
from tests.service.helpers import QUEUE


def iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat()


@pytest.fixture
def board(account):
    return Board.objects.create(title="Floor", slug="floor", account=account)


@pytest.fixture
def recorded(account, board, redis_client):
    """Ten minutes ago Ada was available; five minutes ago on a call, with an alert."""
    now = time.time()
    ada = agent(7, "Ada Lovelace")
    calm = Snapshot(
        account_id=account.account_id, source="key", agents=[ada], queues=[queue(QUEUE, "Support")]
    )
    busy = calm.model_copy(
        update={
            "agents": [ada.model_copy(update={"calls": [call(started=now - 320)]})],
            "alerts": [
                ActiveAlert(
                    id=5,
                    rule_id=1,
                    board_id=board.pk,
                    queue_id=QUEUE,
                    kind="waiting",
                    message="3 callers waiting in Support",
                    since=now - 300,
                )
            ],
        }
    )
    replay.record(account.account_id, calm, 1, now - 600)
    replay.record(account.account_id, busy, 2, now - 300)
    return now


@pytest.fixture
def supervisor(board):
    user = get_user_model().objects.create_user("sam", password="pw")
    board.supervisors.add(user)
    client = Client()
    client.force_login(user)
    return client


def test_it_shows_the_board_as_it_was_at_each_moment(recorded, supervisor):
    calm = supervisor.get(f"/boards/floor/replay?at={iso(recorded - 450)}")
    assert calm.status_code == 200
    html = calm.content.decode()
    assert 'id="agent-7"' in html and "agent--available" in html
    assert "3 callers waiting" not in html
    assert 'data-replay-at="' in html and "ws-connect" not in html  # a still: no socket
    busy = supervisor.get(f"/boards/floor/replay?at={iso(recorded - 299)}").content.decode()
    assert "agent--on_call" in busy and "3 callers waiting in Support" in busy
    assert "+15551234567" not in busy  # the supervisor's mask, as on the live board


def test_it_may_be_framed_by_our_own_pages_only(recorded, supervisor):
    response = supervisor.get(f"/boards/floor/replay?at={iso(recorded - 450)}&embedded=1")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "board--embedded" in response.content.decode()


def test_moments_it_has_not_stored_say_why(recorded, supervisor):
    before = supervisor.get(f"/boards/floor/replay?at={iso(recorded - 900)}")
    assert before.status_code == 404
    assert "nothing stored from before that moment" in before.content.decode()
    too_old = supervisor.get(f"/boards/floor/replay?at={iso(recorded - 9 * 3600)}")
    assert too_old.status_code == 404 and "the last 8 hours" in too_old.content.decode()
    bad = supervisor.get("/boards/floor/replay?at=yesterday")
    assert bad.status_code == 400 and b"ISO 8601" in bad.content
    assert supervisor.get("/boards/floor/replay").status_code == 400


def test_a_time_without_an_offset_is_in_the_accounts_zone(recorded, supervisor, account):
    account.time_zone = "Asia/Kolkata"  # UTC+5:30
    account.save()
    local = datetime.fromtimestamp(recorded - 450, UTC).astimezone(ZoneInfo("Asia/Kolkata"))
    naive = local.replace(tzinfo=None).isoformat()
    html = supervisor.get(f"/boards/floor/replay?at={naive}").content.decode()
    assert "agent--available" in html and "(Asia/Kolkata)" in html


def test_only_the_boards_supervisors_may_replay_it(recorded):
    url = f"/boards/floor/replay?at={iso(recorded - 450)}"
    assert Client().get(url).status_code == 302  # to the login
    stranger = Client()
    stranger.force_login(get_user_model().objects.create_user("kim", password="pw"))
    assert stranger.get(url).status_code == 404
