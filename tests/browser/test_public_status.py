"""The public status embed: queue readiness and counts, and nothing about any person."""

import re

import pytest
from playwright.sync_api import expect

from live import protocol
from tests.browser.board import Tab, frame_kind, open_board
from tests.stack import ACCOUNT_ID, Stack

pytestmark = pytest.mark.browser

SUPPORT = 100135
WEI = 125  # a member of the Support Queue
# The demo account's own numbers (docs/sandbox.md), besides the peers of the calls below.
ACCOUNT_NUMBERS = ["+15551234567", "+15559876543"] + [f"+1555200{n}" for n in range(1002, 1007)]
PHONE_NUMBER = re.compile(r"\+\d{7,}|•")


def expect_counts_of_the_api(tab: Tab, stack: Stack) -> None:
    """The tile's numbers read available, on a call, online, in that order, as the API says
    (a public tile may say "all agents busy" instead of a 0)."""
    queue = stack.api("GET", f"/availability/queues/{SUPPORT}")["result"]
    available = queue["agents_available"]
    numbers = (rf"{available}\D+" if available else r"(?:0\D+)?") + (
        rf"{queue['agents_on_call']}\D+{queue['agents_online']}"
    )
    # The summary and counts lines only: the day's figures, where an earlier test's webhooks
    # left some, are numbers of their own (the leak checks below read the whole page).
    lines = tab.page.locator(f"#queue-{SUPPORT}").locator(".tile__summary, .tile__counts")
    expect(lines).to_have_count(2)
    pattern = re.compile(rf"^\D*{numbers}\D*$")
    tab.page.wait_for_function(
        """([selector, source]) => new RegExp(source).test(
            [...document.querySelectorAll(selector)].map((e) => e.textContent).join(" "))""",
        arg=[f"#queue-{SUPPORT} .tile__summary, #queue-{SUPPORT} .tile__counts", pattern.pattern],
        timeout=10_000,
    )


def test_the_public_page_shows_no_agent_name_and_no_phone_number(stack: Stack, tab: Tab) -> None:
    # Calls in progress, so that there are numbers around to leak.
    stack.api("POST", "/call/outbound", {"from": "1001", "to": "+15550177001"})
    page = open_board(tab, stack.public_url())
    expect(page.locator(f"#queue-{SUPPORT} .tile__name")).to_have_text("Support Queue")
    expect_counts_of_the_api(tab, stack)

    # A change while watching, so that the socket carries a diff as well as the full state.
    stack.control(
        "POST",
        f"/accounts/{ACCOUNT_ID}/calls",
        {"pk": WEI, "direction": "inbound", "peer": "+15550177002", "queue_id": SUPPORT},
    )
    expect_counts_of_the_api(tab, stack)
    expect(page.locator(f"#queue-{SUPPORT}")).to_have_attribute("data-level", "alert")

    agents = stack.api("GET", "/availability")["result"]
    names = {n for a in agents for n in (a["first_name"], a["last_name"], a["callerID"])}
    numbers = set(ACCOUNT_NUMBERS) | {
        number for a in agents for c in a["channels"] for number in (c["to"], c["from"])
    }
    numbers = {n for n in numbers if len(n.lstrip("+")) > 4}  # not the extensions
    assert numbers >= {"+15550177001", "+15550177002"}
    assert any(frame_kind(frame) == protocol.Kind.DIFF for frame in tab.frames), (
        "no update was observed"
    )
    texts = {"page text": page.locator("body").inner_text(), "page HTML": page.content()}
    texts |= {f"websocket frame {i}": frame for i, frame in enumerate(tab.frames)}
    for where, text in texts.items():
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", text), f"{name!r} in the {where}"
        for number in numbers:
            assert number.lstrip("+")[-7:] not in text, f"{number} in the {where}"
        assert not PHONE_NUMBER.search(text), f"a phone number in the {where}"
    expect(page.locator('.agent, [id^="agent-"]')).to_have_count(0)
