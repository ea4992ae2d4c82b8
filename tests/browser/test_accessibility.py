"""WCAG 2.1 AA on the TV, supervisor and public pages (alone and framed by a customer's
site), checked by axe-core (vendored in static/vendor, loaded by these tests alone) with live
data on them: agents available, on calls in and out and offline, callers waiting, alerts
flashing and acknowledged, the data live and stale. No serious or critical violation, at
full HD and at 720p, in both phases of an alert's flash; and no state shown by colour alone."""

import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from tests.browser.board import (
    SOCKET_STATE,
    Tab,
    log_in_as_demo_admin,
    open_tab,
    save_screenshot,
    serve_page,
)
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

AXE = next((Path(__file__).resolve().parents[2] / "static" / "vendor").glob("axe-core-*.min.js"))
SIZES = [(1920, 1080), (1280, 720)]
SALES, SUPPORT = 100134, 100135
JOHN, WEI, TOM = 123, 125, 127  # John calls out, Wei takes a queue call, Tom goes offline
JOHN_EXTENSION = "1001"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
# An alert's tile flashes between two backgrounds (static/boards/alerts.css): the text must
# read on both. Every animation is paused at each of these moments (ms) while axe runs.
FLASH_PHASES = {"flash-bright": 0, "flash-dark": 900}
# The demo's rules (seed_demo) again, should a test before these have removed them: a
# queue with no agent ready, or more than four callers waiting, raises an alert on the TV
# and supervisor boards.
DEMO_ALERT_RULES = """
from alerts.models import AlertRule, RuleKind
from boards.models import Board
rules = {
    RuleKind.NO_AGENT_READY: ("Nobody ready", None),
    RuleKind.CALLS_WAITING_ABOVE: ("Queue building", 4),
}
for board in Board.objects.filter(slug__in=["floor-tv", "supervisor"]):
    for kind, (label, threshold) in rules.items():
        AlertRule.objects.update_or_create(
            board=board, kind=kind, queue_id=None,
            defaults={"label": label, "threshold": threshold, "enabled": True},
        )
"""

PAUSE_ANIMATIONS = """(at) => document.getAnimations().forEach((animation) => {
  animation.pause();
  animation.currentTime = at;
})"""
# State is never colour alone: every agent card has its state word and icon, every chip,
# level, alert and freshness mark its word.
STATES_WITHOUT_WORDS = """() => {
  const said = (el) => el !== null && el.textContent.trim() !== "";
  const cards = [...document.querySelectorAll(".agent")].filter((card) =>
    !said(card.querySelector(".agent__state")) || !said(card.querySelector(".agent__icon")));
  const marks = [...document.querySelectorAll(
    ".chip, .tile__level, .alarm__word, .freshness__label, .tile__sl-word",
  )].filter((el) => !said(el));
  return [...cards, ...marks].map((el) => el.id || el.className);
}"""
RESUME_ANIMATIONS = "() => document.getAnimations().forEach((animation) => animation.play())"
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return results.violations.map((rule) => ({
    id: rule.id, impact: rule.impact, help: rule.help,
    nodes: rule.nodes.map((node) => ({
      impact: node.impact, target: node.target.join(" "), summary: node.failureSummary,
    })),
  }));
}"""


@dataclass
class Violation:
    where: str
    rule: str
    impact: str
    target: str
    summary: str

    def __str__(self) -> str:
        summary = re.sub(r"\s+", " ", self.summary).strip()
        return f"[{self.where}] {self.rule} ({self.impact}) {self.target}: {summary}"


def blocking(where: str, violations: list[dict]) -> list[Violation]:
    """The serious and critical failures among axe's violations, one per element."""
    return [
        Violation(
            where, rule["id"], node["impact"] or rule["impact"], node["target"], node["summary"]
        )
        for rule in violations
        for node in rule["nodes"]
        if (node["impact"] or rule["impact"]) in BLOCKING
    ]


