"""Today's counts on boards: every private audience sees them, the public page only when the
board opts in, and a board of chosen queues sums just those queues."""

from boards.audience import Audience
from boards.presenters import board_view
from boards.rendering import render_board
from boards.templatetags.boards_extras import percent
from snapshots.models import AgentToday, TodayCounts
from tests.boards.factories import NOW, agent, queue, queue_today, settings, stored

SALES = queue_today(inbound=40, answered=36, abandoned=3, timed_out=1, not_answered=2)
SUPPORT = queue_today(inbound=10, answered=9, abandoned=1, oldest_waiting_since=NOW - 42)
TOTAL = queue_today(inbound=55, answered=48, abandoned=4, timed_out=1, not_answered=2)


def counts() -> TodayCounts:
    return TodayCounts(
        date="2027-01-15",
        time_zone="Europe/Berlin",
        total=TOTAL,
        queues={1: SALES, 2: SUPPORT},
        agents={7: AgentToday(answered=12, placed=3)},
    )


def snapshot(today: TodayCounts | None = None):
    return stored(
        [agent(7, "Ada Lovelace"), agent(8, "Alan Turing")],
        [queue(1, "Sales"), queue(2, "Support")],
        today=today,
    )


def test_a_board_of_every_queue_shows_the_account_totals():
    view = board_view(settings(), snapshot(counts()), Audience.TV)
    assert view.today.inbound == 55
    assert percent(view.today.abandon_rate) == "7.3 %"
    assert view.today_date == "2027-01-15"


def test_a_board_of_chosen_queues_sums_only_those():
    view = board_view(settings(queue_ids=(2,)), snapshot(counts()), Audience.SUPERVISOR)
    assert (view.today.inbound, view.today.answered, view.today.abandoned) == (10, 9, 1)
    assert view.today.oldest_waiting_since == NOW - 42


def test_queues_and_agents_carry_their_own_counts():
    view = board_view(settings(), snapshot(counts()), Audience.SUPERVISOR)
    sales, support = view.queues
    assert (sales.today.inbound, support.today.inbound) == (40, 10)
    ada, alan = view.agents
    assert (ada.today.answered, ada.today.placed) == (12, 3)
    assert (alan.today.answered, alan.today.placed) == (0, 0)  # no calls yet today


def test_without_webhook_counts_nothing_pretends_to_be_zero():
    view = board_view(settings(), snapshot(None), Audience.TV)
    assert view.today is None
    assert all(q.today is None for q in view.queues)
    assert all(a.today is None for a in view.agents)
    html = render_board(view).body
    assert 'id="today-total"' in html and "hidden" in html
    assert "Calls in" not in html


def test_the_public_page_shows_counts_only_when_the_board_opts_in():
    private = board_view(settings(is_public=True), snapshot(counts()), Audience.PUBLIC)
    assert private.today is None and all(q.today is None for q in private.queues)

    opted_in = settings(is_public=True, public_shows_today=True)
    view = board_view(opted_in, snapshot(counts()), Audience.PUBLIC)
    assert view.today.inbound == 55
    html = render_board(view).body
    assert "55 calls today, 48 answered" in html
    assert "Today: 40 calls, 36 answered" in html
    assert "Ada" not in html and "Lovelace" not in html


def test_the_tv_and_supervisor_pages_render_the_counts():
    tv = render_board(board_view(settings(), snapshot(counts()), Audience.TV)).body
    assert "Calls in" in tv and "<dd>55</dd>" in tv
    assert "36 answered" in tv and "3 abandoned (7.1 %)" in tv  # of 42 offered
    assert "12↙ 3↗" in tv
    supervisor = render_board(board_view(settings(), snapshot(counts()), Audience.SUPERVISOR)).body
    assert "1 timed out" in supervisor and "2 not answered" in supervisor
    assert f'data-since="{NOW - 42:.3f}"' in supervisor  # the longest wait ticks on the page
    assert "12 ↙" in supervisor and "3 ↗" in supervisor


def test_a_count_that_moves_changes_only_its_fragments():
    before = render_board(board_view(settings(), snapshot(counts()), Audience.TV))
    moved = counts().model_copy(
        update={
            "total": TOTAL.model_copy(update={"inbound": 56}),
            "queues": {1: SALES.model_copy(update={"inbound": 41}), 2: SUPPORT},
        }
    )
    after = render_board(board_view(settings(), snapshot(moved), Audience.TV))
    changed = {f.id for f in after.fragments if before.digests()[f.id] != f.digest}
    assert changed == {"today-total", "queue-1"}
