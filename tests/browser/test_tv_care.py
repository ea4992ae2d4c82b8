"""TV care in Chromium against the real stack: a playlist rotating on one websocket, reloads
from the admin, a reload after a deploy (another build id), night mode; the burn-in shift, the
dimming of unchanged areas and the Screen Wake Lock (static/boards/tv_care.js), on Playwright's
fake clock."""

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from demo import names as demo
from tests.browser.board import (
    SOCKET_STATE,
    Tab,
    agent_card,
    load_id,
    log_in_as_demo_admin,
    open_board,
    open_tab,
)
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

TITLES = ["Call centre floor", "Supervisor: all queues", "Support line status"]
SALES = 100134
SCREENSHOTS = Path("/tmp")  # noqa: S108 - where the brief asks for them
CARE_SHOTS = SCREENSHOTS / "tvcare"


def _shell(stack: Stack, code: str) -> None:
    prelude = (
        "from datetime import time\n"
        "from boards.models import Board, KioskToken, PlaylistEntry, hash_token\n"
        f"token = KioskToken.objects.get(token_hash=hash_token({demo.demo_kiosk_token()!r}))\n"
    )
    stack.manage("shell", "-c", prelude + code)


@pytest.fixture
def playlist(stack: Stack) -> Iterator[None]:
    """The demo TV rotates through the three demo boards, 5 s each (the default minimum)."""
    slugs = [demo.DEMO_BOARDS[k] for k in ("tv", "supervisor", "public")]
    _shell(
        stack,
        f"for i, slug in enumerate({slugs!r}):\n"
        "    PlaylistEntry.objects.create(token=token, board=Board.objects.get(slug=slug),"
        " seconds=5, position=i)\n",
    )
    yield
    _shell(stack, "PlaylistEntry.objects.filter(token=token).delete()\n")


@pytest.fixture
def hours(stack: Stack) -> Iterator[None]:
    yield
    _shell(stack, "Board.objects.all().update(opens_at=None, closes_at=None)\n")


def _set_hours(stack: Stack, opens: datetime, closes: datetime) -> None:
    """The floor TV's business hours, every day (the demo account's time zone is UTC)."""
    _shell(
        stack,
        f"Board.objects.filter(slug={demo.DEMO_BOARDS['tv']!r}).update("
        f"opens_at=time({opens.hour}, {opens.minute}), "
        f"closes_at=time({closes.hour}, {closes.minute}), business_days=[1, 2, 3, 4, 5, 6, 7])\n",
    )


def _admin(browser: Browser, stack: Stack, path: str) -> Tab:
    admin = open_tab(browser)
    log_in_as_demo_admin(admin.page, stack.url(""), path)
    return admin


def _next_title(page: Page, current: str) -> str:
    title = page.locator("#board-title")
    expect(title).not_to_have_text(current, timeout=12_000)
    return title.inner_text()


def test_a_playlist_rotates_its_boards_on_one_websocket(stack: Stack, tab: Tab, playlist) -> None:
    page = open_board(tab, stack.tv_url())
    document = load_id(page)
    seen = [page.locator("#board-title").inner_text()]
    for _ in range(3):  # three steps: at least two whole rotations between boards
        title = _next_title(page, seen[-1])
        assert TITLES.index(title) == (TITLES.index(seen[-1]) + 1) % 3, (seen, title)
        expect(page).to_have_title(f"{title} · Voice360 wallboard")
        position = TITLES.index(title) + 1
        upcoming = TITLES[position % 3]
        expect(page.locator("#rotation")).to_have_text(f"{position}/3 · next: {upcoming}")
        # The body is this board's: the public status board shows the Support queue alone.
        sales = page.locator(f"#queue-{SALES}")
        expect(sales).to_have_count(0 if title == "Support line status" else 1)
        seen.append(title)
        if title == "Call centre floor":
            page.screenshot(path=str(SCREENSHOTS / "tvcare-rotating.png"))
    assert len(tab.sockets) == 1, "the page reconnected between boards"
    assert page.evaluate("window.__wb.opens") == 1
    assert load_id(page) == document


