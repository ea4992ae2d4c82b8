"""The supervisor's agent table sorts by today's figures: calls answered and talk time, fewest
first on the first click and most first on the second, and stays sorted as rows are pushed;
its headings and cells fit its box at every desktop size."""

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.board import log_in_as_demo_admin, open_tab, save_screenshot
from tests.browser.test_phone import TEXT_BOXES
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

SALES, SUPPORT = 100134, 100135
PATH = "/boards/supervisor/"


def figures(page: Page, key: str) -> list[float]:
    return page.eval_on_selector_all(
        ".agent-rows > [id]", f"rows => rows.map(row => parseFloat(row.dataset.{key}) || 0)"
    )


def test_the_agent_table_sorts_by_calls_answered_and_talk_time(
    webhook_stack: Stack, browser: Browser
) -> None:
    stack = webhook_stack
    for n in range(4):
        body = {"from_number": f"+155501077{n:02d}", "patience": 600}
        stack.control("POST", f"/accounts/{ACCOUNT_ID}/queues/{SALES}/callers", body)
    for _ in range(4):  # answers, in steps the queue reacts to
        stack.control("POST", "/time/advance", {"seconds": 5})

    tab = open_tab(browser, 1600, 1000)
    try:
        page = tab.page
        log_in_as_demo_admin(page, stack.url(""), PATH)
        # Some agents answered today, some did not: there is an order to see.
        expect(page.locator('.agent-rows > [data-answered="0"]').first).to_be_attached()
        expect(page.locator('.agent-rows > :not([data-answered="0"])').first).to_be_attached(
            timeout=30_000
        )

        for key, label in (("answered", "Today"), ("talk", "Talk · AHT")):
            header = page.locator(f'[data-sort="{key}"]')
            header.get_by_role("button", name=label).click()
            expect(header).to_have_attribute("aria-sort", "ascending")
            shown = figures(page, key)
            assert shown == sorted(shown), (key, shown)
            header.get_by_role("button", name=label).click()
            expect(header).to_have_attribute("aria-sort", "descending")
            shown = figures(page, key)
            assert shown == sorted(shown, reverse=True), (key, shown)
        assert tab.unexpected_console_errors() == []
    finally:
        tab.page.context.close()


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1600, 900), (1920, 1080)])
def test_no_heading_or_cell_of_the_agent_table_is_drawn_over_another_text(
    stack: Stack, browser: Browser, width: int, height: int
) -> None:
    """At 1280x720 the last heading ("Talk · AHT") used to run past the table, over the queue
    details beside it: the columns now fit the table's box at every width."""
    tab = open_tab(browser, width, height)
    try:
        page = tab.page
        log_in_as_demo_admin(page, stack.url(""), PATH)
        expect(page.locator(".agent-rows > [id]").first).to_be_attached()
        page.evaluate("document.fonts.ready")
        save_screenshot(page, f"supervisor-{width}x{height}.png")
        for part in (".board__header", ".detail-grid"):
            found = page.locator(part).evaluate(TEXT_BOXES)
            assert found["count"] > 0 and found["overlapping"] == [], (part, found)
            assert found["pastTheEdge"] == [], (part, found)
        table = page.locator(".agents-table").bounding_box()
        for heading in page.locator(".agent-row--head > *").all():
            box = heading.bounding_box()
            assert box["x"] + box["width"] <= table["x"] + table["width"] + 1, heading
        assert tab.unexpected_console_errors() == []
    finally:
        tab.page.context.close()
