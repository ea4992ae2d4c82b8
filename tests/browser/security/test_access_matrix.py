"""Who may open what, against the running stack: every audience on every HTTP route and every
websocket route, as one table. A supervisor never sees another account's board, not by URL and
not by websocket; the websocket path lets in exactly whom the page path lets in.

An audience is who is logged in (a session cookie) and which kiosk token it holds: a route
with {token} is asked with the audience's token, or with one nobody was given.
"""

import httpx
import pytest

from demo import names as demo
from live import protocol
from tests.browser.board import frame_kind
from tests.browser.security.conftest import FOREIGN_ORIGIN, session_of, websocket
from tests.security.audiences import (
    ACCOUNT_B_NAME,
    ADMIN,
    BOARD_A,
    BOARD_B,
    BOARD_B_TITLE,
    KIOSK_TOKEN,
    OTHER_QUEUE,
    PUBLIC_BOARD,
    PUBLIC_QUEUE,
    REVOKED_TOKEN,
    SUPERVISOR_A,
    SUPERVISOR_B,
)
from tests.stack import Stack

pytestmark = pytest.mark.browser

AUDIENCES = ("anonymous", "kiosk", "revoked kiosk", "supervisor A", "supervisor B", "admin")
LOGIN = {"supervisor A": SUPERVISOR_A, "supervisor B": SUPERVISOR_B, "admin": ADMIN}
TOKEN = {"kiosk": KIOSK_TOKEN, "revoked kiosk": REVOKED_TOKEN}
NOT_GRANTED = demo.DEMO_BOARDS["supervisor"]  # account 61's too, but granted to nobody
NO_TOKEN = "a-kiosk-token-that-nobody-was-ever-given-0000000000"

# HTTP: "200", "404", "410" are that status, "login" a redirect to a login form.
# Websockets: "open" is a handshake accepted (and the board's full state sent), "403" refused.
# fmt: off
MATRIX = {
    # route                              anonymous kiosk    revoked  sup. A   sup. B   admin
    "TV page":                          ("404",   "200",   "410",   "404",   "404",   "404"),
    "supervisor page, board A":         ("login", "login", "login", "200",   "404",   "200"),
    "supervisor page, board B":         ("login", "login", "login", "404",   "200",   "200"),
    "supervisor page, not granted":     ("login", "login", "login", "404",   "404",   "200"),
    "supervisor page, no such board":   ("login", "login", "login", "404",   "404",   "404"),
    "board index":                      ("login", "login", "login", "200",   "200",   "200"),
    "public page":                      ("200",   "200",   "200",   "200",   "200",   "200"),
    "public page, private board":       ("404",   "404",   "404",   "404",   "404",   "404"),
    "public JSON":                      ("200",   "200",   "200",   "200",   "200",   "200"),
    "public JSON, private board":       ("404",   "404",   "404",   "404",   "404",   "404"),
    "badge":                            ("200",   "200",   "200",   "200",   "200",   "200"),
    "badge, queue not on the board":    ("404",   "404",   "404",   "404",   "404",   "404"),
    "admin index":                      ("login", "login", "login", "login", "login", "200"),
    "TV socket":                        ("403",   "open",  "403",   "403",   "403",   "403"),
    "supervisor socket, board A":       ("403",   "403",   "403",   "open",  "403",   "open"),
    "supervisor socket, board B":       ("403",   "403",   "403",   "403",   "open",  "open"),
    "supervisor socket, not granted":   ("403",   "403",   "403",   "403",   "403",   "open"),
    "supervisor socket, no such board": ("403",   "403",   "403",   "403",   "403",   "403"),
    "public socket":                    ("open",  "open",  "open",  "open",  "open",  "open"),
    "public socket, private board":     ("403",   "403",   "403",   "403",   "403",   "403"),
}
# fmt: on
PATHS = {
    "TV page": "/tv/{token}/",
    "supervisor page, board A": f"/boards/{BOARD_A}/",
    "supervisor page, board B": f"/boards/{BOARD_B}/",
    "supervisor page, not granted": f"/boards/{NOT_GRANTED}/",
    "supervisor page, no such board": "/boards/no-such-board/",
    "board index": "/boards/",
    "public page": f"/status/{PUBLIC_BOARD}/",
    "public page, private board": f"/status/{BOARD_B}/",
    "public JSON": f"/status/{PUBLIC_BOARD}.json",
    "public JSON, private board": f"/status/{BOARD_A}.json",
    "badge": f"/status/{PUBLIC_BOARD}/badge/{PUBLIC_QUEUE}.svg",
    "badge, queue not on the board": f"/status/{PUBLIC_BOARD}/badge/{OTHER_QUEUE}.svg",
    "admin index": "/admin/",
    "TV socket": "/ws/wallboard/tv/{token}/",
    "supervisor socket, board A": f"/ws/wallboard/boards/{BOARD_A}/",
    "supervisor socket, board B": f"/ws/wallboard/boards/{BOARD_B}/",
    "supervisor socket, not granted": f"/ws/wallboard/boards/{NOT_GRANTED}/",
    "supervisor socket, no such board": "/ws/wallboard/boards/no-such-board/",
    "public socket": f"/ws/status/{PUBLIC_BOARD}/",
    "public socket, private board": f"/ws/status/{BOARD_A}/",
}
HTTP = [route for route in MATRIX if not PATHS[route].startswith("/ws/")]
WEBSOCKETS = [route for route in MATRIX if PATHS[route].startswith("/ws/")]
# What a 404 must not give away (Django's DEBUG 404 page on this stack included).
SECRETS_OF_B = (BOARD_B_TITLE, ACCOUNT_B_NAME, "Traceback")