def audit(page: Page, target: Page | Frame, where: str) -> list[Violation]:
    """axe on the target's document (the page or a frame of it), once per phase of the
    alert's flash; a screenshot of the page in each phase."""
    if not target.evaluate("typeof axe !== 'undefined'"):
        target.add_script_tag(content=AXE.read_text())
    found = [
        Violation(where, "state-by-colour-alone", "serious", element, "no word beside its colour")
        for element in target.evaluate(STATES_WITHOUT_WORDS)
    ]
    for phase, at in FLASH_PHASES.items():
        target.evaluate(PAUSE_ANIMATIONS, at)
        try:
            name = re.sub(r"[^a-z0-9]+", "-", f"a11y {where} {phase}".lower())
            keep(save_screenshot(page, f"{name}.png"))
            found += blocking(f"{where} {phase}", target.evaluate(RUN_AXE, WCAG_A_AA))
        finally:
            target.evaluate(RESUME_ANIMATIONS)
    return found


def keep(path: Path) -> None:
    """The screenshot also in the temp folder (/tmp/a11y-shots/), where reviewers look."""
    shots = Path(tempfile.gettempdir()) / "a11y-shots"
    shots.mkdir(exist_ok=True)
    shutil.copyfile(path, shots / path.name)


def report(found: list[Violation]) -> str:
    return f"{len(found)} serious or critical WCAG violations:\n" + "\n".join(map(str, found))


# --- the live floor ----------------------------------------------------------------------


def callers(stack: Stack, queue_id: int, count: int) -> None:
    for n in range(count):
        body = {"from_number": f"+1555011{queue_id % 100:02d}{n:02d}", "patience": 900}
        stack.control("POST", f"/accounts/{ACCOUNT_ID}/queues/{queue_id}/callers", body)


@pytest.fixture
def live_floor(stack: Stack) -> Stack:
    """Agents in every state (Maria available, John and Wei on calls out and in, the others
    offline), callers waiting in both queues, and both queues with nobody ready: alerts.

    From the poll alone, without the sandbox's webhooks: the day's counts those would store
    outlive the test and change what later tests expect (tests/browser/test_public_status.py
    expects a public tile without them, test_alert_sound.py a screen without alerts)."""
    stack.manage("shell", "-c", DEMO_ALERT_RULES)
    account = f"/accounts/{ACCOUNT_ID}"
    # Sales without Maria, so that she stays available while its callers wait.
    stack.control("PATCH", f"{account}/queues/{SALES}", {"members": [JOHN, WEI, TOM]})
    wei_call = {"pk": WEI, "direction": "inbound", "peer": "+15550199101", "queue_id": SALES}
    stack.control("POST", f"{account}/calls", wei_call)
    stack.control("PATCH", f"{account}/agents/{TOM}", {"registered": False})
    stack.api("POST", "/call/outbound", {"from": JOHN_EXTENSION, "to": "+15550199100"})
    callers(stack, SALES, 2)
    callers(stack, SUPPORT, 6)
    return stack


@pytest.fixture
def axe_browser(browser: Browser) -> Iterator[Tab]:
    """A page whose context ignores the pages' CSP, so that axe can be added to them (the
    pages themselves run no inline script)."""
    tab = open_tab(browser, bypass_csp=True)
    try:
        yield tab
    finally:
        tab.page.context.close()
    assert not tab.unexpected_console_errors(), tab.console_errors


def expect_the_floor_is_busy(page: Page | Frame, *, alert: bool) -> None:
    """The page shows the poll of the busy floor: both queues' alerts where the audience sees
    alerts, Support's "all agents busy" level on the public tile."""
    if alert:
        for queue_id in (SALES, SUPPORT):
            tile = page.locator(f"#queue-{queue_id}")
            expect(tile).to_have_attribute("data-alert", "active", timeout=30_000)
    else:
        expect(page.locator(f"#queue-{SUPPORT}")).to_have_attribute("data-level", "alert")


def audit_at_every_size(page: Page, where: str, target: Page | Frame | None = None) -> None:
    found: list[Violation] = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        found += audit(page, target or page, f"{where} {width}x{height}")
    assert not found, report(found)