def test_the_admin_reloads_one_screen_and_all_screens(
    stack: Stack, tab: Tab, browser: Browser
) -> None:
    page = open_board(tab, stack.tv_url())
    first = load_id(page)
    admin = _admin(browser, stack, "/admin/boards/kiosktoken/")
    try:
        row = admin.page.locator("#result_list tr", has_text="Floor TV (demo)")
        row.locator("input[name=_selected_action]").check()
        admin.page.select_option("select[name=action]", "reload")
        with page.expect_event("load", timeout=15_000):
            admin.page.click("button[name=index]")
        expect(page.locator(SOCKET_STATE)).to_be_attached()
        second = load_id(page)
        assert second != first

        # Every screen, spread over SCREEN_RELOAD_SPREAD_SECONDS (10 s by default).
        with page.expect_event("load", timeout=25_000):
            admin.page.click("text=Reload all screens")
        expect(admin.page.locator(".messagelist")).to_contain_text("Every screen reloads")
        expect(page.locator(SOCKET_STATE)).to_be_attached()
        assert load_id(page) not in (first, second)
    finally:
        admin.page.context.close()


def test_a_new_build_after_a_restart_reloads_the_page(stack: Stack, tab: Tab) -> None:
    page = open_board(tab, stack.tv_url())
    old_build = page.locator("body").get_attribute("data-build")
    # The build, then the board's look (wallboard/build.py page_build).
    assert old_build and re.fullmatch(r"[0-9a-f]{12}\.[0-9a-f]{8}", old_build)
    look = old_build.split(".")[1]
    tab.expect_connection_errors = True  # the web process goes away for a moment
    web = stack.services["web"]
    try:
        # A deploy: the web process restarts with other static files (here: another id).
        web.env = {**stack.env, "BUILD_ID": "tvcare-next-build"}
        with page.expect_event("load", timeout=30_000):
            stack.restart("web")
        expect(page.locator("body")).to_have_attribute("data-build", f"tvcare-next-build.{look}")
        expect(page.locator(SOCKET_STATE)).to_be_attached()
    finally:
        web.env = stack.env
        stack.restart("web")


def test_night_mode_dims_the_tv_outside_business_hours_only(
    stack: Stack, tab: Tab, browser: Browser, hours
) -> None:
    now = datetime.now(UTC)
    _set_hours(stack, now + timedelta(hours=2), now + timedelta(hours=3))
    page = open_board(tab, stack.tv_url())
    body = page.locator("body")
    expect(body).to_have_class(re.compile(r"\bis-closed\b"))
    opens = (now + timedelta(hours=2)).strftime("%H:%M")
    chip = page.locator("#closed-chip")
    expect(chip).to_have_text(re.compile(rf"^Closed · opens (today|tomorrow) {opens}$"))
    expect(page.locator(".agent").first).to_be_visible()  # dimmed, still there and live
    page.screenshot(path=str(SCREENSHOTS / "tvcare-night.png"))

    # A supervisor sees "closed" but no dimming.
    admin = _admin(browser, stack, "/boards/")
    try:
        admin.page.goto(stack.url(f"/boards/{demo.DEMO_BOARDS['tv']}/"))
        expect(admin.page.locator("#closed-chip")).to_be_visible()
        expect(admin.page.locator("body")).not_to_have_class(re.compile(r"\bis-closed\b"))
    finally:
        admin.page.context.close()

    _set_hours(stack, now - timedelta(hours=1), now + timedelta(hours=1))
    page.reload()
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    expect(body).not_to_have_class(re.compile(r"\bis-closed\b"))
    expect(chip).to_be_hidden()


def test_night_mode_follows_the_servers_clock_not_the_tvs(stack: Stack, tab: Tab, hours) -> None:
    now = datetime.now(UTC)
    _set_hours(stack, now - timedelta(hours=1), now + timedelta(hours=1))
    # This TV's clock is 12 hours off: by its own clock the board would be closed.
    tab.page.clock.set_system_time(now + timedelta(hours=12))
    page = open_board(tab, stack.tv_url())
    skew_hours = (page.evaluate("Date.now()") / 1000 - now.timestamp()) / 3600
    assert 11.9 < skew_hours < 12.1, skew_hours
    # The page checked the hours at load and after the socket's greeting (#board-hours).
    expect(page.locator("#closed-chip")).to_be_hidden()
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bis-closed\b"))


