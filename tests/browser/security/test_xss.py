"""Names from the upstream are text wherever they are shown: agents and queues renamed in the
sandbox to script payloads reach every board live (the push path) and on a reload (the page
path), the badge and the JSON, and nothing executes in Chromium."""

import html
import json

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.board import Tab, load_id, open_board
from tests.browser.security.conftest import session_of
from tests.security.audiences import (
    ADMIN,
    BOARD_A,
    KIOSK_TOKEN,
    OTHER_QUEUE,
    PUBLIC_BOARD,
    PUBLIC_QUEUE,
    SUPERVISOR_A,
)
from tests.stack import ACCOUNT_ID, Stack, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Agent pk: its new callerID (the name boards show). Payloads that would run set window.__xss
# or open a dialog.
AGENT_NAMES = {
    123: '<img src=x onerror="window.__xss=1">',
    124: '"><svg onload="window.__xss=2">',
    125: "</script><script>window.__xss=3</script>",
    126: "{{7*7}} {% debug %}",
    127: "<img src=x onerror=alert(1)>",
    128: "' onmouseover='window.__xss=6' data-x='",
}
QUEUE_NAMES = {
    OTHER_QUEUE: '"><svg onload=alert(2)>',
    # The public board's queue: also on the badge, so it tries to leave the SVG's <text> too.
    PUBLIC_QUEUE: '</text><img src=x onerror="window.__xss=4"><script>alert(4)</script>{{7*7}}',
}
# The payloads that are markup: none may reach a page, a frame or the badge as it is.
RAW_PAYLOADS = [p for p in (*AGENT_NAMES.values(), *QUEUE_NAMES.values()) if "<" in p]
INJECTED = "img[src='x'], svg[onload], [onerror], [onload], [onmouseover], [data-x]"


def rename_everything(stack: Stack) -> None:
    for pk, name in AGENT_NAMES.items():
        stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/agents/{pk}", {"callerID": name})
    for pk, name in QUEUE_NAMES.items():
        stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/queues/{pk}", {"queue_name": name})


def expect_names_as_text(page: Page, *, agents: str | None, queues: list[int]) -> None:
    """`agents`: the selector of the name inside an agent's card or row (None: no agents)."""
    for pk in queues:
        name = page.locator(f"#queue-{pk} .tile__name")
        expect(name).to_have_text(QUEUE_NAMES[pk], timeout=15_000)
    if agents is not None:
        for pk, text in AGENT_NAMES.items():
            expect(page.locator(f"#agent-{pk} {agents}")).to_have_text(text, timeout=15_000)


def assert_nothing_executed(tab: Tab) -> None:
    page = tab.page
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert tab.dialogs == []  # type: ignore[attr-defined]
    assert page.locator(INJECTED).count() == 0
    scripts = page.evaluate("[...document.scripts].map(s => s.text + ' ' + s.src)")
    assert not [s for s in scripts if "__xss" in s or "alert(" in s], scripts


def test_script_payloads_in_names_reach_every_board_live_and_stay_text(
    fresh_stack: Stack, tabs
) -> None:
    stack = fresh_stack
    supervisor_page = stack.url(f"/boards/{BOARD_A}/")
    both_queues = [OTHER_QUEUE, PUBLIC_QUEUE]
    boards = {
        # who: (tab, URL, selector of an agent's name, the queues it shows)
        "TV": (tabs(), stack.url(f"/tv/{KIOSK_TOKEN}/"), ".agent__name", both_queues),
        "supervisor": (
            tabs(session_of(stack, SUPERVISOR_A), stack),
            supervisor_page,
            ".agent-row__name",
            both_queues,
        ),
        "admin": (
            tabs(session_of(stack, ADMIN), stack),
            supervisor_page,
            ".agent-row__name",
            both_queues,
        ),
        "public": (tabs(), stack.url(f"/status/{PUBLIC_BOARD}/"), None, [PUBLIC_QUEUE]),
    }
    documents = {}
    for who, (tab, url, _, _) in boards.items():
        open_board(tab, url)
        documents[who] = load_id(tab.page)

    rename_everything(stack)

    for who, (tab, _, agents, queues) in boards.items():
        expect_names_as_text(tab.page, agents=agents, queues=queues)  # pushed, live
        assert load_id(tab.page) == documents[who], f"the {who} page reloaded"
        assert_nothing_executed(tab)
        for frame in tab.frames:
            assert not [p for p in RAW_PAYLOADS if p in frame], f"{who}: {frame}"

        tab.page.reload()  # the page path renders them as well
        expect_names_as_text(tab.page, agents=agents, queues=queues)
        assert_nothing_executed(tab)


def test_script_payloads_stay_text_in_the_badge_and_the_json(fresh_stack: Stack, tabs) -> None:
    stack = fresh_stack
    badge = f"/status/{PUBLIC_BOARD}/badge/{PUBLIC_QUEUE}.svg"
    rename_everything(stack)
    wait_until(
        lambda: "window.__xss=4" in html.unescape(httpx.get(stack.url(badge)).text),
        timeout=15,
        what="the renamed queue on the badge",
    )

    document = tabs()
    response = document.page.goto(stack.url(badge))
    assert response is not None and response.status == 200
    assert document.page.evaluate("document.documentElement.localName") == "svg"
    assert QUEUE_NAMES[PUBLIC_QUEUE] in document.page.evaluate(
        "document.documentElement.textContent"
    )
    assert_nothing_executed(document)

    response = document.page.goto(stack.url(f"/status/{PUBLIC_BOARD}.json"))
    assert response is not None and response.status == 200
    shown = json.loads(document.page.locator("body").inner_text())
    assert [q["name"] for q in shown["queues"]] == [QUEUE_NAMES[PUBLIC_QUEUE]]
    assert_nothing_executed(document)

    # What the server sends, before any browser parses it: escaped, not markup.
    for path in (f"/tv/{KIOSK_TOKEN}/", f"/status/{PUBLIC_BOARD}/", badge):
        body = httpx.get(stack.url(path), timeout=10).text
        assert not [p for p in RAW_PAYLOADS if p in body], path
