"""What the browser tests look for on a board page (the ids and classes of the partials)."""

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, WebSocket, expect

from demo import names as demo
from live import protocol

# The demo TV's one alert rule (Sales with nobody ready, no sound), set and taken away by
# `stack.manage("shell", "-c", ...)`.
ALERT_RULE = f"""
from alerts.models import AlertRule
from boards.models import Board
board = Board.objects.get(slug="floor-tv")
AlertRule.objects.filter(board=board).delete()
AlertRule.objects.create(board=board, label="Sales unstaffed", queue_id={100134},
    kind="no_agent_ready", sound=False, cooldown_seconds=0)
"""
NO_ALERT_RULES = "from alerts.models import AlertRule; AlertRule.objects.all().delete()"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SAVED_ARTIFACTS: list[Path] = []
# What the page logs when a server it talks to is down: expected while a test takes one down.
# Chromium names the failed connection; htmx logs the socket's error event itself
# (htmx:wsError, printed as "[object Event]").
CONNECTION_ERRORS = re.compile(
    r"WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET|"
    r"ERR_EMPTY_RESPONSE|Failed to load resource|^\[object Event\]$"
)


@dataclass
class Tab:
    """A page and what it saw: console errors, websockets and the text frames they received."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    sockets: list[WebSocket] = field(default_factory=list)
    frames: list[str] = field(default_factory=list)
    expect_connection_errors: bool = False

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_websocket(self, socket: WebSocket) -> None:
        self.sockets.append(socket)
        socket.on("framereceived", self._on_frame)

    def _on_frame(self, payload: str | bytes) -> None:
        self.frames.append(
            payload if isinstance(payload, str) else payload.decode(errors="replace")
        )

    def unexpected_console_errors(self) -> list[str]:
        if not self.expect_connection_errors:
            return self.console_errors
        return [e for e in self.console_errors if not CONNECTION_ERRORS.search(e)]


# Records the page's websocket events for assertions (the envelopes protocol.js read); an
# init script, not a page script.
WATCH_SOCKETS = """
window.__wb = {opens: 0, closes: [], fullStates: 0, loadId: Math.random()};
document.addEventListener("htmx:wsOpen", function () { window.__wb.opens += 1; });
document.addEventListener("wallboard:message", function (event) {
  if (event.detail.kind === "full") { window.__wb.fullStates += 1; }
});
document.addEventListener("htmx:wsClose", function (event) {
  window.__wb.closes.push(event.detail.event.code);
});
"""


def open_tab(
    browser: Browser,
    width: int = 1920,
    height: int = 1080,
    timezone_id: str | None = None,
    **context_options: object,
) -> Tab:
    """A page in a context of its own (a phone's, one that bypasses the CSP for axe...)."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, timezone_id=timezone_id, **context_options
    )
    context.add_init_script(WATCH_SOCKETS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Tab(page)
    page.on("console", tab._on_console)
    page.on("pageerror", lambda error: tab.console_errors.append(f"page error: {error}"))
    page.on("websocket", tab._on_websocket)
    return tab


# static/boards/protocol.js marks the body once the socket brought the board.
SOCKET_STATE = "body[data-synced]"


def open_board(tab: Tab, url: str) -> Page:
    """Load a board and wait until its websocket delivered the full state."""
    page = tab.page
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    expect(page.locator(SOCKET_STATE)).to_be_attached()
    return page


def log_in_as_demo_admin(page: Page, site: str, path: str) -> None:
    """Through the admin's login form at `site` (the stack's address), as a person would;
    lands on `path`."""
    page.goto(f"{site}/admin/login/?next={path}")
    page.fill("#id_username", demo.DEMO_USERNAME)
    page.fill("#id_password", demo.demo_password())
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    # The URL changes when the navigation commits; the page's scripts (the sort buttons' and
    # the socket's) have run only once its DOM is loaded: a click before that does nothing.
    page.wait_for_load_state("domcontentloaded")


def agent_card(page: Page, pk: int) -> Locator:
    return page.locator(f"#agent-{pk}")


def queue_number(page: Page, queue_id: int, label: str) -> Locator:
    """The number under `label` (Available, On call, Waiting, Online) on a queue tile."""
    return (
        page.locator(f"#queue-{queue_id} .tile__number")
        .filter(has=page.locator("dt", has_text=label))
        .locator("dd")
    )


def load_id(page: Page) -> float:
    """A random number the init script draws per document load: it changes only on a reload."""
    return page.evaluate("window.__wb.loadId")


def frame_kind(frame: str) -> protocol.Kind:
    """What a websocket frame is, read as the page reads it (live/protocol.py)."""
    return protocol.decode(frame).kind


def page_version(page: Page) -> int:
    return int(page.locator("body").get_attribute("data-version") or -1)


def save_screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    SAVED_ARTIFACTS.append(path)
    print(f"screenshot: {path}")
    return path


@contextmanager
def serve_page(html: str) -> Iterator[str]:
    """A page of its own origin (a customer's site, on this machine: Chromium lets only a
    local page frame a local one), served while the block runs; yields its URL."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
