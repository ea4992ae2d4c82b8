"""Service figures on the boards: calls waiting (counted or estimated), the estimated wait,
the service level against its target for each audience, the leaderboard, time in state."""

import pytest

from boards import queue_figures
from boards.audience import Audience
from boards.presenters import board_view
from boards.rendering import render_board
from boards.view_models import Waiting
from snapshots.models import AgentToday, ServiceLevel, TodayCounts
from tests.boards.factories import NOW, agent, queue, queue_today, settings, stored

SLOW = ServiceLevel(answered=10, answered_within_threshold=6, abandoned=2, short_abandoned=1)


def counts(**queue_fields) -> TodayCounts:
    sales = queue_today(answered=10, within=6, abandoned=2, short_abandoned=1, **queue_fields)
    return TodayCounts(
        date="2027-01-15",
        time_zone="UTC",
        total=sales,
        queues={1: sales},
        agents={7: AgentToday(answered=9, talk_total=900, talked=9), 8: AgentToday(answered=4)},
    )


def view(audience=Audience.TV, today=None, **board):
    snapshot = stored(
        [agent(7, "Ada Lovelace"), agent(8, "Alan Turing")], [queue(1, "Sales")], today=today
    )
    return board_view(settings(**board), snapshot, audience)


def test_the_service_level_is_judged_against_the_target_and_says_so_in_words():
    assert SLOW.offered == 12
    assert SLOW.percent == pytest.approx(100 * 6 / 11)  # the short abandon left out
    assert SLOW.abandon_rate == pytest.approx(1 / 11)
    assert SLOW.meets_target is False
    tile = view(today=counts()).queues[0]
    assert tile.service_state == "below"
    html = render_board(view(today=counts())).body
    assert "55 %" in html and "Below target" in html
    assert ServiceLevel().percent is None and ServiceLevel().meets_target is None


def test_without_webhooks_calls_waiting_are_the_polls_estimate():
    estimate = queue_figures.waiting(queue(1, "Sales", on_call=2, active=5), None)
    assert estimate == Waiting(3, True, None)
    assert queue_figures.waiting(queue(1, "Sales", on_call=4, active=1), None).count == 0
    public = queue(1, "Sales").model_copy(update={"active_calls": None})
    assert queue_figures.waiting(public, None).count is None
    html = render_board(view()).body
    assert "≈" in html  # labelled as an estimate


def test_with_webhooks_calls_waiting_and_the_longest_wait_come_from_the_events():
    tile = view(today=counts(calls_waiting=2, oldest_waiting_since=NOW - 75)).queues[0]
    assert tile.waiting == Waiting(2, False, NOW - 75)
    html = render_board(view(today=counts(calls_waiting=2, oldest_waiting_since=NOW - 75))).body
    assert f'data-since="{NOW - 75:.3f}"' in html  # the longest wait ticks on the page


@pytest.mark.parametrize(
    ("available", "waiting", "aht", "expected"),
    [
        (2, 0, 120.0, 0),  # a free agent and nobody waiting
        (0, 2, 120.0, 120),  # (2 + 1) x 120 s / 3 agents online
        (0, 0, None, None),  # nothing known
        (0, 2, None, None),  # callers ahead, no handle time yet: not the speed of answer
    ],
)
def test_the_estimated_wait(available, waiting, aht, expected):
    today = queue_today(calls_waiting=waiting, talked=1 if aht else 0, talk_total=aht or 0.0)
    tile = queue(1, "Sales", online=3, available=available)
    calls = queue_figures.waiting(tile, today)
    assert queue_figures.estimated_wait(tile, today, calls, 30) == expected


def test_the_public_sees_the_service_level_only_where_the_board_opts_in():
    private = view(Audience.PUBLIC, counts(), is_public=True).queues[0]
    assert private.service is None and private.waiting.count == 0
    opted = view(Audience.PUBLIC, counts(), is_public=True, public_shows_service_level=True)
    assert opted.queues[0].service.answered == 10
    html = render_board(opted).body
    assert "Service level today" in html and "below target" in html
    assert "Ada" not in html and "Alan" not in html