# --- burn-in shift ---------------------------------------------------------------------------

BURN_IN_STEP_MS = 180_000  # static/boards/tv_care.js
RING = [(0, 0), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1)]
# What must move with the tiles: the header (title, clock) and a label in each kind of tile.
MOVING = {
    "header": ".board__header",
    "title": "#board-title",
    "clock": "#clock",
    "body": "#board-body",
    "queue tile": ".tile",
    "queue label": ".tile__number dt",
    "agent card": ".agent",
}
BOXES = """(selectors) => {
  const frame = document.getElementById("board");
  const boxes = {};
  for (const [name, selector] of Object.entries(selectors)) {
    const box = document.querySelector(selector).getBoundingClientRect();
    boxes[name] = {x: box.left, y: box.top, right: box.right, bottom: box.bottom};
  }
  return {boxes, padding: parseFloat(getComputedStyle(frame).paddingLeft),
          width: innerWidth, height: innerHeight,
          at: [document.body.dataset.burnX, document.body.dataset.burnY]};
}"""


def _ring_start_ms() -> int:
    """The next moment (within 27 minutes) at which the ring stands at its first position."""
    lap = BURN_IN_STEP_MS * len(RING)
    return (int(time.time() * 1000) // lap + 1) * lap


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080), (3840, 2160), (1080, 1920)])
def test_the_whole_screen_steps_around_the_burn_in_ring_within_the_margin(
    stack: Stack, tab: Tab, width: int, height: int
) -> None:
    page = tab.page
    page.set_viewport_size({"width": width, "height": height})
    page.clock.install(time=_ring_start_ms() / 1000)
    open_board(tab, stack.tv_url())
    seen = []
    for step, (x, y) in enumerate(RING):
        if step:
            page.clock.fast_forward(BURN_IN_STEP_MS)
        expect(page.locator("body")).to_have_attribute("data-burn-x", str(x))
        expect(page.locator("body")).to_have_attribute("data-burn-y", str(y))
        seen.append(page.evaluate(BOXES, MOVING))

    padding = seen[0]["padding"]
    for name in MOVING:
        xs = [s["boxes"][name]["x"] for s in seen]
        ys = [s["boxes"][name]["y"] for s in seen]
        centre_x, centre_y = xs[0], ys[0]  # the ring's first position is the unshifted one
        shift = max(xs) - centre_x
        # A few pixels, well inside the frame's padding (the safe margin), the same every way.
        assert 1.5 <= shift <= padding / 2, (name, shift, padding)
        for (x, y), at_x, at_y in zip(RING, xs, ys, strict=True):
            assert at_x - centre_x == pytest.approx(x * shift, abs=0.05), (name, x, xs)
            assert at_y - centre_y == pytest.approx(y * shift, abs=0.05), (name, y, ys)
    for snapshot in seen:  # nothing is pushed past the screen's edge at any step
        for name, box in snapshot["boxes"].items():
            assert box["x"] >= 0 and box["y"] >= 0, (name, snapshot)
            assert box["right"] <= width and box["bottom"] <= height, (name, snapshot)
    page.screenshot(path=str(CARE_SHOTS / f"burn-in-{width}x{height}.png"))


# --- dimming unchanged areas -------------------------------------------------------------------

WEI, TOM = 125, 127  # Wei Chen stays available throughout; Tom's phone is unplugged
UNCHANGED = re.compile(r"\bis-unchanged\b")
DIMMED = "brightness(0.8)"
# Never dimmed: what must catch the eye (static/boards/tv_care.css).
LOUD = ".tile--warning, .tile--alert, .tile--alarm, .messages, .board-status"
FILTERS = """(loud) => Array.from(document.querySelectorAll("#board-body .is-unchanged")).map(
  (element) => ({
    id: element.id, loud: element.matches(loud), filter: getComputedStyle(element).filter,
  }))"""


