"""A kiosk token revoked in the admin unlinks its screen at once: the open TV says so within
seconds, without a reload, and stays down; the TV's URL answers the unlinked page (410)."""

import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.board import load_id, open_board
from tests.security.audiences import ADMIN, BOARD_A, PASSWORD
from tests.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]

UNLINKED = "This screen was unlinked"


def issue_token(stack: Stack, screen: str) -> str:
    plain = secrets.token_urlsafe(32)
    stack.manage(
        "shell",
        "-c",
        "from boards.models import Board, KioskToken, hash_token; "
        f"KioskToken.objects.create(board=Board.objects.get(slug={BOARD_A!r}), "
        f"name={screen!r}, token_hash=hash_token({plain!r}))",
    )
    return plain


def test_revoking_a_token_in_the_admin_unlinks_its_open_screen(secure_stack: Stack, tabs) -> None:
    stack = secure_stack
    screen = f"Floor 3 right {secrets.token_hex(3)}"
    token = issue_token(stack, screen)
    tv = tabs()
    page = open_board(tv, stack.url(f"/tv/{token}/"))
    document = load_id(page)

    admin = tabs().page
    admin.goto(stack.url("/admin/login/?next=/admin/boards/kiosktoken/"))
    admin.fill("#id_username", ADMIN)
    admin.fill("#id_password", PASSWORD)
    admin.click("input[type=submit]")
    row = admin.locator("#result_list tbody tr", has_text=screen)
    expect(row.locator("td.field-connection")).to_have_text("● connected")
    row.locator("input[name=_selected_action]").check()
    admin.select_option("select[name=action]", "revoke")
    admin.click("button[name=index]")
    expect(admin.locator(".messagelist")).to_contain_text("Revoked")
    expect(row.locator("td.field-connection")).to_have_text("revoked")

    expect(page.locator("body")).to_contain_text(UNLINKED, timeout=5_000)
    assert 4001 in page.evaluate("window.__wb.closes")
    page.wait_for_timeout(3_000)  # longer than the page's first reconnect delay
    assert page.evaluate("window.__wb.opens") == 1, "the unlinked screen reconnected"
    assert load_id(page) == document, "the screen reloaded"

    tv.expect_connection_errors = True  # Chromium logs the 410 of the page itself
    response = page.reload()
    assert response is not None and response.status == 410
    expect(page.locator("h1")).to_have_text(UNLINKED)
