"""The TV board when things break: the upstream API, the web process, a clean server close."""

import re
import time

import pytest
from playwright.sync_api import expect

from demo import names as demo
from tests.browser.board import Tab, agent_card, load_id, open_board, page_version
from tests.stack import ACCOUNT_ID, Stack, wait_until

pytestmark = pytest.mark.browser

WEI, AISHA = 125, 126
DISCONNECTED = re.compile(r"\bis-disconnected\b")
STALE = re.compile(r"\bis-stale\b")


def test_it_turns_stale_while_the_api_is_down_and_live_when_it_returns(
    stack: Stack, tab: Tab
) -> None:
    page = open_board(tab, stack.tv_url())
    freshness = page.locator("#freshness")
    expect(freshness).to_have_attribute("data-state", "live")

    stack.kill("sandbox")

    # Three poll intervals (2 s each) without a successful poll.
    expect(freshness).to_have_attribute("data-state", "stale", timeout=20_000)
    expect(freshness).to_be_visible()
    expect(freshness.locator(".freshness__label")).to_have_text("STALE")
    expect(freshness.locator("[data-age]")).to_have_text(re.compile(r"^data \d+:\d\d old$"))
    expect(page.locator("body")).to_have_class(STALE)
    # The last good data stays on screen, marked, never blank.
    expect(agent_card(page, WEI).locator(".agent__name")).to_have_text("Wei Chen")

    stack.start_service("sandbox")  # same port, a fresh simulated call centre

    expect(freshness).to_have_attribute("data-state", "live", timeout=20_000)
    expect(freshness.locator(".freshness__label")).to_have_text("LIVE")
    expect(page.locator("body")).not_to_have_class(STALE)


def test_it_reconnects_and_resyncs_after_the_web_process_restarts(stack: Stack, tab: Tab) -> None:
    tab.expect_connection_errors = True  # Chromium logs each refused reconnect
    page = open_board(tab, stack.tv_url())
    document = load_id(page)
    expect(agent_card(page, WEI)).to_have_attribute("data-status", "available")

    stack.kill("web")

    expect(page.locator("body")).to_have_class(DISCONNECTED)
    expect(page.locator(".connection")).to_be_visible()
    expect(page.locator(".connection")).to_contain_text("DISCONNECTED")
    # While the page cannot hear about it: Wei starts a call and Aisha comes online.
    version, _ = stack.snapshot_state()
    stack.control(
        "POST",
        f"/accounts/{ACCOUNT_ID}/calls",
        {"pk": WEI, "direction": "outbound", "peer": "+15550100300"},
    )
    stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/agents/{AISHA}", {"registered": True})
    stack.wait_for_snapshot(min_version=version + 1)
    expect(agent_card(page, WEI)).to_have_attribute("data-status", "available")

    stack.start_service("web")

    expect(page.locator("body")).not_to_have_class(DISCONNECTED, timeout=40_000)
    expect(agent_card(page, WEI)).to_have_attribute("data-status", "on_call")
    expect(agent_card(page, AISHA)).to_have_attribute("data-status", "available")
    expect(page.locator(".connection")).to_be_hidden()
    assert page_version(page) == stack.snapshot_state()[0]
    assert load_id(page) == document, "the page reloaded instead of reconnecting"


def test_it_reconnects_by_itself_after_a_clean_close(stack: Stack, tab: Tab) -> None:
    # daphne closes every websocket after --websocket_timeout with code 1000 (24 h by
    # default); the htmx ws extension alone would stay down after that.
    web = stack.start_extra_web("web-short-sockets", "--websocket_timeout", "3")
    try:
        page = open_board(tab, stack.tv_url(port=web.port))
        document = load_id(page)

        # Closed cleanly, opened again, and the new socket brought the full state.
        page.wait_for_function(
            # A function, not an expression string: the page's CSP forbids eval.
            "() => window.__wb.closes.includes(1000) && window.__wb.opens >= 2"
            " && window.__wb.fullStates >= 2",
            timeout=20_000,
        )

        assert load_id(page) == document, "the page reloaded instead of reconnecting"
        expect(agent_card(page, WEI).locator(".agent__name")).to_have_text("Wei Chen")
    finally:
        tab.page.close()  # before its server goes, or it would try to reconnect
        stack.stop_extra("web-short-sockets")


def test_it_follows_the_data_again_after_redis_lost_it(stack: Stack, tab: Tab) -> None:
    page = open_board(tab, stack.tv_url())
    for registered in (True, False):  # a board that has run a while is a few versions in
        version, _ = stack.snapshot_state()
        stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/agents/{AISHA}", {"registered": registered})
        stack.wait_for_snapshot(min_version=version + 1)
    expect(page.locator("body")).to_have_attribute("data-version", str(version + 1))
    try:
        stack.redis.flushdb()  # what a Redis restart without persistence leaves
        stack.wait_for_snapshot(after=time.time())
        stack.control(
            "POST",
            f"/accounts/{ACCOUNT_ID}/calls",
            {"pk": WEI, "direction": "outbound", "peer": "+15550100300"},
        )

        expect(agent_card(page, WEI)).to_have_attribute("data-status", "on_call", timeout=10_000)
    finally:
        tab.page.close()
        stack.restart("web")  # the next tests get a web process without the old versions


def test_a_watched_board_is_live_again_within_seconds_after_a_run_of_errors(
    stack: Stack, tab: Tab
) -> None:
    page = open_board(tab, stack.tv_url())
    freshness = page.locator("#freshness")
    expect(freshness).to_have_attribute("data-state", "live")
    stack.control("PUT", "/faults", {"rules": [{"kind": "status", "status": 500}]})
    try:
        expect(freshness).to_have_attribute("data-state", "stale", timeout=20_000)

        # Failures enough for an unwatched account's backoff to be far past 5 s by now.
        def failures() -> int:
            return int(stack.redis.hget(f"wb:health:{ACCOUNT_ID}", "consecutive_failures") or 0)

        wait_until(lambda: failures() >= 6, 40, "six failed polls in a row")
    finally:
        healed = time.monotonic()
        stack.control("DELETE", "/faults")
    expect(freshness).to_have_attribute("data-state", "live", timeout=15_000)
    took = time.monotonic() - healed
    print(f"live again {took:.1f} s after the upstream healed")
    assert took <= 5.0


def test_a_board_edit_reaches_an_open_tv_without_a_reload(stack: Stack, tab: Tab) -> None:
    """The worker renders the edited board and its screens reconnect into it: under daphne,
    whose websocket library refuses to close with 1012 (the page froze on every edit)."""
    page = open_board(tab, stack.tv_url())
    document = load_id(page)
    title = page.locator("#board-title")
    before = title.inner_text()
    slug = demo.DEMO_BOARDS["tv"]
    rename = (
        "from boards.models import Board\n"
        f"board = Board.objects.get(slug={slug!r})\n"
        "board.title = {!r}\n"
        "board.save()\n"
    )
    try:
        stack.manage("shell", "-c", rename.format("Floor, renamed"))
        expect(title).to_have_text("Floor, renamed", timeout=15_000)
        assert load_id(page) == document, "the page reloaded instead of reconnecting"
        # And it still takes the next change as it comes.
        version, _ = stack.snapshot_state()
        stack.control(
            "POST",
            f"/accounts/{ACCOUNT_ID}/calls",
            {"pk": WEI, "direction": "outbound", "peer": "+15550100301"},
        )
        stack.wait_for_snapshot(min_version=version + 1)
        expect(agent_card(page, WEI)).to_have_attribute("data-status", "on_call")
    finally:
        stack.manage("shell", "-c", rename.format(before))
