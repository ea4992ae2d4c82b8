"""Alerts on the queue tiles and the history fragment, per audience."""

import re

import pytest
from django.test import Client

from boards.audience import Audience
from boards.models import KioskToken
from boards.presenters import Extras, board_view
from boards.rendering import render_board, render_fragments
from boards.view_models import AlertHistoryRow
from snapshots.models import ActiveAlert
from tests.alerts.helpers import SALES, SUPPORT, make_board
from tests.boards.factories import NOW, queue, settings, stored


def with_alerts(*alerts: ActiveAlert):
    snap = stored([], [queue(SALES, "Sales", available=0), queue(SUPPORT, "Support")])
    return snap.model_copy(update={"snapshot": snap.snapshot.model_copy(update={"alerts": alerts})})


def alert(pk=7, *, board_id=1, queue_id=SALES, acknowledged=False, sound=True) -> ActiveAlert:
    return ActiveAlert(
        id=pk,
        rule_id=3,
        board_id=board_id,
        queue_id=queue_id,
        kind="no_agent_ready",
        message="No agent ready in <Sales>",
        since=NOW - 30,
        acknowledged=acknowledged,
        sound=sound,
    )


def tile(audience: str, snap) -> str:
    view = board_view(settings(is_public=True), snap, Audience(audience))
    return next(f.html for f in render_fragments(view) if f.id == f"queue-{SALES}")


@pytest.mark.parametrize("audience", ["tv", "supervisor", "admin"])
def test_a_tile_with_an_alert_flashes_and_says_so_in_words(audience) -> None:
    html = tile(audience, with_alerts(alert()))
    assert "tile--alarm tile--alarm-active" in html
    assert 'data-alert="active"' in html and 'data-alert-sound="1"' in html
    assert '<strong class="alarm__word">ALERT</strong>' in html
    assert "No agent ready in &lt;Sales&gt;" in html  # escaped


def test_only_supervisors_and_admins_get_the_acknowledge_button() -> None:
    button = 'data-alert-ack="/boards/floor/alerts/7/ack"'
    assert button in tile("supervisor", with_alerts(alert()))
    assert button in tile("admin", with_alerts(alert()))
    assert "data-alert-ack" not in tile("tv", with_alerts(alert()))


def test_the_public_never_sees_alerts() -> None:
    html = tile("public", with_alerts(alert()))
    assert "alarm" not in html and "No agent ready" not in html and "data-alert" not in html


def test_an_acknowledged_alert_is_steady_silent_and_has_no_button() -> None:
    html = tile("supervisor", with_alerts(alert(acknowledged=True, sound=False)))
    assert "tile--alarm-acknowledged" in html and "tile--alarm-active" not in html
    assert "data-alert-sound" not in html and "data-alert-ack" not in html
    assert '<strong class="alarm__word">Acknowledged</strong>' in html


def test_alerts_of_other_boards_and_quiet_ones_do_not_sound_here() -> None:
    assert "alarm" not in tile("tv", with_alerts(alert(board_id=2)))
    html = tile("tv", with_alerts(alert(sound=False)))
    assert "tile--alarm-active" in html and "data-alert-sound" not in html


def test_supervisors_get_the_alert_history_others_do_not() -> None:
    rows = (
        AlertHistoryRow(9, "No agent ready in Sales", NOW - 30, None, None, None),
        AlertHistoryRow(8, "3 abandoned", NOW - 900, NOW - 300, NOW - 800, "ada"),
    )
    view = board_view(settings(), with_alerts(), Audience.SUPERVISOR, Extras(alert_history=rows))
    rendered = render_board(view)
    history = next(f.html for f in rendered.fragments if f.id == "alert-history")
    assert history in rendered.body
    assert "still on" in history and 'class="timer" data-since=' in history
    assert "ada, <time>" in history
    assert re.search(r">\s*10:00\s*<", history)  # lasted 10 minutes
    tv = render_board(
        board_view(settings(), with_alerts(), Audience.TV, Extras(alert_history=rows))
    )
    assert "alert-history" not in tv.body


def test_an_empty_history_says_so() -> None:
    view = board_view(settings(), with_alerts(), Audience.ADMIN, Extras(alert_history=()))
    assert "No alerts yet" in render_board(view).body


@pytest.mark.django_db
@pytest.mark.parametrize("sound", [True, False])
def test_the_tv_page_says_whether_its_screen_plays_sound(redis_client, sound) -> None:
    token, plain = KioskToken.issue(make_board(), "Floor TV")
    token.sound_enabled = sound
    token.save()
    page = Client().get(f"/tv/{plain}/").content.decode()
    assert ('data-sound-enabled="1"' in page) is sound
    assert "boards/alerts.js" in page


@pytest.mark.django_db
def test_the_supervisor_feed_reads_the_boards_history_from_the_database(redis_client) -> None:
    from boards.feeds import read_render
    from polling import publish
    from tests.alerts.helpers import make_rule, open_event

    board = make_board()
    open_event(make_rule(board), message="Sales empty")
    publish.refresh_board(board.pk)  # what the worker does after a board edit
    assert "Sales empty" in read_render(board.pk, "supervisor").body
    assert "Sales empty" not in read_render(board.pk, "tv").body
