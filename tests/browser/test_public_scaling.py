"""The public status page scales like the TV: opened by itself it fills a large screen with
text that grows with it (from 1280x720 to 3840x2160), without scrollbars; inside a customer's
iframe, small or wide and low, it fits its frame, still without scrollbars."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from tests.browser.board import SOCKET_STATE, open_board, open_tab, save_screenshot, serve_page
from tests.browser.test_phone import TEXT_BOXES
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

SCREENS = [(1280, 720), (1920, 1080), (3840, 2160)]
FRAMES = [(400, 300), (800, 200)]
SUPPORT = 100135
SMALLEST_TEXT_PX = 11  # in the smallest frame, still read without zooming
# What the page shows publicly, all of it: today's calls and the service level too.
SHOW_ALL = """
from boards.models import Board
board = Board.objects.get(slug="support-status")
board.public_shows_today = board.public_shows_service_level = {on}
board.save()
"""

# The page's size against its viewport, the tiles' share of it, and the queue name's size.
MEASURE = """() => {
  const doc = document.documentElement, vw = innerWidth, vh = innerHeight;
  const tiles = [...document.querySelectorAll(".queues .tile")]
    .map((t) => t.getBoundingClientRect());
  const area = tiles.reduce((sum, r) => sum + r.width * r.height, 0);
  const name = document.querySelector(".queues .tile__name");
  return {
    viewport: [vw, vh],
    scroll: [doc.scrollWidth, doc.scrollHeight,
             document.body.scrollWidth, document.body.scrollHeight],
    tileShare: area / (vw * vh),
    offScreen: tiles.filter((r) =>
      r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > vh + 1).length,
    nameHeight: name.getBoundingClientRect().height,
    smallestTextPx: Math.min(...[...document.querySelectorAll(".queues .tile *")]
      .filter((e) => e.getClientRects().length && e.textContent.trim())
      .map((e) => parseFloat(getComputedStyle(e).fontSize))),
  };
}"""


def measure(where: Page | Frame) -> dict:
    sizes = where.evaluate(MEASURE)
    width, height = sizes["viewport"]
    assert sizes["scroll"] == [width, height, width, height], f"scrollbars: {sizes}"
    assert sizes["offScreen"] == 0, sizes
    for tile in where.locator(".queues .tile").all():
        found = tile.evaluate(TEXT_BOXES)
        assert found["overlapping"] == [], found
    return sizes


@pytest.fixture
def public_floor(webhook_stack: Stack) -> Iterator[Stack]:
    """The public page with every line a tile can have: calls answered today (the webhooks
    count them), today's figures and the service level published."""
    stack = webhook_stack
    stack.manage("shell", "-c", SHOW_ALL.format(on=True))
    for n in range(2):
        body = {"from_number": f"+155501088{n:02d}", "patience": 600}
        stack.control("POST", f"/accounts/{ACCOUNT_ID}/queues/{SUPPORT}/callers", body)
    for _ in range(3):  # answers, in steps the queue reacts to
        stack.control("POST", "/time/advance", {"seconds": 5})
    yield stack
    stack.manage("shell", "-c", SHOW_ALL.format(on=False))


def test_the_public_page_by_itself_scales_up_with_the_screen(
    public_floor: Stack, browser: Browser
) -> None:
    heights = []
    for width, height in SCREENS:
        tab = open_tab(browser, width, height)
        try:
            page = open_board(tab, public_floor.public_url())
            expect(page.locator(f"#queue-{SUPPORT} .tile__name")).to_have_text("Support Queue")
            expect(page.locator(f"#queue-{SUPPORT} .tile__today")).to_be_visible(timeout=15_000)
            page.evaluate("document.fonts.ready")
            save_screenshot(page, f"public-{width}x{height}.png")
            sizes = measure(page)
            # The queue takes most of the screen, as a TV's tiles do, not a card in a corner.
            assert sizes["tileShare"] >= 0.7, sizes
            heights.append(sizes["nameHeight"])
            assert tab.unexpected_console_errors() == []
        finally:
            tab.page.context.close()
    assert heights == sorted(heights) and len(set(heights)) == len(heights), heights
    # Three times the screen's height, (about) three times the text.
    assert heights[-1] >= 2.5 * heights[0], heights


@pytest.fixture
def customer_site(stack: Stack) -> Iterator[str]:
    """A customer's page on a server of its own (another origin) framing the public page at
    each of FRAMES' sizes."""
    frames = "".join(
        f'<iframe title="Support line status {w}x{h}" src="{stack.public_url()}" '
        f'width="{w}" height="{h}"></iframe>'
        for w, h in FRAMES
    )
    page = f'<!doctype html><html lang="en"><title>Customer site</title><body>{frames}'
    with serve_page(page) as url:
        yield url


def test_the_public_page_in_an_iframe_fits_its_frame(
    public_floor: Stack, customer_site: str, browser: Browser
) -> None:
    tab = open_tab(browser, 1300, 800)
    try:
        page = tab.page
        page.goto(customer_site)
        for index in range(len(FRAMES)):
            framed = page.frame_locator("iframe").nth(index)
            expect(framed.locator(SOCKET_STATE)).to_be_attached()
            expect(framed.locator(f"#queue-{SUPPORT} .tile__name")).to_have_text("Support Queue")
        page.evaluate("document.fonts.ready")
        save_screenshot(page, "public-in-iframes.png")
        embedded = [f for f in page.frames if f.url.startswith(public_floor.public_url())]
        assert len(embedded) == len(FRAMES)
        for frame in embedded:
            sizes = measure(frame)
            assert tuple(sizes["viewport"]) in FRAMES, sizes
            assert sizes["tileShare"] >= 0.5, sizes
            assert sizes["smallestTextPx"] >= SMALLEST_TEXT_PX, sizes
        assert tab.unexpected_console_errors() == []
    finally:
        tab.page.context.close()
