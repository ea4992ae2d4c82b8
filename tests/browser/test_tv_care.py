"""TV care in Chromium against the real stack: a playlist rotating on one websocket, reloads
from the admin, a reload after a deploy (another build id), night mode."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from demo import names as demo
from tests.browser.board import (
    SOCKET_STATE,
    Tab,
    load_id,
    log_in_as_demo_admin,
    open_board,
    open_tab,
)
from tests.stack import Stack

pytestmark = pytest.mark.browser

TITLES = ["Call centre floor", "Supervisor: all queues", "Support line status"]
SALES = 100134
SCREENSHOTS = Path("/tmp")  # noqa: S108 - where the brief asks for them


def _shell(stack: Stack, code: str) -> None:
    prelude = (
        "from datetime import time\n"
        "from boards.models import Board, KioskToken, PlaylistEntry, hash_token\n"
        f"token = KioskToken.objects.get(token_hash=hash_token({demo.demo_kiosk_token()!r}))\n"
    )
    stack.manage("shell", "-c", prelude + code)


@pytest.fixture
def playlist(stack: Stack) -> Iterator[None]:
    """The demo TV rotates through the three demo boards, 5 s each (the default minimum)."""
    slugs = [demo.DEMO_BOARDS[k] for k in ("tv", "supervisor", "public")]
    _shell(
        stack,
        f"for i, slug in enumerate({slugs!r}):\n"
        "    PlaylistEntry.objects.create(token=token, board=Board.objects.get(slug=slug),"
        " seconds=5, position=i)\n",
    )
    yield
    _shell(stack, "PlaylistEntry.objects.filter(token=token).delete()\n")


@pytest.fixture
def hours(stack: Stack) -> Iterator[None]:
    yield
    _shell(stack, "Board.objects.all().update(opens_at=None, closes_at=None)\n")


def _set_hours(stack: Stack, opens: datetime, closes: datetime) -> None:
    """The floor TV's business hours, every day (the demo account's time zone is UTC)."""
    _shell(
        stack,
        f"Board.objects.filter(slug={demo.DEMO_BOARDS['tv']!r}).update("
        f"opens_at=time({opens.hour}, {opens.minute}), "
        f"closes_at=time({closes.hour}, {closes.minute}), business_days=[1, 2, 3, 4, 5, 6, 7])\n",
    )


def _admin(browser: Browser, stack: Stack, path: str) -> Tab:
    admin = open_tab(browser)
    log_in_as_demo_admin(admin.page, stack.url(""), path)
    return admin


def _next_title(page: Page, current: str) -> str:
    title = page.locator("#board-title")
    expect(title).not_to_have_text(current, timeout=12_000)
    return title.inner_text()


def test_a_playlist_rotates_its_boards_on_one_websocket(stack: Stack, tab: Tab, playlist) -> None:
    page = open_board(tab, stack.tv_url())
    document = load_id(page)
    seen = [page.locator("#board-title").inner_text()]
    for _ in range(3):  # three steps: at least two whole rotations between boards
        title = _next_title(page, seen[-1])
        assert TITLES.index(title) == (TITLES.index(seen[-1]) + 1) % 3, (seen, title)
        expect(page).to_have_title(f"{title} · Voice360 wallboard")
        position = TITLES.index(title) + 1
        upcoming = TITLES[position % 3]
        expect(page.locator("#rotation")).to_have_text(f"{position}/3 · next: {upcoming}")
        # The body is this board's: the public status board shows the Support queue alone.
        sales = page.locator(f"#queue-{SALES}")
        expect(sales).to_have_count(0 if title == "Support line status" else 1)
        seen.append(title)
        if title == "Call centre floor":
            page.screenshot(path=str(SCREENSHOTS / "tvcare-rotating.png"))
    assert len(tab.sockets) == 1, "the page reconnected between boards"
    assert page.evaluate("window.__wb.opens") == 1
    assert load_id(page) == document


def test_the_admin_reloads_one_screen_and_all_screens(
    stack: Stack, tab: Tab, browser: Browser
) -> None:
    page = open_board(tab, stack.tv_url())
    first = load_id(page)
    admin = _admin(browser, stack, "/admin/boards/kiosktoken/")
    try:
        row = admin.page.locator("#result_list tr", has_text="Floor TV (demo)")
        row.locator("input[name=_selected_action]").check()
        admin.page.select_option("select[name=action]", "reload")
        with page.expect_event("load", timeout=15_000):
            admin.page.click("button[name=index]")
        expect(page.locator(SOCKET_STATE)).to_be_attached()
        second = load_id(page)
        assert second != first

        # Every screen, spread over SCREEN_RELOAD_SPREAD_SECONDS (10 s by default).
        with page.expect_event("load", timeout=25_000):
            admin.page.click("text=Reload all screens")
        expect(admin.page.locator(".messagelist")).to_contain_text("Every screen reloads")
        expect(page.locator(SOCKET_STATE)).to_be_attached()
        assert load_id(page) not in (first, second)
    finally:
        admin.page.context.close()


def test_a_new_build_after_a_restart_reloads_the_page(stack: Stack, tab: Tab) -> None:
    page = open_board(tab, stack.tv_url())
    old_build = page.locator("body").get_attribute("data-build")
    assert old_build and re.fullmatch(r"[0-9a-f]{12}", old_build)
    tab.expect_connection_errors = True  # the web process goes away for a moment
    web = stack.services["web"]
    try:
        # A deploy: the web process restarts with other static files (here: another id).
        web.env = {**stack.env, "BUILD_ID": "tvcare-next-build"}
        with page.expect_event("load", timeout=30_000):
            stack.restart("web")
        expect(page.locator("body")).to_have_attribute("data-build", "tvcare-next-build")
        expect(page.locator(SOCKET_STATE)).to_be_attached()
    finally:
        web.env = stack.env
        stack.restart("web")


def test_night_mode_dims_the_tv_outside_business_hours_only(
    stack: Stack, tab: Tab, browser: Browser, hours
) -> None:
    now = datetime.now(UTC)
    _set_hours(stack, now + timedelta(hours=2), now + timedelta(hours=3))
    page = open_board(tab, stack.tv_url())
    body = page.locator("body")
    expect(body).to_have_class(re.compile(r"\bis-closed\b"))
    opens = (now + timedelta(hours=2)).strftime("%H:%M")
    chip = page.locator("#closed-chip")
    expect(chip).to_have_text(re.compile(rf"^Closed · opens (today|tomorrow) {opens}$"))
    expect(page.locator(".agent").first).to_be_visible()  # dimmed, still there and live
    page.screenshot(path=str(SCREENSHOTS / "tvcare-night.png"))

    # A supervisor sees "closed" but no dimming.
    admin = _admin(browser, stack, "/boards/")
    try:
        admin.page.goto(stack.url(f"/boards/{demo.DEMO_BOARDS['tv']}/"))
        expect(admin.page.locator("#closed-chip")).to_be_visible()
        expect(admin.page.locator("body")).not_to_have_class(re.compile(r"\bis-closed\b"))
    finally:
        admin.page.context.close()

    _set_hours(stack, now - timedelta(hours=1), now + timedelta(hours=1))
    page.reload()
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    expect(body).not_to_have_class(re.compile(r"\bis-closed\b"))
    expect(chip).to_be_hidden()


def test_night_mode_follows_the_servers_clock_not_the_tvs(stack: Stack, tab: Tab, hours) -> None:
    now = datetime.now(UTC)
    _set_hours(stack, now - timedelta(hours=1), now + timedelta(hours=1))
    # This TV's clock is 12 hours off: by its own clock the board would be closed.
    tab.page.clock.set_system_time(now + timedelta(hours=12))
    page = open_board(tab, stack.tv_url())
    skew_hours = (page.evaluate("Date.now()") / 1000 - now.timestamp()) / 3600
    assert 11.9 < skew_hours < 12.1, skew_hours
    # The page checked the hours at load and after the socket's greeting (#board-hours).
    expect(page.locator("#closed-chip")).to_be_hidden()
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bis-closed\b"))
