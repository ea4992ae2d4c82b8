"""The board composer end to end: an admin drags a tile (or moves a queue) on the board's
admin page and saves, and the open TV shows it without a reload (the time it took printed); the
preview beside the form follows an edit before it is saved."""

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from demo import names as demo
from tests.browser.board import (
    Tab,
    load_id,
    log_in_as_demo_admin,
    open_board,
    open_tab,
    save_screenshot,
)
from tests.stack import Stack

pytestmark = pytest.mark.browser

BOARD = demo.DEMO_BOARDS["tv"]
SALES, SUPPORT = 100134, 100135
SHOTS = Path("/tmp/composer")  # noqa: S108 (where the brief wants them looked at)
# The worker renders the board anew once the edit is committed and its screens take the new
# render (polling/receivers.py, live/): about 0.3 s here. The test prints what it took and
# fails only past a bound a loaded machine still keeps (a timing is no test on a shared one);
# the figure is the one printed.
WITHIN_SECONDS = 8.0

# The kinds of the TV's tiles and the ids of its queue tiles, in the order it shows them.
CELLS = "() => [...document.querySelectorAll('#board-body section.cell')].map(c => c.classList[1])"
QUEUES = """() => [...document.querySelectorAll('#board-body article[id*="queue-"]')]
  .map(a => Number(a.id.split("queue-")[1]))"""

SETUP = """
from boards.layout import BoardTile
from boards.models import Board
board = Board.objects.get(slug={slug!r})
board.tiles.all().delete()
for position, (kind, options) in enumerate({tiles!r}, 1):
    BoardTile.objects.create(board=board, kind=kind, position=position, options=options)
board.queue_ids = {queue_ids!r}
board.save()  # the screens refresh on the board's save
print(board.pk)
"""


def compose(stack: Stack, tiles: list, queue_ids: list[int]) -> int:
    """The TV's board with these tiles (kind, options) and queues; returns its id."""
    code = SETUP.format(slug=BOARD, tiles=tiles, queue_ids=queue_ids)
    return int(stack.manage("shell", "-c", code).split()[-1])


@pytest.fixture
def composed(stack: Stack) -> Iterator[int]:
    """The floor TV's board as a text tile above a queue tile, Sales then Support; after
    the test, the classic layout again."""
    board_id = compose(
        stack, [("text", {"text": "Composer test"}), ("queues", {})], [SALES, SUPPORT]
    )
    yield board_id
    compose(stack, [], [])


@pytest.fixture
def admin(browser: Browser) -> Iterator[Tab]:
    """A second browser window, 1280x800, for the admin."""
    opened = open_tab(browser, 1280, 800)
    try:
        yield opened
    finally:
        opened.page.context.close()
    assert not opened.unexpected_console_errors()


def open_change_page(stack: Stack, admin: Tab, board_id: int) -> Page:
    page = admin.page
    log_in_as_demo_admin(page, stack.url(""), f"/admin/boards/board/{board_id}/change/")
    # django-admin-sortable2 makes the tiles draggable on the window's load.
    page.wait_for_load_state("load")
    expect(page.locator("#composer-preview-frame")).to_be_visible()
    return page


def save_and_time(page: Page, tv: Page, changed: str, expected: list) -> float:
    """Save the admin form; seconds from its answer (the edit committed) to the TV showing
    `expected` from the `changed` script."""
    change = page.url
    with page.expect_response(lambda r: r.request.method == "POST" and r.url == change) as answer:
        page.click("input[name=_save]")
    assert answer.value.status == 302, "the admin refused the form"
    saved = time.monotonic()
    tv.wait_for_function(
        f"(expected) => JSON.stringify(({changed})()) === JSON.stringify(expected)",
        arg=expected,
        timeout=WITHIN_SECONDS * 1000,
    )
    return time.monotonic() - saved