# The page's websockets, to ask for a full state as the page does after a gap (protocol.js).
KEEP_SOCKETS = """
window.__sockets = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...args) { super(...args); window.__sockets.push(this); }
};
"""


@pytest.fixture
def dims_after_a_minute(stack: Stack) -> Iterator[None]:
    """The floor TV dims what has not changed for a minute."""
    slug = demo.DEMO_BOARDS["tv"]
    _shell(stack, f"Board.objects.filter(slug={slug!r}).update(dim_unchanged_after_minutes=1)\n")
    yield
    _shell(stack, f"Board.objects.filter(slug={slug!r}).update(dim_unchanged_after_minutes=0)\n")


def test_an_area_unchanged_for_the_boards_minutes_dims_and_brightens_when_it_changes(
    stack: Stack, tab: Tab, dims_after_a_minute
) -> None:
    page = tab.page
    page.add_init_script(KEEP_SOCKETS)
    page.clock.install()
    open_board(tab, stack.tv_url())
    expect(page.locator("body")).to_have_attribute("data-dim-after", "1")
    wei, tom = agent_card(page, WEI), agent_card(page, TOM)
    page.clock.fast_forward(45_000)
    expect(wei).not_to_have_class(UNCHANGED)

    page.clock.fast_forward(30_000)  # 75 s without a change
    expect(wei).to_have_class(UNCHANGED)
    expect(tom).to_have_class(UNCHANGED)
    expect(wei).to_have_css("filter", DIMMED)  # after its slow fade
    expect(page.locator(".board__header")).to_have_css("filter", "none")
    for fragment in page.evaluate(FILTERS, LOUD):
        assert fragment["filter"] == ("none" if fragment["loud"] else DIMMED), fragment
    page.screenshot(path=str(CARE_SHOTS / "dimmed.png"))

    # Tom's phone is unplugged: his card is swapped, bright at once; Wei's stays dimmed.
    stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/agents/{TOM}", {"registered": False})
    expect(tom).to_have_attribute("data-status", "offline")
    expect(tom).not_to_have_class(UNCHANGED)
    expect(tom).to_have_css("filter", "none")
    expect(wei).to_have_class(UNCHANGED)
    # A full state (what a reconnect brings) swaps every fragment anew: those whose HTML did
    # not change stay dimmed.
    full_states = page.evaluate("window.__wb.fullStates")
    page.evaluate('window.__sockets[window.__sockets.length - 1].send(\'{"type": "resync"}\')')
    page.wait_for_function("(before) => window.__wb.fullStates > before", arg=full_states)
    expect(wei).to_have_class(UNCHANGED)
    expect(tom).not_to_have_class(UNCHANGED)
    page.clock.fast_forward(75_000)
    expect(tom).to_have_class(UNCHANGED)


def test_nothing_is_dimmed_while_the_board_is_stale(
    stack: Stack, tab: Tab, dims_after_a_minute
) -> None:
    page = tab.page
    page.clock.install()
    open_board(tab, stack.tv_url())
    wei = agent_card(page, WEI)
    page.clock.fast_forward(75_000)
    expect(wei).to_have_css("filter", DIMMED)

    stack.kill("sandbox")  # no poll succeeds: STALE, and the numbers must not look calm
    expect(page.locator("body")).to_have_class(re.compile(r"\bis-stale\b"), timeout=20_000)
    expect(wei).to_have_class(UNCHANGED)
    expect(wei).to_have_css("filter", "none")

    stack.start_service("sandbox")  # the same call centre: Wei's card has not changed
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bis-stale\b"), timeout=20_000)
    expect(wei).to_have_css("filter", DIMMED)


# --- Screen Wake Lock --------------------------------------------------------------------------

