"""An alert end to end on the real stack: a queue loses its agents in the sandbox, the rule
fires in the worker, the TVs flash (the one with sound beeps), a supervisor acknowledges, and
every screen stops flashing and beeping."""

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from demo import names as demo
from tests.browser.board import SOCKET_STATE, Tab, open_board, open_tab, save_screenshot
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

SALES = 100134
QUIET_TOKEN = "quiet-floor-tv-kiosk-token-for-the-alert-tests-000001"
SUPERVISOR, PASSWORD = "floor-supervisor", "alerts are loud 61"
SETUP = f"""
from django.contrib.auth import get_user_model
from alerts.models import AlertRule
from boards.models import Board, KioskToken, hash_token
board = Board.objects.get(slug="floor-tv")
AlertRule.objects.filter(board=board).delete()
AlertRule.objects.create(
    board=board, label="Sales unstaffed", queue_id={SALES}, kind="no_agent_ready",
    sound=True, cooldown_seconds=0,
)
KioskToken.objects.filter(token_hash=hash_token({demo.demo_kiosk_token()!r})).update(
    sound_enabled=True
)
KioskToken.objects.update_or_create(
    token_hash=hash_token({QUIET_TOKEN!r}),
    defaults={{"board": board, "name": "Quiet TV", "sound_enabled": False, "revoked_at": None}},
)
user, _ = get_user_model().objects.get_or_create(username={SUPERVISOR!r})
user.is_superuser = user.is_staff = False
user.set_password({PASSWORD!r})
user.save()
board.supervisors.add(user)
"""
ACTIVE = re.compile(r"\btile--alarm-active\b")
SOUNDING = re.compile(r"\bis-alert-sounding\b")
TWO_OR_MORE = re.compile(r"^([2-9]|\d{2,})$")


def beeps(page: Page) -> int:
    return int(page.evaluate("document.body.dataset.alertBeeps || '0'"))


def log_in(tab: Tab, stack: Stack) -> Page:
    page = tab.page
    page.goto(stack.url("/accounts/login/?next=/boards/floor-tv/"))
    page.fill("#id_username", SUPERVISOR)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    return page


