"""The TV board follows the sandbox: what it shows at load, and a call that starts and ends."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.board import Tab, agent_card, load_id, open_board, queue_number
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

WEI = 125  # Wei Chen, ext 1003, member of the Sales Queue
TOM = 127  # Tom Becker, ext 1005
JOHN = 123  # John Smith, ext 1001, member of both queues
SALES, SUPPORT = 100134, 100135
TIMER = re.compile(r"^\d+:\d\d$")
# The state word: long on roomy boards, short on dense ones (the icon and colour say it too).
AVAILABLE = re.compile(r"^(Available|Free)$")
OFFLINE = re.compile(r"^(Offline|Off)$")


def expect_queues_match_the_api(tab: Tab, stack: Stack) -> None:
    """Each tile's agent figures are the API's; nobody waits in these tests, by the events
    and by the poll's estimate alike."""
    for queue in stack.api("GET", "/availability/queues")["result"]:
        tile = tab.page.locator(f"#queue-{queue['pk']}")
        expect(tile.locator(".tile__name")).to_have_text(queue["queue_name"])
        for label, field in [("Available", "agents_available"), ("On call", "agents_on_call")]:
            expect(queue_number(tab.page, queue["pk"], label)).to_have_text(str(queue[field]))
        expect(queue_number(tab.page, queue["pk"], "Waiting")).to_have_text(re.compile(r"^\D*0$"))
        # Online where the tile has no service level yet (no call offered today) to show.
        online = queue_number(tab.page, queue["pk"], "Online")
        if online.count():
            expect(online).to_have_text(str(queue["agents_online"]))


def test_it_shows_every_agent_and_queue_of_the_sandbox(stack: Stack, tab: Tab) -> None:
    # Something beyond the start state: a queue call on Wei, Tom's phone unplugged.
    stack.control(
        "POST",
        f"/accounts/{ACCOUNT_ID}/calls",
        {"pk": WEI, "direction": "inbound", "peer": "+15550100200", "queue_id": SALES},
    )
    stack.control("PATCH", f"/accounts/{ACCOUNT_ID}/agents/{TOM}", {"registered": False})

    page = open_board(tab, stack.tv_url())

    agents = stack.account_state()["agents"]
    expect(page.locator(".agent")).to_have_count(len(agents))
    for agent in agents:
        card = agent_card(page, agent["pk"])
        expect(card.locator(".agent__name")).to_have_text(agent["callerID"])
        if agent["channels"]:
            expect(card).to_have_attribute("data-status", "on_call")
            expect(card.locator(".agent__state")).to_have_text(re.compile(r"\bIn$"))
            expect(card.locator(".timer")).to_have_text(TIMER)
        else:
            status, word = ("available", AVAILABLE) if agent["registered"] else ("offline", OFFLINE)
            expect(card).to_have_attribute("data-status", status)
            expect(card.locator(".agent__state")).to_have_text(word)
    expect(agent_card(page, WEI)).to_have_attribute("data-status", "on_call")
    expect(agent_card(page, TOM)).to_have_attribute("data-status", "offline")
    expect_queues_match_the_api(tab, stack)
    expect(page.locator("#freshness")).to_have_attribute("data-state", "live")
    expect(page.locator("#clock")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
    expect(page.locator(".board__title")).to_have_text("Call centre floor")


def test_an_outbound_call_shows_up_and_ends_without_a_reload(stack: Stack, tab: Tab) -> None:
    page = open_board(tab, stack.tv_url())
    john = agent_card(page, JOHN)
    expect(john).to_have_attribute("data-status", "available")
    expect(queue_number(page, SALES, "On call")).to_have_text("0")
    document = load_id(page)

    # The documented API call, as a softphone integration would place it.
    call = stack.api("POST", "/call/outbound", {"from": "1001", "to": "+15550199887"})
    call_id = call["result"]["call_id"]

    expect(john).to_have_attribute("data-status", "on_call", timeout=10_000)
    expect(john.locator(".agent__state")).to_have_text(re.compile(r"\bOut$"))
    timer = john.locator(".timer")
    expect(timer).to_have_text(re.compile(r"^0:0\d$"))  # counted from the call's start
    first = timer.text_content()
    expect(timer).not_to_have_text(first or "", timeout=5_000)  # ticks in the page
    expect_queues_match_the_api(tab, stack)
    expect(queue_number(page, SALES, "On call")).to_have_text("1")

    stack.control("DELETE", f"/accounts/{ACCOUNT_ID}/calls/{call_id}")

    expect(john).to_have_attribute("data-status", "available", timeout=10_000)
    # The call's timer gives way to the time in the new state, counted from the call's end.
    expect(john.locator(".timer:not(.agent__timer--state)")).to_have_count(0)
    expect(john.locator(".agent__timer--state")).to_have_text(re.compile(r"^0:0\d$"))
    expect(john.locator(".agent__state")).to_have_text(AVAILABLE)
    expect(queue_number(page, SALES, "On call")).to_have_text("0")
    assert load_id(page) == document, "the page reloaded"
    # The TV audience never gets a phone number, not even the call's peer.
    assert not [frame for frame in tab.frames if "0199887" in frame]