# A stand-in for navigator.wakeLock (headless Chromium has no screen to keep awake) that does
# what a browser does: it grants a lock only to a visible page and lets go of it when the page
# is hidden; the test hides and shows the page, or lets go as the system would.
WAKE_LOCK_STUB = """
(() => {
  const state = {requests: 0, held: [], visibility: "visible"};
  window.__wakeLock = state;
  function release(lock) {
    if (!lock.released) {
      lock.released = true;
      state.held = state.held.filter((other) => other !== lock);
      lock.dispatchEvent(new Event("release"));
    }
    return Promise.resolve();
  }
  Object.defineProperty(navigator, "wakeLock", {configurable: true, value: {
    request(type) {
      state.requests += 1;
      if (type !== "screen" || state.visibility !== "visible") {
        return Promise.reject(new DOMException("The page is not visible", "NotAllowedError"));
      }
      const lock = Object.assign(new EventTarget(), {type, released: false});
      lock.release = () => release(lock);
      state.held.push(lock);
      return Promise.resolve(lock);
    },
  }});
  Object.defineProperty(document, "visibilityState", {get: () => state.visibility});
  Object.defineProperty(document, "hidden", {get: () => state.visibility !== "visible"});
  window.__setVisibility = (visibility) => {
    state.visibility = visibility;
    if (visibility !== "visible") { state.held.slice().forEach(release); }
    document.dispatchEvent(new Event("visibilitychange"));
  };
  window.__systemReleases = () => state.held.slice().forEach(release);
})();
"""
WAKE_LOCK_RETRY_MS = 30_000  # static/boards/tv_care.js


def _wake_lock(page: Page, requests: int, held: int) -> None:
    # A function, not an expression: the page's CSP forbids the eval an expression needs.
    page.wait_for_function(
        "([requests, held]) => window.__wakeLock.requests === requests"
        " && window.__wakeLock.held.length === held",
        arg=[requests, held],
    )


def test_the_tv_keeps_its_screen_awake_and_takes_the_lock_again_after_it_was_released(
    stack: Stack, tab: Tab
) -> None:
    page = tab.page
    page.add_init_script(WAKE_LOCK_STUB)
    page.clock.install()
    open_board(tab, stack.tv_url())
    _wake_lock(page, requests=1, held=1)

    # Hidden (another input on the TV, a screen saver): the lock goes, and none is asked for
    # while hidden, not even when the retry comes round.
    page.evaluate("window.__setVisibility('hidden')")
    _wake_lock(page, requests=1, held=0)
    page.clock.fast_forward(WAKE_LOCK_RETRY_MS)
    _wake_lock(page, requests=1, held=0)
    page.evaluate("window.__setVisibility('visible')")
    _wake_lock(page, requests=2, held=1)

    # The system lets go while the board is on screen (a power saver): taken again soon.
    page.evaluate("window.__systemReleases()")
    _wake_lock(page, requests=2, held=0)
    page.clock.fast_forward(WAKE_LOCK_RETRY_MS)
    _wake_lock(page, requests=3, held=1)


def test_a_tv_without_the_wake_lock_api_works_as_ever(stack: Stack, tab: Tab) -> None:
    page = tab.page
    page.add_init_script("delete Navigator.prototype.wakeLock;")
    page.clock.install(time=_ring_start_ms() / 1000)
    open_board(tab, stack.tv_url())
    assert page.evaluate("'wakeLock' in navigator") is False
    page.clock.fast_forward(BURN_IN_STEP_MS)  # the page's care goes on: the next step
    expect(page.locator("body")).to_have_attribute("data-burn-x", "1")
    expect(agent_card(page, WEI).locator(".agent__name")).to_have_text("Wei Chen")
    assert tab.console_errors == []  # no page error either (the tab records them there)


def test_only_a_tv_shifts_and_keeps_its_screen_awake(
    stack: Stack, tab: Tab, browser: Browser
) -> None:
    page = tab.page
    page.add_init_script(WAKE_LOCK_STUB)
    open_board(tab, stack.public_url())
    admin = _admin(browser, stack, "/boards/")
    try:
        admin.page.add_init_script(WAKE_LOCK_STUB)
        open_board(admin, stack.url(f"/boards/{demo.DEMO_BOARDS['tv']}/"))
        for other in (page, admin.page):
            assert other.evaluate("window.__wakeLock.requests") == 0
            expect(other.locator("body")).not_to_have_attribute("data-burn-x", re.compile(""))
            expect(other.locator(".board__header")).to_have_css("transform", "none")
    finally:
        admin.page.context.close()