def path_for(route: str, audience: str) -> str:
    return PATHS[route].replace("{token}", TOKEN.get(audience, NO_TOKEN))


def expected(routes: list[str]) -> dict[tuple[str, str], str]:
    return {
        (route, audience): MATRIX[route][i]
        for route in routes
        for i, audience in enumerate(AUDIENCES)
    }


def session(stack: Stack, audience: str) -> str | None:
    return session_of(stack, LOGIN[audience]) if audience in LOGIN else None


def outcome(response: httpx.Response) -> str:
    if response.status_code == 302 and "/login/" in response.headers["location"]:
        return "login"
    return str(response.status_code)


def sees_board_b(audience: str) -> bool:
    return audience in ("supervisor B", "admin")


def test_every_audience_gets_what_the_table_says_on_every_http_route(secure_stack: Stack):
    actual = {}
    for audience in AUDIENCES:
        cookies = {"sessionid": s} if (s := session(secure_stack, audience)) else None
        with httpx.Client(base_url=secure_stack.url(""), cookies=cookies, timeout=10) as client:
            for route in HTTP:
                response = client.get(path_for(route, audience))
                actual[route, audience] = outcome(response)
                if response.status_code == 404:  # DEBUG's technical 404 is exempt from CSP
                    for secret in SECRETS_OF_B:
                        assert secret not in response.text, f"{route}, {audience}: {secret}"
                else:
                    assert "script-src 'self'" in response.headers["content-security-policy"]
                if not sees_board_b(audience):
                    assert BOARD_B_TITLE not in response.text, f"{route}, {audience}"
    assert actual == expected(HTTP)


def test_every_audience_gets_what_the_table_says_on_every_websocket_route(secure_stack: Stack):
    actual = {}
    for audience in AUDIENCES:
        for route in WEBSOCKETS:
            state, frames = websocket(
                secure_stack, path_for(route, audience), session(secure_stack, audience)
            )
            actual[route, audience] = state
            if state == "open":  # a connection starts with the full state of its board
                assert frame_kind(frames[-1]) == protocol.Kind.FULL, (
                    f"{route}, {audience}: {frames[-1][:200]}"
                )
            if not sees_board_b(audience):
                assert not any(BOARD_B_TITLE in frame for frame in frames), f"{route}, {audience}"
    assert actual == expected(WEBSOCKETS)


@pytest.mark.parametrize("origin", [FOREIGN_ORIGIN, "http://127.0.0.1.evil.example"])
def test_a_foreign_origin_is_refused_on_every_websocket_route(secure_stack: Stack, origin: str):
    for (route, audience), allowed in expected(WEBSOCKETS).items():
        if allowed == "open":
            session_cookie = session(secure_stack, audience)
            path = path_for(route, audience)
            state, _ = websocket(secure_stack, path, session_cookie, origin=origin)
            assert state == "403", f"{route}, {audience}, Origin {origin}"
