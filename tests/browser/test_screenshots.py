"""A wall TV with 200 agents and 20 queues fits the screen, from full HD to 4K: no scrolling,
nothing pushed off screen, no agent's text squeezed to nothing. The screenshots are kept in
test-artifacts/ for a human to look at."""

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.board import open_board, open_tab, save_screenshot
from tests.browser.conftest import LARGE_BOARD_AGENTS
from tests.stack import Stack

pytestmark = pytest.mark.browser

# One pass over the page in the browser: sizes of the document and the board's containers,
# and every queue tile and agent card that leaves the viewport or whose text has no width.
MEASURE = """() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const doc = document.documentElement;
  const outside = (el) => {
    const r = el.getBoundingClientRect();
    return r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1;
  };
  const overflows = (el) =>
    el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  const zeroWidth = (el) => el.getBoundingClientRect().width < 1;
  const cards = [...document.querySelectorAll(".agent")];
  const tiles = [...document.querySelectorAll(".queues .tile")];
  const label = (el) => el.id || el.className;
  return {
    viewport: [vw, vh],
    document: [doc.scrollWidth, doc.scrollHeight],
    body: [document.body.scrollWidth, document.body.scrollHeight],
    agents: cards.length,
    queues: tiles.length,
    overflowing: [...document.querySelectorAll("#board, #board-body, .queues, .agents")]
      .filter(overflows).map(label),
    offScreen: [...cards, ...tiles].filter(outside).map(label),
    zeroWidthText: cards.filter((card) =>
      [...card.querySelectorAll(".agent__name, .agent__state")].some(zeroWidth) ||
      card.querySelector(".agent__name") === null).map(label),
    smallestNamePx: Math.min(...cards.map((card) =>
      parseFloat(getComputedStyle(card.querySelector(".agent__name")).fontSize))),
  };
}"""


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_a_tv_with_200_agents_fits_the_screen(
    large_stack: Stack, browser: Browser, width: int, height: int
) -> None:
    tab = open_tab(browser, width, height)
    try:
        page = open_board(tab, large_stack.tv_url())
        expect(page.locator(".agent")).to_have_count(LARGE_BOARD_AGENTS)
        expect(page.locator(".queues .tile")).to_have_count(20)
        page.evaluate("document.fonts.ready")
        save_screenshot(page, f"tv-{LARGE_BOARD_AGENTS}-agents-{width}x{height}.png")

        sizes = page.evaluate(MEASURE)

        assert sizes["document"] == [width, height], sizes
        assert sizes["body"] == [width, height], sizes
        assert sizes["overflowing"] == [], sizes
        assert sizes["offScreen"] == [], sizes
        assert sizes["zeroWidthText"] == [], sizes
        assert tab.unexpected_console_errors() == []
    finally:
        tab.page.context.close()
