"""Every ticking figure on a board follows the server's clock, not the browser's: the clock,
and a call's timer against the sandbox's own `call_seconds`, on a TV whose clock is minutes
ahead or behind, and stays so when that clock is stepped while the page runs."""

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.board import Tab, agent_card, open_board, open_tab
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

WEI = 125  # Wei Chen, ext 1003: no call at the sandbox's start
SKEW_MINUTES = 7
# The clock and every timer show whole seconds within this many of the upstream's.
TOLERANCE = 1
# A new call's timer may show 0:00 for its first second, and the page ticks every 250 ms.
LONGEST_ZERO_MS = 1300
SAMPLES = 4
# A card's call timer; the time in state it replaces is a timer too (agent__timer--state).
CALL_TIMER = ".timer:not(.agent__timer--state)"

# Resolves, once the timer at `selector` shows something, with what it showed first and for
# how long (ms) it showed 0:00: a MutationObserver, so no polling delay counts.
WATCH_NEW_TIMER = """
selector => {
  window.__newTimer = new Promise(function (resolve) {
    var first = null;
    function look() {
      var timer = document.querySelector(selector);
      var text = timer ? timer.textContent : "";
      if (!text) { return; }
      var at = performance.now();
      if (first === null) { first = { text: text, at: at }; }
      if (text !== "0:00") {
        observer.disconnect();
        resolve({ first: first.text, zeroMs: at - first.at });
      }
    }
    var observer = new MutationObserver(look);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}
"""


@pytest.fixture(params=[SKEW_MINUTES, -SKEW_MINUTES], ids=["ahead", "behind"])
def skewed_tab(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A TV whose clock is minutes off. The board's clock shows the account's zone (the demo
    account's is UTC) whatever the browser's: test_time_zone.py checks another zone."""
    opened = open_tab(browser, timezone_id="UTC")
    opened.skew_seconds = request.param * 60  # type: ignore[attr-defined]
    opened.page.clock.install(time=time.time() + opened.skew_seconds)  # type: ignore[attr-defined]
    try:
        yield opened
    finally:
        opened.page.context.close()
    errors = opened.unexpected_console_errors()
    assert not errors, f"console errors: {errors}"


def seconds_of(text: str) -> int:
    """Seconds in a clock or timer text: 1:02:03, 20:37:25, 0:05."""
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


def browser_skew(page: Page) -> float:
    return page.evaluate("Date.now()") / 1000 - time.time()


def assert_clock_agrees_with_the_server(page: Page) -> None:
    before = time.time()
    shown = seconds_of(page.locator("#clock").inner_text())
    after = time.time()
    # Seconds past int(before), across midnight too.
    late = (shown - int(before) % 86400 + 43200) % 86400 - 43200
    assert -TOLERANCE <= late <= int(after) - int(before) + TOLERANCE, (shown, before, after)


def call_seconds(stack: Stack, pk: int) -> int:
    agents = stack.api("GET", "/availability")["result"]
    (seconds,) = [c["call_seconds"] for a in agents if a["pk"] == pk for c in a["channels"]]
    return seconds


def assert_timer_agrees_with_the_api(stack: Stack, timer: Locator) -> None:
    before = call_seconds(stack, WEI)
    shown = seconds_of(timer.inner_text())
    after = call_seconds(stack, WEI)
    assert before - TOLERANCE <= shown <= after + TOLERANCE, (before, shown, after)


def assert_everything_agrees_as_it_ticks(stack: Stack, page: Page, timer: Locator) -> None:
    for _ in range(SAMPLES):
        shown = timer.inner_text()
        expect(timer).not_to_have_text(shown)  # the next second, on the page's own tick
        assert_timer_agrees_with_the_api(stack, timer)
        assert_clock_agrees_with_the_server(page)


def test_the_clock_and_a_call_timer_follow_the_server_not_the_browser(
    stack: Stack, skewed_tab: Tab
) -> None:
    skew = skewed_tab.skew_seconds  # type: ignore[attr-defined]
    page = open_board(skewed_tab, stack.tv_url())
    assert abs(browser_skew(page) - skew) < 5  # the TV's clock is minutes off indeed
    assert_clock_agrees_with_the_server(page)

    page.evaluate(WATCH_NEW_TIMER, f"#agent-{WEI} {CALL_TIMER}")
    body = {"pk": WEI, "direction": "inbound", "peer": "+15550100200"}
    stack.control("POST", f"/accounts/{ACCOUNT_ID}/calls", body)
    new_timer = page.evaluate("window.__newTimer")
    # Before, pages showed 0:00 for 5-10 s: their clock was as old as the render.
    assert new_timer["zeroMs"] <= LONGEST_ZERO_MS, new_timer

    timer = agent_card(page, WEI).locator(CALL_TIMER)
    assert_everything_agrees_as_it_ticks(stack, page, timer)

    # The TV's clock is stepped to the other side while the page runs (NTP, a user).
    page.clock.set_system_time(time.time() - skew)
    assert abs(browser_skew(page) + skew) < 5
    assert_everything_agrees_as_it_ticks(stack, page, timer)


# A message as the socket would deliver it, stamped by the server `late` seconds before it
# arrives; answers the kind the page then announced (wallboard:message, dispatched at once).
LATE_MESSAGE = """
late => {
  var now = window.Wallboard.serverNow() / 1000 - late;
  var announced = null;
  document.body.addEventListener("wallboard:message", function (event) {
    announced = event.detail.kind;
  }, { once: true });
  document.body.dispatchEvent(new CustomEvent("htmx:wsBeforeMessage", {
    detail: { message: JSON.stringify({ v: 1, kind: "clock", now: now }) + "\\n" },
    bubbles: true,
    cancelable: true
  }));
  return announced;
}
"""


def test_a_message_that_arrives_late_does_not_set_the_clock_back(stack: Stack, tab: Tab) -> None:
    page = open_board(tab, stack.tv_url())
    assert page.evaluate(LATE_MESSAGE, 5) == "clock"
    late = page.evaluate("Wallboard.serverNow()") / 1000 - time.time()
    assert abs(late) < 0.5, late
    assert_clock_agrees_with_the_server(page)
