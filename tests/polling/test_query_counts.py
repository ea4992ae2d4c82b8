"""The database queries of the hot paths, counted per operation: a poll (changed and
unchanged, with its overlay and publish), a stored webhook event, and the page loads. A
count that grows fails here, with the queries listed, before it costs every account every
two seconds. Same counts on SQLite and PostgreSQL."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from boards.models import Board, KioskToken
from tests.polling.helpers import add_account, poll_now
from tests.webhooks.helpers import TOKEN, payload, post

# operation -> its queries (2026-12-02, one board, no alert rule). Lower a figure when a
# change saves a query; raising one is a decision, with its reason in the commit.
BUDGET = {
    # account (+ its zone), targets, today's events (+ whether any), rules, alerts, boards,
    # thresholds, alert history, messages to the floor (2026-12-03: +1, one query per board
    # and render, read only when rendering; 2026-12-04: +1, the board's tiles, its layout)
    "first poll (changed, renders every feed)": 12,
    # the account (today's counts of an account without webhook events): every 2 s per
    # account (2026-12-03: -1, the alert rules are read once per change of them,
    # alerts/rule_cache.py; 2026-12-04: -1, so are the open alerts)
    "poll, nothing changed": 1,
    # + the boards, thresholds, alert history and messages of the render (2026-12-03: +1,
    # the messages to the floor; -1, the rules; 2026-12-04: +1, the tiles; -1, the open
    # alerts, read once per change of them)
    "poll after a change": 6,
    "webhook event stored": 5,  # receiver, savepoint, insert, counter, release
    # each page also reads the board's tiles (2026-12-04: +1, the layout)
    "TV page": 6,  # token, last seen, playlist, board, thresholds, tiles
    "supervisor page": 6,  # session, user, board, membership, thresholds, tiles
    "public page": 3,  # board, thresholds, tiles
    "public JSON": 3,
}


def count(run) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured), [q["sql"][:160] for q in captured.captured_queries]


@pytest.fixture
def floor(wallboard):
    account = add_account()
    board = Board.objects.create(
        title="Floor", slug="floor", account=account, is_public=True, queue_ids=[]
    )
    _, token = KioskToken.issue(board, "Wall")
    user = get_user_model().objects.create_user("sam", password="pw")
    board.supervisors.add(user)
    supervisor = Client()
    supervisor.force_login(user)
    return board, token, supervisor


def test_the_hot_paths_make_the_queries_they_always_made(floor, wallboard):
    board, token, supervisor = floor
    found = {}
    found["first poll (changed, renders every feed)"] = count(poll_now)
    found["poll, nothing changed"] = count(poll_now)
    wallboard.control(
        "POST", "/accounts/61/calls", {"pk": 123, "direction": "inbound", "peer": "5557777"}
    )
    found["poll after a change"] = count(poll_now)
    receiver = board.account.webhook_receiver
    receiver.set_token(TOKEN)
    receiver.save()
    found["webhook event stored"] = count(
        lambda: post(Client(), payload("USER_DIAL", call_id="q1"))
    )
    found["TV page"] = count(lambda: Client().get(f"/tv/{token}/"))
    found["supervisor page"] = count(lambda: supervisor.get("/boards/floor/"))
    found["public page"] = count(lambda: Client().get("/status/floor/"))
    found["public JSON"] = count(lambda: Client().get("/status/floor.json"))
    over = {name: queries for name, (queries, _) in found.items() if queries > BUDGET[name]}
    assert not over, (over, {name: found[name][1] for name in over})
