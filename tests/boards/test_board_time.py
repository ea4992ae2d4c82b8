"""Times as a board shows them (boards/templatetags/board_time.py): in the account's time zone,
on the board's 12- or 24-hour clock, whatever zone the server or the viewer is in."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from boards.audience import Audience
from boards.presenters import Extras, board_view
from boards.rendering import render_board
from boards.templatetags.board_time import BoardClock, format_board_time, iso_utc
from boards.view_models import AlertHistoryRow
from tests.boards.factories import settings, stored

# 2026-12-03 09:05:09 UTC: 14:50:09 in Kathmandu (UTC+5:45), 04:05:09 in New York.
AT = datetime(2026, 12, 3, 9, 5, 9, tzinfo=UTC)
KATHMANDU = BoardClock("Asia/Kathmandu", 24)


def test_it_writes_the_time_in_the_accounts_zone():
    assert format_board_time(AT, KATHMANDU) == "3 Dec 14:50"
    assert format_board_time(AT, KATHMANDU, "time") == "14:50"
    assert format_board_time(AT, KATHMANDU, "seconds") == "14:50:09"
    assert format_board_time(AT, BoardClock("America/New_York"), "seconds") == "04:05:09"


def test_a_twelve_hour_board_says_am_and_pm():
    twelve = BoardClock("Asia/Kathmandu", 12)
    assert format_board_time(AT, twelve) == "3 Dec 2:50 PM"
    assert format_board_time(AT, twelve, "seconds") == "2:50:09 PM"
    assert format_board_time(AT, BoardClock("America/New_York", 12), "time") == "4:05 AM"


def test_it_takes_unix_times_and_naive_datetimes_as_utc():
    epoch = AT.timestamp()
    for value in (epoch, int(epoch), Decimal(str(epoch)), str(epoch), AT.replace(tzinfo=None)):
        assert format_board_time(value, KATHMANDU, "seconds") == "14:50:09", value
    assert iso_utc(epoch) == "2026-12-03T09:05:09Z"


def test_a_time_that_has_not_happened_is_empty():
    assert format_board_time(None, KATHMANDU) == ""
    assert iso_utc(None) == ""


def test_an_unknown_zone_shows_utc_rather_than_failing_the_render():
    assert format_board_time(AT, BoardClock("Mars/Olympus_Mons"), "time") == "09:05"


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(TypeError, match="a Unix time or a datetime, not list"):
        format_board_time([1], KATHMANDU)
    with pytest.raises(ValueError, match="shown is one of datetime, time, seconds, not 'date'"):
        format_board_time(AT, KATHMANDU, "date")


def test_the_tag_uses_the_clock_it_is_given():
    html = Template("{% load board_time %}{% board_time at clock 'time' %}").render(
        Context({"at": AT, "clock": BoardClock("Asia/Kathmandu", 12)})
    )
    assert html == "2:50 PM"


def test_the_worker_renders_the_alert_history_in_the_boards_zone_and_clock():
    fired = AT.timestamp()
    rows = (AlertHistoryRow(9, "No agent ready", fired, fired + 600, fired + 60, "ada"),)
    board = settings(time_zone="Asia/Kathmandu", clock_hours=12)
    view = board_view(board, stored([], []), Audience.SUPERVISOR, Extras(alert_history=rows))
    history = next(f.html for f in render_board(view).fragments if f.id == "alert-history")
    times = re.findall(r"<time>([^<]*)</time>", history)
    assert times == ["3 Dec 2:50 PM", "3 Dec 3:00 PM", "3 Dec 2:51 PM"]
    assert "UTC" not in history
