"""Times of day on a board are the account's: the TV's clock shows the account's time zone, not
the browser's, nor the browser's (wrong) time, on the board's 12- or 24-hour clock; the
supervisor page names the zone once and shows its alert history and "last success" in it."""

import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.board import (
    ALERT_RULE,
    NO_ALERT_RULES,
    SOCKET_STATE,
    Tab,
    log_in_as_demo_admin,
    open_board,
    open_tab,
    save_screenshot,
)
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

# UTC+5:45 all year: no browser's, server's or test machine's zone is near it.
ZONE = "Asia/Kathmandu"
BROWSER_ZONE = "America/Los_Angeles"
SALES = 100134
TOLERANCE = 2  # seconds: the page ticks every 250 ms on the server's clock
TWELVE = re.compile(r"^(\d{1,2}):(\d\d):(\d\d)\s(AM|PM)$")
TWENTY_FOUR = re.compile(r"^(\d\d):(\d\d):(\d\d)$")

SET_CLOCK = """
from accounts.models import Voice360Account
account = Voice360Account.objects.get(account_id={account})
account.time_zone = {zone!r}
account.save()
for board in account.boards.all():
    board.clock_hours = {hours}
    board.save()
"""


@pytest.fixture
def account_clock(stack: Stack) -> Iterator[Callable[[str, int], None]]:
    """Sets the demo account's zone and its boards' clock; UTC and 24 hours again after."""

    def set_clock(zone: str, hours: int) -> None:
        stack.manage("shell", "-c", SET_CLOCK.format(account=ACCOUNT_ID, zone=zone, hours=hours))
        # The boards' refreshes (renders in the new zone, screens reconnecting) are queued
        # before the worker's next poll: after that poll, pages open into the new settings.
        stack.wait_for_snapshot(after=time.time())

    yield set_clock
    set_clock("UTC", 24)


@pytest.fixture
def far_tab(browser: Browser) -> Iterator[Tab]:
    """A browser in another zone whose own clock is hours wrong (and stands still)."""
    opened = open_tab(browser, timezone_id=BROWSER_ZONE)
    opened.page.clock.set_fixed_time(datetime.now() + timedelta(hours=3, minutes=17))
    try:
        yield opened
    finally:
        opened.page.context.close()
    errors = opened.unexpected_console_errors()
    assert not errors, f"console errors: {errors}"


def seconds_in_zone(at: float) -> int:
    local = datetime.fromtimestamp(at, ZoneInfo(ZONE))
    return local.hour * 3600 + local.minute * 60 + local.second


def shown_seconds(text: str, hours: int) -> int:
    """Seconds of the day a clock text says: "14:50:09" or "2:50:09 PM"."""
    match = (TWELVE if hours == 12 else TWENTY_FOUR).match(text)
    assert match, f"{text!r} is not a {hours}-hour clock"
    hour, minute, second = (int(match.group(n)) for n in (1, 2, 3))
    if hours == 12:
        assert 1 <= hour <= 12, text
        hour = hour % 12 + (12 if match.group(4) == "PM" else 0)
    return hour * 3600 + minute * 60 + second


def assert_shows_the_zones_time(clock_text: Callable[[], str], hours: int) -> None:
    before = time.time()
    shown = shown_seconds(clock_text(), hours)
    after = time.time()
    late = (shown - seconds_in_zone(before) + 43200) % 86400 - 43200
    assert -TOLERANCE <= late <= after - before + TOLERANCE, (shown, before, after)


@pytest.mark.parametrize("hours", [24, 12])
def test_the_tv_clock_shows_the_accounts_zone_on_the_boards_clock(
    stack: Stack, account_clock, far_tab: Tab, hours: int
) -> None:
    account_clock(ZONE, hours)
    page = open_board(far_tab, stack.tv_url())
    expect(page.locator("body")).to_have_attribute("data-time-zone", ZONE)
    clock = page.locator("#clock")
    expect(clock).to_have_text(TWELVE if hours == 12 else TWENTY_FOUR)
    for _ in range(3):
        assert_shows_the_zones_time(clock.inner_text, hours)
        text = clock.inner_text()
        expect(clock).not_to_have_text(text)  # it ticks, though the browser's clock stands still
    browser_time = page.evaluate("new Date().toLocaleTimeString('en-US', {hour12: false})")
    assert abs(shown_seconds(browser_time, 24) - seconds_in_zone(time.time())) > 3600
    save_screenshot(page, f"time-zone-tv-{hours}h.png")