def test_the_leaderboard_ranks_by_calls_answered_and_is_never_public():
    board = view(today=counts(), leaderboard_size=1)
    assert [(r.rank, r.name, r.answered) for r in board.leaderboard] == [(1, "Ada Lovelace", 9)]
    html = render_board(board).body
    assert 'id="leaderboard"' in html and "Ada Lovelace" in html
    public = view(Audience.PUBLIC, counts(), is_public=True, leaderboard_size=5)
    assert public.leaderboard == ()


def test_an_agents_time_in_state_ticks_on_its_card_and_row():
    idle = agent(7, "Ada Lovelace").model_copy(update={"state_since": NOW - 200})
    snapshot = stored([idle], [queue(1, "Sales")])
    for audience in (Audience.TV, Audience.SUPERVISOR):
        html = render_board(board_view(settings(), snapshot, audience)).body
        assert f'data-since="{NOW - 200:.3f}"' in html


def busy_counts() -> TodayCounts:
    """200 calls an hour lately (100 offered in the last 30 minutes), 180 s handle time."""
    sales = queue_today(answered=100, talked=10, talk_total=1800.0)
    recent = dict(sales.recent) | {30: ServiceLevel(window="30m", answered=100)}
    sales = sales.model_copy(update={"recent": recent})
    return TodayCounts(
        date="2027-01-15", time_zone="UTC", total=sales, queues={1: sales}, agents={}
    )


def forecast_view(audience=Audience.SUPERVISOR, **board):
    snapshot = stored(
        [agent(7, "Ada Lovelace")], [queue(1, "Sales", online=12)], today=busy_counts()
    )
    return board_view(settings(**board), snapshot, audience)


def test_supervisors_see_the_staffing_forecast_and_the_shortfall():
    forecast = forecast_view().queues[0].forecast
    assert (forecast.calls_per_hour, forecast.aht_seconds) == (200.0, 180.0)
    assert (forecast.agents_needed, forecast.agents_available, forecast.shortfall) == (14, 12, 2)
    html = render_board(forecast_view()).body
    assert "14 agents for 80 % in 20 s" in html and "2 more needed" in html
    assert "with 12:\n64 %, ASA 0:40" in html


def test_the_forecast_shows_on_the_tv_and_in_public_only_where_the_board_turns_it_on():
    assert forecast_view(Audience.TV).queues[0].forecast is None
    assert forecast_view(Audience.TV, tv_shows_forecast=True).queues[0].forecast is not None
    public = dict(is_public=True)
    assert forecast_view(Audience.PUBLIC, **public).queues[0].forecast is None
    opted = forecast_view(Audience.PUBLIC, public_shows_forecast=True, **public)
    assert opted.queues[0].forecast.agents_needed == 14


def test_callers_waiting_count_as_arrivals():
    """A backlog is demand: 100 offered and 20 waiting in half an hour are 240 calls an hour."""
    waiting = busy_counts().queues[1].model_copy(update={"calls_waiting": 20})
    today = busy_counts().model_copy(update={"queues": {1: waiting}})
    forecast = queue_figures.forecast(queue(1, "Sales", online=12), today.queues[1])
    assert forecast.calls_per_hour == 240.0
    assert forecast.agents_needed == 16


def test_without_recent_calls_the_forecast_says_not_enough_data():
    snapshot = stored([agent(7, "Ada")], [queue(1, "Sales", online=3)], today=counts())
    tile = board_view(settings(), snapshot, Audience.SUPERVISOR).queues[0]
    assert tile.forecast.agents_needed is None and tile.forecast.agents_available == 3
    assert (
        "not enough data yet"
        in render_board(board_view(settings(), snapshot, Audience.SUPERVISOR)).body
    )
