"""The supervisor page on a phone (360x740, touch): supervisors walk the floor with it. The page
never scrolls sideways, no two texts of the header or the agent table are drawn over each
other, every control a finger uses is at least 44 px, and a tap sorts the table."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.board import (
    ALERT_RULE,
    NO_ALERT_RULES,
    Tab,
    log_in_as_demo_admin,
    open_tab,
    save_screenshot,
)
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
SALES = 100134
WEI = 125  # Wei Chen, ext 1003: no call at the sandbox's start
SMALLEST_TAP = 44  # px, WCAG 2.5.5's target size

# Every line of text under `root` as laid out: the boxes of its text nodes, as high as their
# line (a glyph's box may reach beyond it, into a tight line above: nothing is drawn over), cut
# to the boxes of the ancestors that clip them (an ellipsis, a scrolling box); then each pair
# of different texts that overlaps by more than a pixel, and each that reaches past the page's
# width.
TEXT_BOXES = """root => {
  const width = document.documentElement.clientWidth;
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const clipOf = (el) => {
    let box = {left: -Infinity, right: Infinity, top: -Infinity, bottom: Infinity};
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") {
        const r = e.getBoundingClientRect();
        box = {left: Math.max(box.left, r.left), right: Math.min(box.right, r.right),
               top: Math.max(box.top, r.top), bottom: Math.min(box.bottom, r.bottom)};
      }
    }
    return box;
  };
  const boxes = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || !shown(node.parentElement)) { continue; }
    const clip = clipOf(node.parentElement), range = document.createRange();
    const style = getComputedStyle(node.parentElement);
    const line = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const middle = (r.top + r.bottom) / 2, half = Math.min(line, r.height) / 2;
      const box = {
        left: Math.max(r.left, clip.left), right: Math.min(r.right, clip.right),
        top: Math.max(middle - half, clip.top), bottom: Math.min(middle + half, clip.bottom),
      };
      if (box.right - box.left > 0 && box.bottom - box.top > 0) {
        boxes.push({node, text: node.textContent.trim().slice(0, 24), box});
      }
    }
  }
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const overlapping = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      if (boxes[i].node !== boxes[j].node && overlap(boxes[i].box, boxes[j].box)) {
        overlapping.push(`"${boxes[i].text}" over "${boxes[j].text}"`);
      }
    }
  }
  const pastTheEdge = boxes.filter((b) => b.box.right > width + 1).map((b) => b.text);
  return {count: boxes.length, overlapping, pastTheEdge};
}"""

# How wide the page is against the screen, and what sticks out past the screen's edge (the
# outermost such elements, outside any box that scrolls or clips them).
WIDTHS = """() => {
  const screen = document.documentElement.clientWidth;
  const page = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  // Clipped by a box that scrolls or hides: one that contains it (an absolutely positioned
  // element escapes the boxes between it and its positioned ancestor).
  const clipped = (el) => {
    let free = el.nodeType === 1 && getComputedStyle(el).position === "absolute";
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (free && style.position === "static") { continue; }
      free = false;
      if (style.overflowX !== "visible") { return true; }
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) =>
    el.getBoundingClientRect().right > screen + 1 && !clipped(el));
  const outermost = wide.filter((el) => !wide.includes(el.parentElement));
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if (node.textContent.trim() && !clipped(node) &&
        [...range.getClientRects()].some((r) => r.right > screen + 1)) {
      texts.push(node.textContent.trim().slice(0, 30));
    }
  }
  return {screen, page, wide: outermost.map((el) => el.id || el.className).slice(0, 10), texts};
}"""

# The controls a supervisor uses on the floor, and the smallest size of each kind.
CONTROLS = {
    "sort": ".agent-row--head button",
    "window picker": "#window-picker",
    "acknowledge": ".alarm__ack",
    "message text": ".message-form input[name=text]",
    "message expiry": ".message-form select",
    "post": ".message-form__post",
    "withdraw": ".message-withdraw",
    "links": ".board__nav a, .board__nav button",
    "alert sound": ".sound-toggle",
}


def assert_no_text_is_drawn_over_another(page: Page, selector: str) -> None:
    for index, root in enumerate(page.locator(selector).all()):
        found = root.evaluate(TEXT_BOXES)
        assert found["count"] > 0, f"{selector} #{index}: no text measured"
        assert found["overlapping"] == [], f"{selector} #{index}: {found['overlapping']}"
        assert found["pastTheEdge"] == [], f"{selector} #{index}: {found['pastTheEdge']}"


def smallest_sizes(page: Page) -> dict[str, tuple[float, float]]:
    sizes = {}
    for name, selector in CONTROLS.items():
        boxes = [c.bounding_box() for c in page.locator(selector).all() if c.is_visible()]
        assert boxes, f"no {name} on the page ({selector})"
        sizes[name] = (min(b["width"] for b in boxes), min(b["height"] for b in boxes))
    return sizes


@pytest.fixture
def phone(browser: Browser) -> Iterator[Tab]:
    tab = open_tab(
        browser,
        PHONE["width"],
        PHONE["height"],
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        yield tab
    finally:
        tab.page.context.close()
    assert not tab.unexpected_console_errors(), tab.console_errors


@pytest.fixture
def busy_floor(stack: Stack) -> Iterator[Stack]:
    """The floor with something in every part: an alert, a call, a message to post."""
    stack.manage("shell", "-c", ALERT_RULE)
    body = {"pk": WEI, "direction": "inbound", "peer": "+15550100200"}
    stack.control("POST", f"/accounts/{ACCOUNT_ID}/calls", body)
    stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/queues/{SALES}", {"members": []})
    yield stack
    stack.manage("shell", "-c", NO_ALERT_RULES)


def test_the_supervisor_page_fits_a_phone_and_its_controls_fit_a_finger(
    busy_floor: Stack, phone: Tab
) -> None:
    page = phone.page
    log_in_as_demo_admin(page, busy_floor.url(""), "/boards/floor-tv/")
    expect(page.locator(f"#queue-{SALES} .alarm__ack")).to_be_visible(timeout=15_000)
    expect(page.locator(f"#agent-{WEI} .call")).to_be_visible(timeout=15_000)
    page.locator(".message-form input[name=text]").fill("Huddle by the window at 15:00")
    page.locator(".message-form__post").tap()
    expect(page.locator(".message-withdraw")).to_be_visible()
    page.evaluate("document.fonts.ready")
    save_screenshot(page, "phone-supervisor.png")
    page.screenshot(path=str(save_screenshot(page, "phone-supervisor-full.png")), full_page=True)

    widths = page.evaluate(WIDTHS)
    assert widths["page"] <= widths["screen"], f"scrolls sideways: {widths}"

    assert_no_text_is_drawn_over_another(page, ".board__header")
    assert_no_text_is_drawn_over_another(page, ".agents-table")
    assert_no_text_is_drawn_over_another(page, ".queues .tile")

    for name, (width, height) in smallest_sizes(page).items():
        assert width >= SMALLEST_TAP and height >= SMALLEST_TAP, (name, width, height)

    # A tap sorts the table, as a click does on a desktop.
    header = page.locator('[data-sort="name"]')
    header.get_by_role("button").tap()
    expect(header).to_have_attribute("aria-sort", "ascending")
    names = page.eval_on_selector_all(
        ".agent-rows .agent-row__name", "names => names.map(n => n.textContent)"
    )
    assert names == sorted(names), names
