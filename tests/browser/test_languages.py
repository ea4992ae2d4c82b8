"""A German board in Chromium against the real stack: the page loads its scripts' German words
(/jsi18n/de/) and the scripts write German ("Geschlossen · öffnet ..."), whatever the
browser's own language; an English board's words stay as they were."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from demo import names as demo
from tests.browser.board import Tab, open_board
from tests.stack import Stack

pytestmark = pytest.mark.browser
TV_BOARD = demo.DEMO_BOARDS["tv"]


def _update_tv_board(stack: Stack, fields: str) -> None:
    stack.manage(
        "shell", "-c", f"from datetime import time\nfrom boards.models import Board\n"
        f"Board.objects.filter(slug={TV_BOARD!r}).update({fields})\n",
    )  # fmt: skip


@pytest.fixture
def german_and_closed(stack: Stack) -> Iterator[datetime]:
    """The demo TV's board in German, opening in two hours (every day; the zone is UTC)."""
    opens = datetime.now(UTC) + timedelta(hours=2)
    closes = opens + timedelta(hours=1)
    _update_tv_board(
        stack,
        f"language='de', opens_at=time({opens.hour}, {opens.minute}), "
        f"closes_at=time({closes.hour}, {closes.minute}), business_days=[1, 2, 3, 4, 5, 6, 7]",
    )
    yield opens
    _update_tv_board(stack, "language='en', opens_at=None, closes_at=None")


def test_a_german_tv_writes_its_scripts_words_in_german(
    stack: Stack, tab: Tab, german_and_closed: datetime
) -> None:
    catalogues = []
    tab.page.on("response", lambda r: catalogues.append(r) if "/jsi18n/" in r.url else None)
    page = open_board(tab, stack.tv_url())
    expect(page.locator("html")).to_have_attribute("lang", "de")
    opens = german_and_closed.strftime("%H:%M")
    expect(page.locator("#closed-chip")).to_have_text(
        re.compile(rf"^Geschlossen · öffnet (heute|morgen) um {opens}$")
    )
    expect(page.locator(".connection__label")).to_have_text("GETRENNT")
    assert [(r.url.split("/jsi18n/")[1], r.status) for r in catalogues] == [("de/", 200)]
