"""Every theme (dark, light, high contrast) with an accent colour and a logo, on the TV, the
supervisor board and the public status page of the busy floor: the page wears the theme, the
accent and the logo, and axe-core finds no serious or critical WCAG 2.1 AA violation (both
phases of an alert's flash, at 1920x1080 and 1280x720). A screenshot of each page in each
theme at 1920x1080 goes to /tmp/themes/, and of the TV at 720p, 4K and portrait too."""

import base64
import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from boards.look_views import accent_ink
from demo import names as demo
from tests.browser import test_accessibility as a11y
from tests.browser.board import SOCKET_STATE, Tab, log_in_as_demo_admin
from tests.stack import Stack

pytestmark = pytest.mark.browser

# The busy floor and the page axe can be added to, as the accessibility tests have them.
live_floor = a11y.live_floor
axe_browser = a11y.axe_browser

# An accent per theme, with black ink on some and white on others.
ACCENTS = {"dark": "#7b2cbf", "light": "#e4572e", "contrast": "#ffd400"}
SHOTS = Path(tempfile.gettempdir()) / "themes"
BOARDS = list(demo.DEMO_BOARDS.values())
MESSAGE = "Team huddle at 15:00 in room 2"
# The look of the demo boards, and a message to the floor on each (its label is in the
# accent): applied by the stack's own manage.py, as an admin's save would be.
SET_LOOK = """
import base64
from boards.logos import reencode_logo, store_logo
from boards.messages import BoardMessage
from boards.models import Board
for board in Board.objects.filter(slug__in={slugs!r}):
    board.theme, board.accent_color = {theme!r}, {accent!r}
    board.save()
    store_logo(board, reencode_logo(base64.b64decode({logo!r})) if {logo!r} else None)
    BoardMessage.objects.filter(board=board, text={message!r}).delete()
    if {logo!r}:
        BoardMessage.objects.create(board=board, text={message!r})
"""
LOGO_STATE = """() => {
  const logo = document.querySelector("#board-logo");
  const header = document.querySelector(".board__header").getBoundingClientRect();
  const box = logo.getBoundingClientRect();
  return {loaded: logo.complete && logo.naturalWidth > 0, alt: logo.alt, height: box.height,
          inHeader: box.top >= header.top - 1 && box.bottom <= header.bottom + 1};
}"""
ACCENT_OF_PAGE = """() => {
  const style = getComputedStyle(document.body);
  return [style.getPropertyValue("--accent").trim(), style.getPropertyValue("--accent-ink").trim()];
}"""


