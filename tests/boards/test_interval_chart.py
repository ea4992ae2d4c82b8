"""Today's intervals as a chart on the supervisor page (boards/interval_chart.py): offered
calls and the service level per quarter hour, against the same weekday last week."""

import time
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from boards.interval_chart import PLOT_BOTTOM, PLOT_TOP, interval_chart
from boards.models import Board
from service.models import QueueInterval
from tests.service.helpers import QUEUE
from tests.webhooks.helpers import at

NOW = at("2026-11-28 12:00:00")  # a Saturday


def interval(account, when: str, offered: int, within: int, queue_id: int = QUEUE):
    """`within` answered in time, the other callers hung up."""
    return QueueInterval.objects.create(
        account=account,
        queue_id=queue_id,
        start=datetime.fromisoformat(f"{when}+00:00"),
        offered=offered,
        answered=within,
        answered_within_threshold=within,
        abandoned=offered - within,
    )


@pytest.fixture
def board(account):
    return Board.objects.create(title="Floor", slug="floor", account=account, queue_ids=[QUEUE])


def test_it_draws_today_against_the_same_weekday_last_week(board, account):
    interval(account, "2026-11-28 09:00", offered=10, within=8)  # 80 %
    interval(account, "2026-11-28 09:15", offered=20, within=10)  # 50 %, the peak
    interval(account, "2026-11-28 09:15", offered=99, within=99, queue_id=7)  # not the board's
    interval(account, "2026-11-21 09:15", offered=5, within=5)  # last Saturday, 100 %
    interval(account, "2026-11-27 09:15", offered=50, within=50)  # yesterday: not drawn
    chart = interval_chart(board, NOW)
    assert (chart.day.isoformat(), chart.last_week.isoformat()) == ("2026-11-28", "2026-11-21")
    first, peak = chart.bars
    assert peak.y == PLOT_TOP and peak.height == PLOT_BOTTOM - PLOT_TOP  # 20 is the top
    assert first.height == pytest.approx(peak.height / 2, abs=0.1)
    assert first.title == "Today 09:00: 10 offered, 80 % in time"
    (before,) = chart.last_week_bars
    assert before.x == peak.x and before.title == "Last week 09:15: 5 offered, 100 % in time"
    # The lines: 80 % then 50 % today; 100 % last week, at the top.
    (y80, y50) = (float(p.split(",")[1]) for p in chart.line.split())
    assert y80 < y50 and chart.last_week_line.endswith(f",{PLOT_TOP:.1f}")
    assert chart.target_percent == 80.0
    # Hour ticks from 09:00 to the hour after now (12:00).
    assert [t.label for t in chart.ticks] == ["09:00", "10:00", "11:00", "12:00", "13:00"]
    assert "2 intervals today with 30 calls offered; 5 offered" in chart.summary


def test_without_history_it_says_so(board):
    chart = interval_chart(board, NOW)
    assert chart.empty and "no history for the same weekday" in chart.summary


def test_the_partial_is_for_the_boards_supervisors(board, account):
    now = time.time()
    interval(account, datetime.fromtimestamp(now - 900, UTC).strftime("%Y-%m-%d %H:00"), 12, 9)
    user = get_user_model().objects.create_user("sam", password="pw")
    board.supervisors.add(user)
    client = Client()
    client.force_login(user)
    html = client.get("/boards/floor/intervals/").content.decode()
    assert '<svg class="interval-chart"' in html and "12 offered, 75 % in time" in html
    assert "Offered last week" in html  # the legend says which is which, not colour alone
    assert Client().get("/boards/floor/intervals/").status_code == 302
    other = Client()
    other.force_login(get_user_model().objects.create_user("kim", password="pw"))
    assert other.get("/boards/floor/intervals/").status_code == 404
