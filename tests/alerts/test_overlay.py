"""Alerts through the real poll: sandbox over HTTP, the engine, Redis, the feeds' renders."""

import datetime as dt

import pytest

from alerts import engine
from alerts.models import AlertEvent
from boards.feeds import read_render
from boards.models import Board
from polling import poller, writer
from snapshots import store
from tests.alerts.helpers import SALES, make_rule, snapshot
from tests.polling.helpers import add_account, poll_now

pytestmark = pytest.mark.django_db


def test_a_queue_losing_its_agents_fires_on_the_next_poll_and_clears_after(
    wallboard, redis_client
) -> None:
    account = add_account()
    board = Board.objects.create(slug="floor", title="Floor", account=account)
    make_rule(board, queue_id=SALES)
    poll_now()
    assert store.read_snapshot(61).snapshot.alerts == []

    state = wallboard.control("GET", "/state").json()
    account_state = next(a for a in state["accounts"] if a["id"] == 61)
    members = next(q for q in account_state["queues"] if q["pk"] == SALES)["members"]
    wallboard.control("PATCH", f"/accounts/61/queues/{SALES}", {"members": []})
    assert poll_now().outcome == "changed"
    stored = store.read_snapshot(61)
    [alert] = stored.snapshot.alerts
    assert (alert.queue_id, alert.message) == (SALES, "No agent ready in Sales Queue")
    tv = read_render(board.pk, "tv")  # rendered by the poll itself, at its version
    assert 'data-alert="active"' in tv.body and tv.version == stored.version

    # Acknowledged: the overlay alone is republished, with a new version.
    AlertEvent.objects.update(acknowledged_at=dt.datetime.now(dt.UTC))
    assert writer.refresh_overlay(61, poller.lock_ttl()).outcome == "overlay"
    acked = store.read_snapshot(61)
    assert acked.version == stored.version + 1
    assert acked.snapshot.alerts[0].acknowledged is True
    assert acked.fetched_at == stored.fetched_at  # nothing looks fresher than it is

    wallboard.control("PATCH", f"/accounts/61/queues/{SALES}", {"members": members})
    poll_now()
    assert store.read_snapshot(61).snapshot.alerts == []
    assert AlertEvent.objects.get().cleared_at is not None


def test_judging_the_rules_costs_one_query_when_nothing_changes(
    django_assert_num_queries,
) -> None:
    from tests.alerts.helpers import make_board

    board = make_board()
    make_rule(board)
    make_rule(board, "available_at_or_below", threshold=1)
    engine.evaluate(61, snapshot(sales_available=0), 1_800_000_000.0)
    with django_assert_num_queries(1):  # the open events; the rules were read once
        alerts = engine.evaluate(61, snapshot(sales_available=0), 1_800_000_002.0)
    assert len(alerts) == 2
    make_rule(board, "available_at_or_below", threshold=2)  # a change: the rules read again
    assert len(engine.evaluate(61, snapshot(sales_available=0), 1_800_000_004.0)) > len(alerts)
    with django_assert_num_queries(1):
        engine.evaluate(61, snapshot(sales_available=0), 1_800_000_006.0)