def zone_minutes(start: float, end: float) -> set[str]:
    """Every "3 Dec 14:50" (board_time's "datetime") between the two instants, in ZONE."""
    minutes, at = set(), start - 60
    while at <= end + 60:
        local = datetime.fromtimestamp(at, ZoneInfo(ZONE))
        minutes.add(f"{local.day} {local:%b %H:%M}")
        at += 30
    return minutes


def test_the_supervisor_page_shows_its_times_in_the_accounts_zone(
    stack: Stack, account_clock, far_tab: Tab
) -> None:
    account_clock(ZONE, 24)
    stack.manage("shell", "-c", ALERT_RULE)
    try:
        page = far_tab.page
        log_in_as_demo_admin(page, stack.url(""), "/boards/floor-tv/")
        expect(page.locator(SOCKET_STATE)).to_be_attached()
        expect(page.locator(".board__header .time-zone")).to_have_text(ZONE)
        expect(page.locator("#clock")).to_have_text(TWENTY_FOUR)
        assert_shows_the_zones_time(page.locator("#clock").inner_text, 24)

        # "Last success": the poll's own instant, in the zone, as the page follows it.
        success = page.locator("time[data-follows-freshness]")
        expect(success).to_have_text(TWENTY_FOUR)
        epoch, text = success.evaluate("e => [parseFloat(e.dataset.epoch), e.textContent]")
        assert text == datetime.fromtimestamp(epoch, ZoneInfo(ZONE)).strftime("%H:%M:%S")

        # The history may hold earlier tests' alerts: this one is the newest, fired now.
        rows = page.locator("#alert-history [data-event]")
        earlier = {row.get_attribute("data-event") for row in rows.all()}
        fired_after = time.time()
        stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/queues/{SALES}", {"members": []})
        now_in_zone = "|".join(sorted(zone_minutes(fired_after, fired_after + 20)))
        fired = rows.first.locator("time").first
        expect(fired).to_have_text(re.compile(f"^({now_in_zone})$"), timeout=20_000)
        expect(rows.first).to_contain_text("No agent ready in Sales Queue")
        assert rows.first.get_attribute("data-event") not in earlier
        save_screenshot(page, "time-zone-supervisor.png")
    finally:
        stack.manage("shell", "-c", NO_ALERT_RULES)


# A browser that knows no time zone but UTC (Intl before time-zone data; some TV browsers).
NO_ZONES = """
(function () {
  var Original = Intl.DateTimeFormat;
  Intl.DateTimeFormat = function (locale, options) {
    if (options && options.timeZone && options.timeZone.toUpperCase() !== "UTC") {
      throw new RangeError("Unsupported time zone specified " + options.timeZone);
    }
    return new Original(locale, options);
  };
})();
"""


def test_a_browser_without_time_zones_shows_utc_rather_than_nothing(
    stack: Stack, account_clock, tab: Tab
) -> None:
    account_clock(ZONE, 12)
    tab.page.context.add_init_script(NO_ZONES)
    page = open_board(tab, stack.tv_url())
    clock = page.locator("#clock")
    expect(clock).to_have_text(TWELVE)
    before = time.time()
    shown = shown_seconds(clock.inner_text(), 12)
    utc = datetime.fromtimestamp(before, ZoneInfo("UTC"))
    late = (shown - (utc.hour * 3600 + utc.minute * 60 + utc.second) + 43200) % 86400 - 43200
    assert -TOLERANCE <= late <= TOLERANCE + time.time() - before, (shown, before)
    text = clock.inner_text()
    expect(clock).not_to_have_text(text)  # and it keeps ticking