def drag(page: Page, source: str, target: str) -> None:
    """With the mouse, as a person drags: press on `source`'s title bar, move it over the
    top of `target`'s, let go (Playwright's mouse, which Chromium takes as a native drag)."""
    page.drag_and_drop(
        source, target, source_position={"x": 60, "y": 10}, target_position={"x": 60, "y": 3}
    )


def test_a_tile_dragged_in_the_admin_reaches_the_open_tv_without_a_reload(
    stack: Stack, tab: Tab, admin: Tab, composed: int
) -> None:
    tv = open_board(tab, stack.tv_url())
    expect(tv.locator("#board-body section.cell--text")).to_have_text("Composer test")
    assert tv.evaluate(CELLS) == ["cell--text", "cell--queues"]
    document = load_id(tv)

    page = open_change_page(stack, admin, composed)
    drag(page, "#tiles-1 h3", "#tiles-0 h3")
    first = page.locator("#tiles-group .inline-related.has_original .inline_label").first
    assert first.inner_text() == "Queue tile (12/12)", "the drag did not move the tile"
    took = save_and_time(page, tv, CELLS, ["cell--queues", "cell--text"])

    print(f"the TV showed the dragged tile {took:.2f} s after the save")
    assert took <= WITHIN_SECONDS
    assert load_id(tv) == document, "the TV reloaded instead of taking the new render"


def test_a_queue_moved_up_in_the_admin_reaches_the_open_tv_without_a_reload(
    stack: Stack, tab: Tab, admin: Tab, composed: int
) -> None:
    tv = open_board(tab, stack.tv_url())
    expect(tv.locator("#board-body section.cell--queues article")).to_have_count(2)
    assert tv.evaluate(QUEUES) == [SALES, SUPPORT]
    document = load_id(tv)

    page = open_change_page(stack, admin, composed)
    page.get_by_role("button", name="Move Support Queue up").click()
    names = page.locator(".ordered-picks label").all_inner_texts()
    assert [n.strip() for n in names] == ["Support Queue", "Sales Queue"]
    took = save_and_time(page, tv, QUEUES, [SUPPORT, SALES])

    print(f"the TV showed the new queue order {took:.2f} s after the save")
    assert took <= WITHIN_SECONDS
    assert load_id(tv) == document, "the TV reloaded instead of taking the new render"


def test_the_preview_follows_an_edit_before_it_is_saved(
    stack: Stack, tab: Tab, admin: Tab, composed: int
) -> None:
    tv = open_board(tab, stack.tv_url())
    page = open_change_page(stack, admin, composed)
    preview = page.frame_locator("#composer-preview-frame")
    expect(preview.locator("section.cell--text")).to_have_text("Composer test")
    # Only the options of the tile's kind show: a text tile has text and logo.
    options = page.locator("#tiles-0 .form-row:visible")
    expect(options).to_have_count(3)  # kind and width, text, logo

    page.fill("#id_tiles-0-text", "Huddle at three")
    expect(preview.locator("section.cell--text")).to_have_text("Huddle at three")
    page.select_option("#id_tiles-1-kind", "agents")
    expect(page.locator("#tiles-1 .form-row.field-states")).to_be_visible()
    expect(page.locator("#tiles-1 .form-row.field-queue")).to_be_hidden()
    expect(preview.locator("section.cell--agents")).to_be_visible()

    # Nothing was saved: the TV still shows the board as it was.
    expect(tv.locator("#board-body section.cell--text")).to_have_text("Composer test")
    assert tv.evaluate(CELLS) == ["cell--text", "cell--queues"]
    screenshots(page)


def screenshots(page: Page) -> None:
    """The change page at 1280x800, top and tiles, for people to look at."""
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    shutil.copy(save_screenshot(page, "composer-admin-top.png"), SHOTS)
    page.locator("#tiles-group").scroll_into_view_if_needed()
    shutil.copy(save_screenshot(page, "composer-admin-tiles.png"), SHOTS)