# --- the pages ---------------------------------------------------------------------------


def test_the_tv_board_has_no_serious_wcag_violation(live_floor: Stack, axe_browser: Tab) -> None:
    page = axe_browser.page
    page.goto(live_floor.tv_url())
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    expect(page.locator(".agent--on_call").first).to_be_attached(timeout=10_000)
    expect(page.locator(".agent--offline").first).to_be_attached()
    expect_the_floor_is_busy(page, alert=True)
    audit_at_every_size(page, "tv")


def test_the_supervisor_board_has_no_serious_wcag_violation(
    live_floor: Stack, axe_browser: Tab
) -> None:
    page = axe_browser.page
    log_in_as_demo_admin(page, live_floor.url(""), "/boards/supervisor/")
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    expect(page.locator(".agent-row.agent--on_call").first).to_be_attached(timeout=10_000)
    expect_the_floor_is_busy(page, alert=True)
    expect(page.locator(".alarm__ack").first).to_be_visible()
    audit_at_every_size(page, "supervisor")


def test_acknowledged_alerts_and_stale_data_have_no_serious_wcag_violation(
    live_floor: Stack, axe_browser: Tab
) -> None:
    """The TV's board seen by its supervisor, who acknowledges Sales' alert (Support's stays
    on), then the API fails: both pages say STALE over the last good numbers."""
    board = axe_browser.page
    log_in_as_demo_admin(board, live_floor.url(""), "/boards/floor-tv/")
    expect(board.locator(SOCKET_STATE)).to_be_attached()
    expect_the_floor_is_busy(board, alert=True)
    sales = board.locator(f"#queue-{SALES}")
    while sales.locator(".alarm__ack").count():
        sales.locator(".alarm__ack").first.click()
        expect(sales.locator(".alarm--acknowledged").first).to_be_attached(timeout=10_000)
    expect(sales).to_have_attribute("data-alert", "acknowledged", timeout=10_000)
    tv = board.context.new_page()
    tv.goto(live_floor.tv_url())
    expect(tv.locator(SOCKET_STATE)).to_be_attached()
    expect(tv.locator(f"#queue-{SALES}")).to_have_attribute("data-alert", "acknowledged")
    expect(tv.locator(f"#queue-{SUPPORT}")).to_have_attribute("data-alert", "active")

    live_floor.control("PUT", "/faults", {"rules": [{"kind": "status", "status": 500}]})
    try:
        for page in (board, tv):
            freshness = page.locator("#freshness")
            expect(freshness).to_have_attribute("data-state", "stale", timeout=20_000)
        audit_at_every_size(board, "tv board, supervisor, stale")
        audit_at_every_size(tv, "tv, stale")
    finally:
        live_floor.control("DELETE", "/faults")


def test_the_public_status_page_has_no_serious_wcag_violation(
    live_floor: Stack, axe_browser: Tab
) -> None:
    page = axe_browser.page
    page.goto(live_floor.public_url())
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    expect_the_floor_is_busy(page, alert=False)
    audit_at_every_size(page, "public")


@pytest.fixture
def customer_site(live_floor: Stack) -> Iterator[str]:
    """A customer's web page (another origin, on this machine: Chromium lets only a local
    page frame a local one) that embeds the public status page in an iframe."""
    page = (
        '<!doctype html><html lang="en"><title>Customer site</title><body>'
        f'<iframe title="Support line status" src="{live_floor.public_url()}" '
        'width="420" height="320"></iframe></body></html>'
    )
    with serve_page(page) as url:
        yield url


def test_the_public_status_page_in_an_iframe_has_no_serious_wcag_violation(
    live_floor: Stack, customer_site: str, axe_browser: Tab
) -> None:
    page = axe_browser.page
    page.goto(customer_site)
    expect(page.frame_locator("iframe").locator(SOCKET_STATE)).to_be_attached()
    embedded = next(f for f in page.frames if f.url.startswith(live_floor.public_url()))
    expect_the_floor_is_busy(embedded, alert=False)
    audit_at_every_size(page, "public in an iframe", embedded)
