"""No secret and no phone number where it must not be: every page body, every websocket frame
(Chromium's and our own clients'), the JSON, the badge and the stack's captured logs (web,
worker, beat; not the sandbox's, which prints its demo keys by design)."""

import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from demo import names as demo
from live import protocol
from tests.browser.board import Tab, frame_kind, open_board
from tests.browser.security.conftest import session_of, websocket
from tests.security.audiences import (
    ADMIN,
    BOARD_A,
    KIOSK_TOKEN,
    PUBLIC_BOARD,
    PUBLIC_QUEUE,
    REVOKED_TOKEN,
    SUPERVISOR_A,
)
from tests.stack import ACCOUNT_ID, Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]

JOHN = 123
CALLER = "+15557654321"
MASKED = "••••••••4321"
# The number, or any recognisable part of it beyond the last four digits.
ANY_OF_THE_NUMBER = re.compile(r"5557654321|7654321|•+4321")
API_KEYS = (demo.sandbox_developer_key(), demo.sandbox_user_key())
ADMIN_PAGES = (
    "/admin/",
    "/admin/accounts/voice360account/",
    "/admin/boards/board/",
    "/admin/boards/kiosktoken/",
)
LOGGED = ("web", "worker", "beat")
UNREDACTED_TV_PATH = re.compile(r"/tv/(?!\[token\])[^/\s\"']+")


def wait_for(condition, what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def what_it_saw(tab: Tab, *extra: str) -> list[str]:
    return [tab.page.content(), tab.page.locator("body").inner_text(), *tab.frames, *extra]


def test_no_key_and_no_phone_number_where_they_must_not_be(fresh_stack: Stack, tabs) -> None:
    stack = fresh_stack
    sessions = {"supervisor": session_of(stack, SUPERVISOR_A), "admin": session_of(stack, ADMIN)}
    board = f"/boards/{BOARD_A}/"
    urls = {
        "tv": f"/tv/{KIOSK_TOKEN}/",
        "supervisor": board,
        "admin": board,
        "public": f"/status/{PUBLIC_BOARD}/",
    }
    sockets = {
        "tv": f"/ws/wallboard/tv/{KIOSK_TOKEN}/",
        "supervisor": f"/ws/wallboard/boards/{BOARD_A}/",
        "admin": f"/ws/wallboard/boards/{BOARD_A}/",
        "public": f"/ws/status/{PUBLIC_BOARD}/",
    }
    opened = {who: tabs(sessions.get(who), stack) for who in urls}
    for who, tab in opened.items():
        open_board(tab, stack.url(urls[who]))

    stack.control(
        "POST",
        f"/accounts/{ACCOUNT_ID}/calls",
        {"pk": JOHN, "direction": "inbound", "peer": CALLER},
    )

    # The call reaches every board live: a diff on each socket, the number as each may see it.
    expect(opened["tv"].page.locator(f"#agent-{JOHN}")).to_have_attribute(
        "data-status", "on_call", timeout=15_000
    )
    expect(opened["supervisor"].page.locator(f"#agent-{JOHN} .peer")).to_have_text(MASKED)
    expect(opened["admin"].page.locator(f"#agent-{JOHN} .peer")).to_have_text(CALLER)
    for who, tab in opened.items():
        wait_for(
            lambda t=tab: any(frame_kind(f) == protocol.Kind.DIFF for f in t.frames),
            f"a diff ({who})",
        )

    seen: dict[str, list[str]] = {}
    for who, tab in opened.items():
        cookies = {"sessionid": sessions[who]} if who in sessions else None
        page = httpx.get(stack.url(urls[who]), cookies=cookies, timeout=10).text
        state, frames = websocket(stack, sockets[who], sessions.get(who))
        assert state == "open", who
        seen[who] = what_it_saw(tab, page, *frames)
    for path in (
        f"/status/{PUBLIC_BOARD}.json",
        f"/status/{PUBLIC_BOARD}/badge/{PUBLIC_QUEUE}.svg",
    ):
        seen["public"].append(httpx.get(stack.url(path), timeout=10).text)
    admin_cookies = {"sessionid": sessions["admin"]}
    for path in ADMIN_PAGES:
        response = httpx.get(stack.url(path), cookies=admin_cookies, timeout=10)
        assert response.status_code == 200, path
        seen["admin"].append(response.text)

    for who, texts in seen.items():
        for i, text in enumerate(texts):
            for key in API_KEYS:
                assert key not in text, f"an API key in what the {who} saw ({i})"
            assert KIOSK_TOKEN not in text or who == "tv", f"the kiosk token in {who} ({i})"
            if who in ("tv", "public"):
                assert not ANY_OF_THE_NUMBER.search(text), f"the number in {who} ({i})"
            if who == "supervisor":
                assert CALLER not in text, f"the whole number in {who} ({i})"
                assert not re.search(r"5557654321|7654321", text), f"{who} ({i})"
    assert any(MASKED in text for text in seen["supervisor"])
    assert any(CALLER in text for text in seen["admin"])


def test_no_log_line_holds_an_api_key_a_kiosk_token_or_a_phone_number(fresh_stack: Stack) -> None:
    stack = fresh_stack
    version, _ = stack.snapshot_state()
    stack.control(
        "POST",
        f"/accounts/{ACCOUNT_ID}/calls",
        {"pk": JOHN, "direction": "inbound", "peer": CALLER},
    )
    stack.wait_for_snapshot(min_version=version + 1)  # the worker has seen the number
    # Every path that names a token, refused ones included, so that the logs have them.
    for token, status in ((KIOSK_TOKEN, 200), (REVOKED_TOKEN, 410), ("no-such-token-" * 3, 404)):
        assert httpx.get(stack.url(f"/tv/{token}/"), timeout=10).status_code == status
        state, _ = websocket(stack, f"/ws/wallboard/tv/{token}/")
        assert state == ("open" if status == 200 else "403")

    logs = {name: stack.services[name].log_path.read_text(errors="replace") for name in LOGGED}
    assert '"GET /tv/[token]/" 200' in logs["web"], "the access log is missing: nothing to scan"
    assert "websocket refused path=/ws/wallboard/tv/[token]/" in logs["web"]
    for name, text in logs.items():
        for secret in (*API_KEYS, KIOSK_TOKEN, REVOKED_TOKEN, "no-such-token-"):
            assert secret not in text, f"{secret!r} in the {name} log"
        leaked = UNREDACTED_TV_PATH.findall(text)
        assert not leaked, f"kiosk tokens in the {name} log: {leaked[:3]}"
        assert not ANY_OF_THE_NUMBER.search(text), f"a caller's number in the {name} log"
