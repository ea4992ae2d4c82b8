"""The security suite's stack: the default one plus the audiences of tests/security/audiences.py,
logging at INFO as production does (so that the log scan sees every access line).

It is one more kind in the browser tests' stack pool, so it never runs beside another stack.
"""

import re
import time
from collections.abc import Callable, Iterator
from contextlib import suppress

import httpx
import pytest
from playwright.sync_api import Browser
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from live import protocol
from tests.browser.board import Tab, open_tab
from tests.security import audiences
from tests.stack import Stack

ENV = {
    "LOG_LEVEL": "INFO",
    # Every test here asks from 127.0.0.1: the per-IP limit itself is tested in tests/security.
    "PUBLIC_RATE_LIMIT": "100000/m",
}
FOREIGN_ORIGIN = "https://evil.example"
_sessions: dict[tuple[int, str], str] = {}


def _create_audiences(stack: Stack) -> None:
    code = "from tests.security.audiences import create_audiences; create_audiences()"
    stack.manage("shell", "-c", code)


@pytest.fixture
def secure_stack(stack_pool) -> Stack:
    """The running security stack, as the previous test left it (no reset: cheap)."""
    running = stack_pool.get(
        "security", lambda path: Stack(path, env_overrides=ENV), _create_audiences
    )
    running.ensure_running()
    return running


@pytest.fixture
def fresh_stack(secure_stack: Stack) -> Stack:
    """The security stack with the sandbox back at its start, and the boards rendered from a
    poll of that (what an earlier test left on them is gone)."""
    secure_stack.control("DELETE", "/faults")
    secure_stack.control("POST", "/reset", {"quiet": True})
    secure_stack.wait_for_render(after=time.time())
    return secure_stack


def session_of(stack: Stack, username: str) -> str:
    """The session cookie of `username`, logged in through the login form (CSRF and all)."""
    key = (id(stack), username)
    if key not in _sessions:
        with httpx.Client(base_url=stack.url(""), timeout=10) as client:
            form = client.get("/accounts/login/")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            assert token is not None, form.text
            response = client.post(
                "/accounts/login/",
                data={
                    "username": username,
                    "password": audiences.PASSWORD,
                    "csrfmiddlewaretoken": token.group(1),
                },
            )
            assert response.status_code == 302, f"login of {username}: {response.status_code}"
            _sessions[key] = client.cookies["sessionid"]
    return _sessions[key]


def websocket(
    stack: Stack, path: str, session: str | None = None, origin: str | None = None
) -> tuple[str, list[str]]:
    """("open", [the first frames]) or ("403", []): a real websocket client, with the
    server's own origin unless told otherwise and the session cookie if any. The frames are
    the greeting (build id, a TV's header) and the full state, which is last."""
    headers = {"Cookie": f"sessionid={session}"} if session else None
    url = f"ws://127.0.0.1:{stack.web_port}{path}"
    try:
        with connect(
            url,
            origin=origin or stack.url("").rstrip("/"),
            additional_headers=headers,
            open_timeout=5,
            compression=None,
        ) as socket:
            frames = [str(socket.recv(timeout=10))]
            if protocol.decode(frames[0]).kind == protocol.Kind.HELLO:
                frames.append(str(socket.recv(timeout=10)))
            return "open", frames
    except InvalidStatus as refused:
        assert refused.response.status_code == 403, refused.response
        return "403", []


@pytest.fixture
def tabs(browser: Browser) -> Iterator[Callable[..., Tab]]:
    """`tabs(session=None)`: pages of their own (own contexts, cookies); each fails the test
    if it logged an error, and every JavaScript dialog it opens is recorded in tab.dialogs."""
    opened: list[Tab] = []

    def open_one(session: str | None = None, stack: Stack | None = None) -> Tab:
        tab = open_tab(browser)
        tab.dialogs = []  # type: ignore[attr-defined]
        tab.page.on("dialog", lambda dialog: _dismiss(tab, dialog))
        if session is not None and stack is not None:
            tab.page.context.add_cookies(
                [{"name": "sessionid", "value": session, "url": stack.url("/")}]
            )
        opened.append(tab)
        return tab

    yield open_one
    for tab in opened:
        with suppress(Exception):
            tab.page.context.close()
    errors = {i: tab.unexpected_console_errors() for i, tab in enumerate(opened)}
    assert not any(errors.values()), f"console errors: {errors}"


def _dismiss(tab: Tab, dialog) -> None:
    tab.dialogs.append(dialog.message)  # type: ignore[attr-defined]
    dialog.dismiss()