def test_an_alert_flashes_beeps_where_allowed_and_stops_when_acknowledged(
    stack: Stack, tab: Tab, browser
) -> None:
    stack.manage("shell", "-c", SETUP)
    loud = open_board(tab, stack.tv_url())
    quiet_tab = open_tab(browser)
    supervisor_tab = open_tab(browser, 1600, 1000)
    try:
        quiet = open_board(quiet_tab, stack.url(f"/tv/{QUIET_TOKEN}/"))
        expect(loud.locator("body")).to_have_attribute("data-sound-enabled", "1")
        expect(quiet.locator("body")).not_to_have_attribute("data-sound-enabled", "1")
        for page in (loud, quiet):
            expect(page.locator(f"#queue-{SALES}")).not_to_have_class(ACTIVE)
        assert beeps(loud) == 0

        # Sales loses every member: no agent ready.
        stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/queues/{SALES}", {"members": []})

        for page in (loud, quiet):
            tile = page.locator(f"#queue-{SALES}")
            expect(tile).to_have_class(ACTIVE, timeout=15_000)
            expect(tile).to_have_attribute("data-alert", "active")
            expect(tile.locator(".alarm__word")).to_have_text("ALERT")
            expect(tile.locator(".alarm__message")).to_have_text("No agent ready in Sales Queue")
        # (Waited for through the attribute: the page's CSP forbids Playwright's eval.)
        expect(loud.locator("body")).to_have_attribute("data-alert-beeps", TWO_OR_MORE)
        expect(loud.locator("body")).to_have_class(SOUNDING)
        # No "Enable sound" button: this browser lets the audio play.
        expect(loud.locator(".sound-enable")).to_have_count(0)
        keep(save_screenshot(loud, "alerts-tv-flashing.png"), "alerts-tv-flashing.png")
        # The quiet screen flashes all the same, but never beeps nor offers sound, though its
        # timers run (its clock ticks) while the alert is on.
        quiet.bring_to_front()
        clock = quiet.locator("#clock").inner_text()
        expect(quiet.locator("#clock")).not_to_have_text(clock)
        quiet.wait_for_timeout(3500)
        assert beeps(quiet) == 0
        expect(quiet.locator(".sound-enable")).to_have_count(0)

        # A supervisor acknowledges it on the board page.
        board = log_in(supervisor_tab, stack)
        button = board.locator(f"#queue-{SALES} .alarm__ack")
        expect(button).to_have_text("Acknowledge")
        assert beeps(board) == 0  # a supervisor's sound is opt-in
        button.click()

        for page in (loud, quiet, board):
            tile = page.locator(f"#queue-{SALES}")
            expect(tile).to_have_attribute("data-alert", "acknowledged", timeout=10_000)
            expect(tile).not_to_have_class(ACTIVE)
            expect(tile.locator(".alarm__word")).to_have_text("Acknowledged")
        expect(board.locator(f"#queue-{SALES} .alarm__ack")).to_have_count(0)
        expect(loud.locator("body")).not_to_have_class(SOUNDING)
        # In front again (Chromium may pause the timers of a page behind others), the page
        # runs its timers (the clock ticks) for longer than the beep pattern's period, and
        # no beep comes.
        loud.bring_to_front()
        stopped_at, clock = beeps(loud), loud.locator("#clock").inner_text()
        loud.wait_for_timeout(3500)
        expect(loud.locator("#clock")).not_to_have_text(clock)
        assert beeps(loud) == stopped_at
        assert beeps(quiet) == 0

        history = board.locator("#alert-history")
        expect(history).to_contain_text("No agent ready in Sales Queue")
        expect(history).to_contain_text(f"{SUPERVISOR}, ")
        expect(history).to_contain_text("still on")
        keep(save_screenshot(board, "alerts-supervisor.png"), "alerts-supervisor.png")
        keep(save_screenshot(loud, "alerts-tv-acknowledged.png"), "alerts-tv-acknowledged.png")

        # The agents come back: the alert clears everywhere and the history says when.
        members = {"members": [123, 125]}
        stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/queues/{SALES}", members)
        for page in (loud, board):
            expect(page.locator(f"#queue-{SALES}")).not_to_have_attribute(
                "data-alert", re.compile(".*"), timeout=15_000
            )
        expect(history).not_to_contain_text("still on")
    finally:
        for opened in (quiet_tab, supervisor_tab):
            opened.page.context.close()
    for opened in (quiet_tab, supervisor_tab):
        assert not opened.unexpected_console_errors()


def keep(path: Path, name: str) -> None:
    """The screenshot also in the temp folder (/tmp/alerts-*.png), where reviewers look."""
    shutil.copyfile(path, Path(tempfile.gettempdir()) / name)


@pytest.mark.parametrize("sound", [True, False])
def test_where_the_browser_holds_audio_back_one_click_enables_it_only_where_sound_is_on(
    stack: Stack, browser, sound: bool
) -> None:
    stack.manage("shell", "-c", SETUP)
    # Chromium's own autoplay policy (without the flag the other tests launch it with): audio
    # a page starts before any click stays suspended.
    strict = browser.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    tab = open_tab(strict)
    try:
        url = stack.tv_url() if sound else stack.url(f"/tv/{QUIET_TOKEN}/")
        page = open_board(tab, url)
        enable = page.locator(".sound-enable")
        # The alert fires either way; only a screen with sound asks for the click.
        stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/queues/{SALES}", {"members": []})
        expect(page.locator(f"#queue-{SALES}")).to_have_class(ACTIVE, timeout=15_000)
        if sound:
            expect(enable).to_be_visible()
            expect(enable).to_have_text("♪ Enable sound")
            assert beeps(page) == 0  # held back
            enable.click()
            expect(enable).to_be_hidden()
            expect(page.locator("body")).to_have_attribute("data-alert-beeps", TWO_OR_MORE)
        else:
            page.wait_for_timeout(1000)  # a few of the page's checks: still no button
            expect(enable).to_have_count(0)
            assert beeps(page) == 0
    finally:
        strict.close()
    assert not tab.unexpected_console_errors()
