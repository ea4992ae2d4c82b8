"""Replay on the supervisor page: the slider rewinds the board to a moment the worker's polls
recorded (snapshots/replay.py), shows it as it was in place of the live board, and "Back to
live" returns. The interval chart loads with the page. Screenshots in test-artifacts/."""

import re
import time

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.board import log_in_as_demo_admin, open_tab, save_screenshot
from tests.processes import wait_until
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

SUPPORT = 100135
PATH = "/boards/supervisor/"
ON_CALL = ".agent-row.agent--on_call"


def test_the_slider_shows_the_board_as_it_was_and_returns_to_live(
    webhook_stack: Stack, browser: Browser
) -> None:
    stack = webhook_stack
    tab = open_tab(browser, 1600, 1000)
    try:
        page = tab.page
        log_in_as_demo_admin(page, stack.url(""), PATH)
        expect(page.locator("body[data-synced]")).to_be_attached()
        expect(page.locator(ON_CALL)).to_have_count(0)
        agents = page.locator(".agent-rows > [id]").count()
        calm = time.time()
        # Two seconds of the calm board, so that its middle is a moment of its own.
        wait_until(
            lambda: page.evaluate("window.Wallboard.serverNow()") > (calm + 2) * 1000,
            10,
            "two seconds of the calm board",
        )
        for n in range(2):
            body = {"from_number": f"+155501088{n:02d}", "patience": 600}
            stack.control("POST", f"/accounts/{ACCOUNT_ID}/queues/{SUPPORT}/callers", body)
        stack.control("POST", "/time/advance", {"seconds": 5})
        expect(page.locator(ON_CALL).first).to_be_attached(timeout=30_000)
        expect(page.locator("#interval-chart .panel__title")).to_contain_text("quarter hour")

        slider = page.locator("#replay-slider")
        slider.fill(str(-round(time.time() - (calm + 1))))
        frame = page.frame_locator("#replay-frame")
        expect(page.locator("#replay-frame")).to_be_visible()
        expect(page.locator("#board-body")).to_be_hidden()
        expect(frame.locator("body.board--replay .agent-rows > [id]")).to_have_count(agents)
        expect(frame.locator(ON_CALL)).to_have_count(0)  # as it was: nobody on a call yet
        expect(page.locator("#replay-moment")).to_contain_text(re.compile(r"\(\u22120:00:\d\d\)"))
        expect(page.get_by_role("button", name="Back to live")).to_be_visible()
        save_screenshot(page, "supervisor-replay-1600x1000.png")

        page.get_by_role("button", name="Back to live").click()
        expect(page.locator("#replay-frame")).to_be_hidden()
        expect(page.locator("#board-body")).to_be_visible()
        expect(page.locator(ON_CALL).first).to_be_attached()  # live again, still current
        expect(page.locator("#replay-moment")).to_have_text("Live")
        assert tab.unexpected_console_errors() == []
    finally:
        tab.page.context.close()