def a_logo() -> bytes:
    """A brand mark as a customer would upload it: a PNG with transparency, larger
    than a header needs (the upload re-encodes and scales it)."""
    image = Image.new("RGBA", (1200, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 40, 320, 360), radius=80, fill=(0, 114, 178, 255))
    draw.ellipse((80, 120, 240, 280), fill=(240, 228, 66, 255))
    for n, width in enumerate((820, 700, 560)):
        top = 70 + n * 100
        draw.rounded_rectangle(
            (380, top, 380 + width, top + 60), radius=30, fill=(0, 158, 115, 255)
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def set_look(stack: Stack, theme: str, accent: str, logo: bytes | None) -> None:
    encoded = base64.b64encode(logo).decode() if logo else ""
    code = SET_LOOK.format(slugs=BOARDS, theme=theme, accent=accent, logo=encoded, message=MESSAGE)
    stack.manage("shell", "-c", code)


@pytest.fixture(params=list(ACCENTS))
def themed(request: pytest.FixtureRequest, live_floor: Stack) -> Iterator[tuple[Stack, str]]:
    """The demo boards in this theme, with its accent, the logo and a message; dark and plain
    after."""
    theme = request.param
    set_look(live_floor, theme, ACCENTS[theme], a_logo())
    try:
        yield live_floor, theme
    finally:
        set_look(live_floor, "dark", "", None)


def expect_the_look(page: Page, theme: str, title: str) -> None:
    expect(page.locator("body")).to_have_attribute("data-theme", theme)
    scheme = "light" if theme == "light" else "dark"
    expect(page.locator('meta[name="color-scheme"]')).to_have_attribute("content", scheme)
    accent = ACCENTS[theme]
    assert page.evaluate(ACCENT_OF_PAGE) == [accent, accent_ink(accent)]
    expect(page.locator("#board-logo")).to_be_visible()
    logo = page.evaluate(LOGO_STATE)
    assert logo["loaded"], logo
    assert logo["alt"] == title
    assert logo["inHeader"], logo
    assert 20 <= logo["height"] <= 80, logo  # at 1920x1080: readable, and no taller than the header


FOCUS_RING = """() => {
  const style = getComputedStyle(document.activeElement);
  return {tag: document.activeElement.tagName, outline: style.outlineStyle,
          colour: style.outlineColor};
}"""


def expect_a_focus_ring_in_the_accent(page: Page, accent: str) -> None:
    """Keyboard focus (Tab) shows a ring in the board's accent."""
    page.locator("body").focus()
    page.keyboard.press("Tab")
    ring = page.evaluate(FOCUS_RING)
    red, green, blue = (int(accent[i : i + 2], 16) for i in (1, 3, 5))
    assert ring["tag"] != "BODY", ring
    assert ring["outline"] == "solid", ring
    assert ring["colour"] == f"rgb({red}, {green}, {blue})", ring
    page.keyboard.press("Shift+Tab")


def shoot(page: Page, theme: str, where: str, width: int = 1920, height: int = 1080) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": height})
    page.screenshot(path=str(SHOTS / f"{theme}-{where}-{width}x{height}.png"))


# A TV's header is sized from the screen: the logo with it, from 720p to 4K and portrait.
TV_SIZES = [(1280, 720, 14, 40), (3840, 2160, 60, 160), (1080, 1920, 30, 80)]


def expect_the_logo_fits_the_header_at_every_tv_size(page: Page, theme: str) -> None:
    for width, height, lowest, highest in TV_SIZES:
        shoot(page, theme, "tv", width, height)
        logo = page.evaluate(LOGO_STATE)
        assert logo["inHeader"], (width, height, logo)
        assert lowest <= logo["height"] <= highest, (width, height, logo)


def test_the_tv_board_wears_its_theme_accent_and_logo_at_aa(themed, axe_browser: Tab) -> None:
    stack, theme = themed
    page = axe_browser.page
    page.goto(stack.tv_url())
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    expect(page.locator(".agent--on_call").first).to_be_attached(timeout=10_000)
    a11y.expect_the_floor_is_busy(page, alert=True)
    expect(page.locator(".message__text", has_text=MESSAGE)).to_be_visible()
    expect_the_look(page, theme, page.locator("#board-title").inner_text())
    expect_the_logo_fits_the_header_at_every_tv_size(page, theme)
    shoot(page, theme, "tv")
    a11y.audit_at_every_size(page, f"tv {theme}")


def test_the_supervisor_board_wears_its_theme_accent_and_logo_at_aa(
    themed, axe_browser: Tab
) -> None:
    stack, theme = themed
    page = axe_browser.page
    log_in_as_demo_admin(page, stack.url(""), f"/boards/{demo.DEMO_BOARDS['supervisor']}/")
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    expect(page.locator(".agent-row.agent--on_call").first).to_be_attached(timeout=10_000)
    a11y.expect_the_floor_is_busy(page, alert=True)
    expect(page.locator(".alarm__ack").first).to_be_visible()
    expect(page.locator(".message__text", has_text=MESSAGE)).to_be_visible()
    expect(page.locator(".messages-table")).to_be_visible()
    expect_the_look(page, theme, page.locator("#board-title").inner_text())
    expect_a_focus_ring_in_the_accent(page, ACCENTS[theme])
    shoot(page, theme, "supervisor")
    a11y.audit_at_every_size(page, f"supervisor {theme}")


def test_the_public_page_wears_its_theme_accent_and_logo_at_aa(themed, axe_browser: Tab) -> None:
    stack, theme = themed
    page = axe_browser.page
    page.goto(stack.public_url())
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    a11y.expect_the_floor_is_busy(page, alert=False)
    expect_the_look(page, theme, page.locator("#board-title").inner_text())
    shoot(page, theme, "public")
    a11y.audit_at_every_size(page, f"public {theme}")
