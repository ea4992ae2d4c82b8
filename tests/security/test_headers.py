"""Every route carries a strict Content-Security-Policy and the framing, sniffing and referrer
headers; only the public status page may be framed, and only by EMBED_ALLOWED_ORIGINS.

Django test client with DEBUG off (`production`): in DEBUG, Django's technical 404 and 500
pages are exempt from the CSP (django-csp leaves them alone), so the stack, which runs with
DEBUG on, cannot show what a production 404 sends. tests/browser/security checks on the
real server that the other pages carry the same policy.
"""

import pytest
from django.conf import settings

from tests.security.audiences import (
    ADMIN,
    BOARD_A,
    KIOSK_TOKEN,
    PUBLIC_BOARD,
    PUBLIC_QUEUE,
    REVOKED_TOKEN,
)

pytestmark = pytest.mark.usefixtures("production")

# Route: (path, who asks, the status it answers).
ROUTES = {
    "TV page": (f"/tv/{KIOSK_TOKEN}/", None, 200),
    "TV page of a revoked token": (f"/tv/{REVOKED_TOKEN}/", None, 410),
    "supervisor page": (f"/boards/{BOARD_A}/", ADMIN, 200),
    "board index": ("/boards/", ADMIN, 200),
    "public page": (f"/status/{PUBLIC_BOARD}/", None, 200),
    "public JSON": (f"/status/{PUBLIC_BOARD}.json", None, 200),
    "badge": (f"/status/{PUBLIC_BOARD}/badge/{PUBLIC_QUEUE}.svg", None, 200),
    "admin index": ("/admin/", ADMIN, 200),
    "login page": ("/accounts/login/", None, 200),
    "home": ("/", None, 200),
    "health check": ("/healthz", None, 503),  # no worker runs here: no fresh data
    "login redirect": (f"/boards/{BOARD_A}/", None, 302),
    "404 of a bad slug": ("/boards/no-such-board/", ADMIN, 404),
    "404 of a bad token": ("/tv/no-such-token/", None, 404),
    "404 of no route": ("/no/such/page", None, 404),
}
EMBEDDABLE = {"public page"}
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'")


def get(audience, route: str):
    path, username, status = ROUTES[route]
    response = audience(username).get(path)
    assert response.status_code == status, f"{route}: {response.status_code}"
    return response


def policy(response) -> dict[str, list[str]]:
    directives = [d.split() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {name: values for name, *values in directives}


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_sends_a_strict_content_security_policy(audience, route):
    directives = policy(get(audience, route))
    for name in ("script-src", "style-src"):
        assert directives[name] == ["'self'"], f"{name} {directives[name]}"
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    for name, values in directives.items():
        assert not set(values) & set(UNSAFE), f"{name} {values}"
        assert "*" not in values or name == "frame-ancestors", f"{name} {values}"


@pytest.mark.parametrize("route", sorted(set(ROUTES) - EMBEDDABLE))
def test_no_route_but_the_public_page_may_be_framed(audience, route):
    response = get(audience, route)
    assert policy(response)["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_public_page_may_be_framed_by_the_embed_allow_list_only(audience):
    response = get(audience, "public page")
    assert policy(response)["frame-ancestors"] == settings.EMBED_ALLOWED_ORIGINS
    assert not response.has_header("X-Frame-Options")


@pytest.mark.parametrize("route", ROUTES)
def test_every_route_forbids_sniffing_and_sends_a_referrer_policy(audience, route):
    response = get(audience, route)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
