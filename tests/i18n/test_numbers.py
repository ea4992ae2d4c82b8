"""Numbers on a board are written its language's way; what scripts and clients read is not."""

import re

import pytest

from boards import public_api
from boards.audience import Audience
from boards.language import board_language
from boards.presenters import board_view
from boards.rendering import render_board
from boards.templatetags.boards_extras import (
    about_wait,
    count,
    counted,
    duration,
    percent,
    percent_figure,
    seconds,
)
from snapshots.models import AgentToday, TodayCounts
from tests.boards.factories import agent, call, queue, queue_today, settings, stored


@pytest.mark.parametrize(
    ("language", "rate", "figure", "thousands"),
    [
        ("en", "7.3 %", "86.5 %", "12,345"),
        ("de", "7,3 %", "86,5 %", "12.345"),
        ("fr", "7,3 %", "86,5 %", "12\xa0345"),
        ("es", "7,3 %", "86,5 %", "12\xa0345"),
        ("nl", "7,3 %", "86,5 %", "12.345"),
    ],
)
def test_percentages_decimals_and_thousands_follow_the_board_language(
    language, rate, figure, thousands
):
    with board_language(language):
        assert percent(0.073) == rate
        assert percent_figure(86.46, 1) == figure
        assert percent_figure(86.5) == "86 %"  # rounded as before: half to even
        assert count(12345) == thousands
        assert count(999) == "999"


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "nl"])
def test_durations_stay_minutes_and_seconds_in_every_language(language):
    with board_language(language):
        assert duration(65) == "1:05"
        assert duration(3725) == "1:02:05"
        assert seconds(40.4) == "0:40"


def test_a_count_and_its_words_agree_in_number():
    with board_language("fr"):
        assert counted(1, "answered") == "1 répondu"
        assert counted(1234, "answered") == "1\xa0234 répondus"
    with board_language("de"):
        assert counted(1, "callers waiting") == "1 Anrufer wartet"
        assert counted(3, "callers waiting") == "3 Anrufer warten"
        assert about_wait(3 * 3600 + 5 * 60) == "etwa 3 Std. 05 Min."
    assert counted(1, "calls") == "1 call" and counted(2, "calls") == "2 calls"


def test_what_scripts_read_stays_machine_readable_in_a_decimal_comma_language():
    today = queue_today(inbound=3, answered=2, within=2)
    counts = TodayCounts(
        date="2027-01-15",
        time_zone="UTC",
        total=today,
        queues={100134: today},
        agents={1: AgentToday(answered=2, placed=1, talked=2, talk_total=123.5)},
    )
    snapshot = stored(
        [agent(1, "John Smith", calls=[call()])], [queue(100134, "Sales")], today=counts
    )
    view = board_view(settings(language="de"), snapshot, Audience.SUPERVISOR)
    body = render_board(view).body
    assert 'data-talk="123.5"' in body
    for since in re.findall(r'data-since="([^"]*)"', body):
        assert "," not in since
    public = board_view(settings(language="de"), snapshot, Audience.PUBLIC)
    with board_language("de"):
        svg = public_api.badge_svg(public.queues[0], False)
    assert re.findall(r' x="([^"]+)"', svg) and all(
        re.fullmatch(r"[0-9.]+", x) for x in re.findall(r' x="([^"]+)"', svg)
    )
