"""A composed board (tiles of every kind, boards/tile_kinds.py) on the demo TV fits every
screen size the board supports, landscape and portrait, with and without alerts: no
scrolling, nothing off screen or cut off, no two texts of a tile drawn over each other.
Screenshots are kept in test-artifacts/."""

import json
import re

import pytest
import yaml
from playwright.sync_api import Browser, expect

from demo import names as demo
from tests.browser.board import open_board, open_tab, save_screenshot
from tests.browser.fit import MEASURE
from tests.browser.test_service_tiles import SALES, SUPPORT, busy_stack  # noqa: F401
from tests.stack import ROOT, Stack

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)]
# Every kind, in rows of twelve columns: figures, then queues beside their trend, the agents
# beside the leaderboard, and the day with the banner.
LAYOUT = [
    ("service", 3, {}),
    ("waiting", 3, {"queue": SUPPORT}),
    ("clock", 3, {}),
    ("text", 3, {"text": "Support line 0800 123 456"}),
    ("queues", 8, {}),
    ("trend", 4, {}),
    ("agents", 8, {"sort": "state"}),
    ("leaderboard", 4, {"size": 5}),
    ("today", 8, {}),
    ("messages", 4, {}),
]
COMPOSE = """
import json
from alerts.models import AlertRule
from boards.layout import BoardTile
from boards.messages import BoardMessage
from boards.models import Board
board = Board.objects.get(slug={slug!r})
AlertRule.objects.filter(board=board).delete()
if {layout!r} != "null":
    BoardTile.objects.filter(board=board).delete()
for position, (kind, width, options) in enumerate(json.loads({layout!r}) or []):
    BoardTile.objects.create(
        board=board, position=position, kind=kind, width=width, options=options
    )
for queue_id in json.loads({alerts!r}):
    AlertRule.objects.create(
        board=board, label="Short staffed", queue_id=queue_id, kind="available_at_or_below",
        threshold=100, cooldown_seconds=0,
    )
BoardMessage.objects.filter(board=board).delete()
if {message!r}:
    BoardMessage.objects.create(board=board, text={message!r})
board.save()
"""


MESSAGE = "Team huddle at 15:00 in room 2"


def demo_tiles(slug: str) -> list:
    boards = yaml.safe_load((ROOT / "demo" / "boards.yaml").read_text())["boards"]
    return next(board for board in boards if board["slug"] == slug)["tiles"]


def compose(
    stack: Stack, layout: list | None, alerts: list[int], message: str = "", slug: str = "floor-tv"
) -> None:
    """Lay a demo board out as the admin would (a save re-renders its feeds); None keeps its
    layout. Its alert rules and messages become these."""
    layout_json, alerts_json = json.dumps(layout), json.dumps(alerts)
    code = COMPOSE.format(slug=slug, layout=layout_json, alerts=alerts_json, message=message)
    stack.manage("shell", "-c", code)


CASES = {
    "composed": (LAYOUT, False),
    "composed-with-alerts": (LAYOUT, True),
    "classic-with-alerts": ([], True),  # the demo TV's own layout, every queue alerting
    "demo-composed": (None, False),  # the composed demo board as demo/boards.yaml has it
}


@pytest.mark.parametrize("case", CASES)
def test_the_tv_fits_every_screen_and_nothing_overlaps(
    busy_stack: Stack,  # noqa: F811
    browser: Browser,
    case: str,
) -> None:
    layout, alerting = CASES[case]
    slug, url = "floor-tv", busy_stack.tv_url()
    if layout is None:
        slug, url = "composed", busy_stack.url(f"/tv/{demo.DEMO_COMPOSED_KIOSK_TOKEN}/")
    alerts = [SALES, SUPPORT] if alerting else []
    compose(busy_stack, layout, alerts, message=MESSAGE, slug=slug)
    tiles = demo_tiles(slug) if layout is None else layout
    tab = open_tab(browser, *SIZES[0])
    try:
        page = open_board(tab, url)
        expect(page.locator(".cell")).to_have_count(len(tiles))
        expect(page.locator(".queues .tile")).to_have_count(2)
        expect(page.locator(".agent").first).to_be_visible()
        expect(page.locator(".message__text")).to_have_text(MESSAGE)
        expect(page.locator(".tile__alarms")).to_have_count(2 if alerting else 0, timeout=30_000)
        if tiles:
            expect(page.locator(".figure--service .figure__main")).to_contain_text(
                "%", timeout=30_000
            )
            expect(page.locator(".figure--clock .figure__main")).to_have_text(re.compile(r"\d"))
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.evaluate("document.fonts.ready")
            save_screenshot(page, f"tv-{case}-{width}x{height}.png")

            report = page.evaluate(MEASURE)

            assert report["document"] == [width, height], (width, height, report)
            assert report["offScreen"] == [], (width, height, report)
            assert report["cutOff"] == [], (width, height, report)
            assert report["overlapping"] == [], (width, height, report)
        assert tab.unexpected_console_errors() == []
    finally:
        tab.page.context.close()
        compose(busy_stack, None, [], slug=slug)
        busy_stack.manage("seed_demo")  # the demo boards as they were, rules and tiles
