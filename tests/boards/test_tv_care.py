"""TV care on the server side: which board a playlist shows when, the TV page it renders, the
build id, business hours and their validation."""

import re
from datetime import time as clock
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client

from boards import playlists
from boards.models import Board, KioskToken, PlaylistEntry
from boards.tv_care import BoardHours
from tests.polling.helpers import add_account
from wallboard import build

pytestmark = pytest.mark.django_db

HOUR = 3600.0
# A multiple of the test playlists' cycle (10 + 20 s): slot boundaries fall on round numbers.
EPOCH = 1_800_000_000.0 - 1_800_000_000.0 % 30


@pytest.fixture
def boards(redis_client) -> tuple[Board, Board, Board]:
    account = add_account()
    return tuple(
        Board.objects.create(title=title, slug=title.lower(), account=account)
        for title in ("Floor", "Sales", "Support")
    )


def _token(board: Board, *stops: tuple[Board, int]) -> tuple[KioskToken, str]:
    token, plain = KioskToken.issue(board, "Wall")
    for position, (stop, seconds) in enumerate(stops):
        PlaylistEntry.objects.create(token=token, board=stop, seconds=seconds, position=position)
    return token, plain


def test_a_token_without_a_playlist_shows_its_own_board_for_good(boards):
    floor, _, _ = boards
    token, _ = _token(floor)
    screen = playlists.screen_at(token, EPOCH)
    assert (screen.board, screen.position, screen.total, screen.ends_at) == (floor, 1, 1, None)


def test_the_playlist_stop_follows_the_clock_in_order(boards):
    floor, sales, support = boards
    token, _ = _token(floor, (sales, 10), (support, 20))
    at = {offset: playlists.screen_at(token, EPOCH + offset) for offset in (0, 9.9, 10, 29.9, 30)}
    assert [at[o].board.title for o in sorted(at)] == [
        "Sales",
        "Sales",
        "Support",
        "Support",
        "Sales",
    ]
    assert at[0].ends_at == EPOCH + 10 and at[10].ends_at == EPOCH + 30
    assert (at[10].position, at[10].total, at[10].next_title) == (2, 2, "Sales")
    # The token's permission covers its own board and every board of its playlist.
    assert at[0].board_ids == {floor.pk, sales.pk, support.pk}


def test_a_stop_shorter_than_the_minimum_is_stretched(boards, settings):
    settings.PLAYLIST_MIN_SECONDS = 5
    floor, sales, support = boards
    token, _ = _token(floor, (sales, 1), (support, 1))
    assert playlists.screen_at(token, EPOCH).ends_at == EPOCH + 5
    with pytest.raises(ValidationError, match="at least 5 seconds"):
        PlaylistEntry(token=token, board=sales, seconds=2).full_clean()


def test_a_stop_whose_board_cannot_be_read_is_skipped_for_its_slot(boards, caplog):
    floor, sales, support = boards
    token, _ = _token(floor, (sales, 10), (support, 20))
    Board.objects.filter(pk=support.pk).update(business_days=5)  # not a list: unreadable
    screen = playlists.screen_at(token, EPOCH + 15)
    assert (screen.board, screen.ends_at) == (floor, EPOCH + 30)  # its own board meanwhile
    assert f"skipping board={support.pk}" in caplog.text


def test_the_tv_page_shows_the_stop_of_now_with_its_hours_and_build(boards):
    floor, sales, support = boards
    support.opens_at, support.closes_at = clock(8), clock(17, 30)
    support.save()
    _, plain = _token(floor, (sales, 10), (support, 20))
    with mock.patch("boards.views.time.time", return_value=EPOCH + 12):
        page = Client().get(f"/tv/{plain}/").content.decode()
    assert '<h1 id="board-title" class="board__title">Support</h1>' in page
    assert "<title>Support · Voice360 wallboard</title>" in page
    assert "2/2 · next: Sales" in page
    assert 'data-opens="08:00" data-closes="17:30" data-days="1,2,3,4,5"' in page
    assert f'data-build="{build.build_id()}.' in page  # and the board's look


def test_public_pages_carry_no_business_hours(boards):
    floor, _, _ = boards
    Board.objects.filter(pk=floor.pk).update(is_public=True)
    page = Client().get("/status/floor/").content.decode()
    assert 'id="board-hours"' not in page and f'data-build="{build.build_id()}.' in page


def test_hours_are_in_the_accounts_time_zone_and_default_to_always_open(boards):
    floor, _, _ = boards
    floor.account.time_zone = "Europe/Berlin"
    hours = BoardHours.of(floor)
    assert (hours.time_zone, hours.opens, hours.closes) == ("Europe/Berlin", "", "")
    assert (hours.days, hours.night_mode, hours.reload_hour) == ((1, 2, 3, 4, 5), True, 4)
    element = render_to_string("boards/_board_hours.html", {"hours": hours})
    assert 'data-night-mode="on" data-reload-hour="4"' in element


@pytest.mark.parametrize("days", [[0], [8], ["1"], "1,2", [True]])
def test_business_days_must_be_iso_weekdays(boards, days):
    floor, _, _ = boards
    floor.business_days = days
    with pytest.raises(ValidationError, match="ISO weekdays"):
        floor.full_clean()


@pytest.fixture
def forget_build_id():
    """Let the test compute the build id afresh; the process does again after it."""
    build.build_id.cache_clear()
    yield build.build_id.cache_clear
    build.build_id.cache_clear()


def test_the_build_id_follows_the_static_files_and_templates(settings, tmp_path, forget_build_id):
    static, templates = tmp_path / "static", tmp_path / "templates"
    static.mkdir()
    templates.mkdir()
    settings.STATICFILES_DIRS = [static]
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [templates]}]
    settings.BUILD_ID = ""
    (static / "protocol.js").write_text("one")
    first = build.build_id()
    (static / "protocol.js").write_text("two")
    assert build.build_id() == first  # computed once per process
    forget_build_id()
    second = build.build_id()
    assert second != first and len(first) == 12
    (templates / "_queue.html").write_text("<article>")
    forget_build_id()
    assert build.build_id() != second  # new markup is a new build too
    settings.BUILD_ID = "release-42"
    forget_build_id()
    assert build.build_id() == "release-42"


def test_the_admin_edits_a_screens_playlist_and_a_boards_days_as_ticks(boards, admin_client):
    floor, sales, _ = boards
    token, _ = _token(floor, (sales, 10))
    page = admin_client.get(f"/admin/boards/kiosktoken/{token.pk}/change/").content.decode()
    assert 'name="playlist-TOTAL_FORMS" value="1"' in page
    assert 'name="playlist-0-seconds" value="10"' in page
    page = admin_client.get(f"/admin/boards/board/{floor.pk}/change/").content.decode()
    assert re.search(r'type="checkbox" name="business_days" value="5"[^>]*checked', page)
    assert not re.search(r'type="checkbox" name="business_days" value="6"[^>]*checked', page)
