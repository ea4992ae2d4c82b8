"""Password guessing is throttled per username and IP (django-axes), and the routes anyone may
call are limited per client IP (django-ratelimit: 429 with Retry-After)."""

import pytest
from django.conf import settings

from tests.security.audiences import (
    KIOSK_TOKEN,
    OTHER_KIOSK_TOKEN,
    PASSWORD,
    PUBLIC_BOARD,
    PUBLIC_QUEUE,
    SUPERVISOR_A,
    SUPERVISOR_B,
)

LOGIN = "/accounts/login/"
GUESSER, OTHER_IP = "203.0.113.7", "198.51.100.23"


def log_in(client, username: str, password: str, ip: str = GUESSER):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_logs_in_after_fewer_failures_than_the_limit(audience):
    client = audience(None)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, SUPERVISOR_A, "guess").status_code == 200
    assert log_in(client, SUPERVISOR_A, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_it_locks_the_username_and_ip_out_after_the_failure_limit(audience):
    client = audience(None)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, SUPERVISOR_A, "guess")
    response = log_in(client, SUPERVISOR_A, PASSWORD)
    assert response.status_code in (403, 429)
    assert not is_logged_in(client)


def test_the_lockout_holds_that_username_from_that_ip_only(audience):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(audience(None), SUPERVISOR_A, "guess")
    elsewhere, colleague = audience(None), audience(None)
    assert log_in(elsewhere, SUPERVISOR_A, PASSWORD, ip=OTHER_IP).status_code == 302
    assert log_in(colleague, SUPERVISOR_B, PASSWORD).status_code == 302


PUBLIC_ROUTES = {
    "public page": f"/status/{PUBLIC_BOARD}/",
    "public JSON": f"/status/{PUBLIC_BOARD}.json",
    "badge": f"/status/{PUBLIC_BOARD}/badge/{PUBLIC_QUEUE}.svg",
    "TV page of an unknown token": "/tv/guessed-{n}/",
}
# Per hour, not per minute: django-ratelimit's windows are fixed, and a minute that ends
# between two requests would reset the count.
LOW_LIMIT = 3


@pytest.fixture
def low_public_limit(settings) -> None:
    settings.PUBLIC_RATE_LIMIT = f"{LOW_LIMIT}/h"


@pytest.mark.parametrize("route", PUBLIC_ROUTES)
def test_a_public_route_answers_429_with_retry_after_past_the_per_ip_limit(
    audience, low_public_limit, route
):
    client = audience(None)
    expected = 404 if "unknown token" in route else 200
    for n in range(LOW_LIMIT):
        path = PUBLIC_ROUTES[route].format(n=n)
        assert client.get(path, REMOTE_ADDR=GUESSER).status_code == expected
    response = client.get(PUBLIC_ROUTES[route].format(n="next"), REMOTE_ADDR=GUESSER)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # A TV that lands here has nobody to press reload: the page comes back by itself.
    assert '<meta http-equiv="refresh" content="60">' in response.content.decode()
    other = client.get(PUBLIC_ROUTES[route].format(n="other"), REMOTE_ADDR=OTHER_IP)
    assert other.status_code == expected


@pytest.fixture
def low_kiosk_limit(settings) -> None:
    settings.KIOSK_RATE_LIMIT = f"{LOW_LIMIT}/h"


def test_tv_pages_are_limited_per_screen_not_per_address(audience, low_kiosk_limit):
    office = "192.0.2.10"  # every TV of the office behind one NAT
    client = audience(None)
    for _ in range(LOW_LIMIT):
        assert client.get(f"/tv/{KIOSK_TOKEN}/", REMOTE_ADDR=office).status_code == 200
    assert client.get(f"/tv/{KIOSK_TOKEN}/", REMOTE_ADDR=OTHER_IP).status_code == 429
    # Another screen of the same office still loads; the first one's reload check says wait.
    assert client.get(f"/tv/{OTHER_KIOSK_TOKEN}/", REMOTE_ADDR=office).status_code == 200
    assert client.head(f"/tv/{KIOSK_TOKEN}/", REMOTE_ADDR=office).status_code == 429
    assert client.head(f"/tv/{OTHER_KIOSK_TOKEN}/", REMOTE_ADDR=office).status_code == 200


def test_the_reload_check_of_a_tv_does_not_count(audience, low_kiosk_limit):
    client = audience(None)
    for _ in range(2 * LOW_LIMIT):
        assert client.head(f"/tv/{KIOSK_TOKEN}/").status_code == 200
    assert client.get(f"/tv/{KIOSK_TOKEN}/").status_code == 200
