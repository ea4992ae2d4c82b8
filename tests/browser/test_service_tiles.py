"""The demo TV with its service figures (service level against the target, calls waiting, the
longest wait, today's strip, the leaderboard, time in state, and the staffing forecast where
the board turns it on) fits every screen size the board supports, landscape and portrait: no
scrolling, nothing off screen or cut off, and no two texts of a tile drawn over each other.
Screenshots are kept in test-artifacts/."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.board import open_board, open_tab, save_screenshot
from tests.browser.fit import MEASURE
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

SALES, SUPPORT = 100134, 100135
TARGET_WORD = re.compile(r"(Met|Below target|No calls yet)\s*$")  # after its icon
SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]


def callers(stack: Stack, queue_id: int, count: int, patience: int) -> None:
    for n in range(count):
        body = {"from_number": f"+1555010{queue_id % 100:02d}{n:02d}", "patience": patience}
        stack.control("POST", f"/accounts/{ACCOUNT_ID}/queues/{queue_id}/callers", body)


@pytest.fixture
def busy_stack(webhook_stack: Stack) -> Stack:
    """The demo with webhooks and calls: some answered (a service level), some waiting."""
    stack = webhook_stack
    callers(stack, SALES, 3, patience=900)
    callers(stack, SUPPORT, 12, patience=900)  # two-digit waiting: the widest figures
    for _ in range(4):  # 20 simulated seconds, in steps the queues react to: answers
        stack.control("POST", "/time/advance", {"seconds": 5})
    return stack


def tv_shows_forecast(stack: Stack, shown: bool) -> None:
    """Turn the demo TV's forecast line on or off, as the admin would (a save re-renders)."""
    stack.manage(
        "shell",
        "-c",
        "from boards.models import Board; board = Board.objects.get(slug='floor-tv'); "
        f"board.tv_shows_forecast = {shown!r}; board.save()",
    )


@pytest.fixture(params=[False, True], ids=["", "with-forecast"])
def forecast_on_tv(request: pytest.FixtureRequest, busy_stack: Stack) -> Iterator[bool]:
    if request.param:
        tv_shows_forecast(busy_stack, True)
    yield request.param
    if request.param:
        tv_shows_forecast(busy_stack, False)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_tv_with_its_service_figures_fits_and_nothing_overlaps(
    busy_stack: Stack, forecast_on_tv: bool, browser: Browser, width: int, height: int
) -> None:
    tab = open_tab(browser, width, height)
    try:
        page = open_board(tab, busy_stack.tv_url())
        expect(page.locator(".tile__forecast")).to_have_count(2 if forecast_on_tv else 0)
        for queue_id in (SALES, SUPPORT):
            tile = page.locator(f"#queue-{queue_id}")
            # The figures came from the sandbox's webhooks: a service level with its word.
            expect(tile.locator(".tile__number--sl dd")).to_contain_text("%", timeout=30_000)
            expect(tile.locator(".tile__sl-word")).to_have_text(TARGET_WORD)
            expect(tile.locator(".tile__number--waiting dd")).to_have_text(re.compile(r"^\D*\d+"))
            expect(tile.locator(".tile__today")).to_be_visible()
        expect(page.locator("#today-total")).to_contain_text("Answered")
        page.evaluate("document.fonts.ready")
        forecast = "-forecast" if forecast_on_tv else ""
        save_screenshot(page, f"tv-service{forecast}-{width}x{height}.png")

        report = page.evaluate(MEASURE)

        assert report["document"] == [width, height], report
        assert report["offScreen"] == [], report
        assert report["cutOff"] == [], report
        assert report["overlapping"] == [], report
        assert tab.unexpected_console_errors() == []

        # The measure sees a text drawn over the figures (a tile's day line pulled up).
        page.evaluate(
            """() => document.querySelectorAll(".tile__today")
                .forEach((line) => { line.style.marginTop = "-3em"; })"""
        )
        drawn_over = page.evaluate(MEASURE)["overlapping"]
        assert any("tile__today" in o for o in drawn_over), drawn_over
    finally:
        tab.page.context.close()
