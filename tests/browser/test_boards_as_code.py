"""Boards as code in the admin, in Chromium against the real stack: download the boards as
YAML, delete them, upload the file (a preview first, then for real), download again: the
same bytes. A broken file lists its error lines and writes nothing."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from demo import names as demo
from tests.browser.board import Tab, log_in_as_demo_admin
from tests.stack import Stack

pytestmark = pytest.mark.browser

CHANGELIST = "/admin/boards/board/"
SCREENSHOTS = Path("/tmp/ascode")  # noqa: S108 - where the brief asks for them
# The composed demo board gets a logo too, so the file carries every part of a board.
GIVE_A_LOGO = f"""
import io
from PIL import Image
from boards.logos import reencode_logo, store_logo
from boards.models import Board
picture = io.BytesIO()
Image.linear_gradient("L").resize((300, 80)).convert("RGBA").save(picture, format="PNG")
board = Board.objects.get(slug={demo.DEMO_BOARDS["composed"]!r})
store_logo(board, reencode_logo(picture.getvalue()))
"""
# The demo TV's known kiosk token again (a file never carries tokens: the import gave its
# screen a random one), without the import's random one beside it.
RESTORE_DEMO_TV = f"""
from boards.models import KioskToken, hash_token
KioskToken.objects.exclude(token_hash=hash_token({demo.demo_kiosk_token()!r})).delete()
"""
BOARD_STATE = """
from boards.models import Board
from boards.layout import BoardTile
print(Board.objects.count(), BoardTile.objects.count(), Board.objects.exclude(logo=b"").count())
"""
BROKEN = b"""\
version: 1
boards:
- slug: new-one
  title: Never written
  account: 61
- slug: composed
  title: Broken
  account: 61
  theme: sepia
  tiles:
  - {kind: agents, options: {sort: mood}}
  - {kind: poster, width: 4}
  logo: "PHN2Zz48L3N2Zz4="
"""


@pytest.fixture
def admin_page(stack: Stack, tab: Tab) -> Page:
    log_in_as_demo_admin(tab.page, stack.url(""), CHANGELIST)
    return tab.page


@pytest.fixture
def demo_restored(stack: Stack) -> Iterator[None]:
    """The demo as seed_demo makes it, after a test that deleted its boards."""
    yield
    stack.manage("seed_demo")
    stack.manage("shell", "-c", RESTORE_DEMO_TV)


def board_state(stack: Stack) -> tuple[int, int, int]:
    """Boards, tiles and logos stored."""
    # The shell's last line (it may say what it imported first).
    boards, tiles, logos = stack.manage("shell", "-c", BOARD_STATE).splitlines()[-1].split()
    return int(boards), int(tiles), int(logos)


def download_every_board(page: Page, stack: Stack) -> bytes:
    page.goto(stack.url(CHANGELIST))
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_yaml")
    with page.expect_download() as download:
        page.click("button[name=index]")
    assert download.value.suggested_filename == "boards.yaml"
    return Path(download.value.path()).read_bytes()


def delete_every_board(page: Page, stack: Stack) -> None:
    page.goto(stack.url(CHANGELIST))
    page.check("#action-toggle")
    page.select_option("select[name=action]", "delete_selected")
    page.click("button[name=index]")
    page.click("input[type=submit]")  # "Yes, I'm sure"
    expect(page.locator(".messagelist")).to_contain_text("Successfully deleted")


def upload(page: Page, stack: Stack, content: bytes, name: str = "boards.yaml") -> None:
    page.goto(stack.url(CHANGELIST))
    page.click(f"a[href='{CHANGELIST}import/']")
    file = {"name": name, "mimeType": "application/yaml", "buffer": content}
    page.set_input_files("#import-upload input[type=file]", file)
    page.click("#import-upload input[type=submit]")


def test_boards_downloaded_deleted_and_uploaded_come_back_byte_for_byte(
    stack: Stack, admin_page: Page, demo_restored: None
) -> None:
    page = admin_page
    SCREENSHOTS.mkdir(exist_ok=True)
    stack.manage("shell", "-c", GIVE_A_LOGO)
    before = board_state(stack)
    first = download_every_board(page, stack)
    slugs = re.findall(rb"^- slug: (\S+)$", first, re.MULTILINE)
    assert set(demo.DEMO_BOARDS.values()) <= {slug.decode() for slug in slugs}
    assert b"  tiles:\n  - kind: text\n" in first and b"  logo: |\n" in first
    assert demo.demo_kiosk_token().encode() not in first

    delete_every_board(page, stack)
    assert board_state(stack) == (0, 0, 0)

    upload(page, stack, first)
    preview = page.locator("#import-preview tbody tr")
    expect(preview).to_have_count(len(slugs))
    expect(preview.filter(has_text="created")).to_have_count(len(slugs))
    page.screenshot(path=str(SCREENSHOTS / "import-preview.png"), full_page=True)
    assert board_state(stack) == (0, 0, 0), "the preview wrote something"

    page.click("#import-confirm input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(CHANGELIST) + "$"))
    expect(page.locator(".messagelist")).to_contain_text("Imported boards.yaml:")
    assert board_state(stack) == before

    assert download_every_board(page, stack) == first


def test_a_broken_file_lists_its_error_lines_and_writes_nothing(
    stack: Stack, admin_page: Page
) -> None:
    page = admin_page
    SCREENSHOTS.mkdir(exist_ok=True)
    before = download_every_board(page, stack)

    upload(page, stack, BROKEN, "broken.yaml")

    errors = page.locator("#import-errors li")
    expect(page.locator(".errornote")).to_contain_text("4 errors in broken.yaml")
    expect(errors).to_have_text(
        [
            "broken.yaml: boards[1].theme: Value 'sepia' is not a valid choice.",
            "broken.yaml: boards[1].tiles[0].options.sort: one of state, name, time",
            re.compile(r"^broken\.yaml: boards\[1\]\.tiles\[1\]\.kind: one of queues, today, "),
            "broken.yaml: boards[1].logo: The logo must be a PNG or JPEG image (SVG, GIF, WebP "
            "and others are refused).",
        ]
    )
    expect(page.locator("#import-confirm")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "import-errors.png"), full_page=True)
    assert download_every_board(page, stack) == before
    assert b"new-one" not in before
