from boards.audience import Audience, mask_number
from boards.presenters import Extras, board_view, queue_level
from tests.boards.factories import agent, call, queue, settings, stored

SNAPSHOT = stored(
    [
        agent(1, "John Smith", calls=[call("+15551234567")]),
        agent(2, "Ada Byron"),
        agent(3, "Zed Offline", registered=False),
    ],
    [queue(100134, "Sales"), queue(100135, "Support", available=0, on_call=3, members=(2,))],
)


def test_the_public_audience_gets_no_agents_at_all():
    view = board_view(settings(), SNAPSHOT, Audience.PUBLIC)
    assert view.agents is None
    assert [q.name for q in view.queues] == ["Sales", "Support"]


def test_tv_viewers_see_no_phone_numbers():
    view = board_view(settings(), SNAPSHOT, Audience.TV)
    john = next(a for a in view.agents if a.name == "John Smith")
    assert john.status == "on_call"
    assert [c.peer for c in john.calls] == [""]


def test_supervisors_see_numbers_masked_and_admins_see_them_whole():
    masked = board_view(settings(), SNAPSHOT, Audience.SUPERVISOR).agents
    whole = board_view(settings(), SNAPSHOT, Audience.ADMIN).agents
    assert [c.peer for a in masked for c in a.calls] == ["••••••••4567"]
    assert [c.peer for a in whole for c in a.calls] == ["+15551234567"]


def test_mask_number_leaves_short_extensions_alone():
    assert mask_number("1001") == "1001"
    assert mask_number("+15559876543") == "••••••••6543"


def test_agents_keep_a_stable_order_by_name_whatever_their_state():
    view = board_view(settings(), SNAPSHOT, Audience.TV)
    assert [a.name for a in view.agents] == ["Ada Byron", "John Smith", "Zed Offline"]
    assert [a.status for a in view.agents] == ["available", "on_call", "offline"]


def test_a_board_shows_only_its_queues_in_its_own_order():
    view = board_view(settings(queue_ids=(100135, 100134)), SNAPSHOT, Audience.TV)
    assert [q.id for q in view.queues] == [100135, 100134]


def test_a_members_only_board_shows_the_members_of_its_queues():
    view = board_view(settings(queue_ids=(100135,), members_only=True), SNAPSHOT, Audience.TV)
    assert [a.name for a in view.agents] == ["Ada Byron"]


def test_queue_levels_follow_the_thresholds():
    assert queue_level(queue(1, "q", online=0, available=0), 1)[0] == "alert"
    assert queue_level(queue(1, "q", available=0), 1)[0] == "alert"
    assert queue_level(queue(1, "q", available=1), 1)[0] == "warning"
    assert queue_level(queue(1, "q", available=2), 1)[0] == "ok"
    view = board_view(settings(warning_levels={100134: 2}), SNAPSHOT, Audience.TV)
    assert view.queues[0].level == "warning"


def test_public_data_marks_the_board_limited_and_agents_merely_online():
    snapshot = stored(
        [agent(1, "John Smith", public=True)],
        [queue(100134, "Sales")],
        source="public",
        reason="no API key",
    )
    view = board_view(settings(), snapshot, Audience.SUPERVISOR)
    assert view.limited is True
    assert view.limited_reason == "no API key"
    assert view.agents[0].status == "online"
    assert board_view(settings(), snapshot, Audience.PUBLIC).limited_reason is None


def test_supervisors_get_sparklines_from_history_and_tvs_do_not():
    extras = Extras(queue_series={100134: [0, 1, 2, 3], 100135: [2]})
    supervisor = board_view(settings(), SNAPSHOT, Audience.SUPERVISOR, extras)
    assert supervisor.queues[0].sparkline.peak == 3
    assert supervisor.queues[1].sparkline is None  # one point is no line
    assert board_view(settings(), SNAPSHOT, Audience.TV, extras).queues[0].sparkline is None


def test_no_snapshot_yet_is_an_empty_board_not_an_error():
    view = board_view(settings(), None, Audience.TV)
    assert view.version == 0
    assert view.fetched_at is None
    assert view.queues == ()
