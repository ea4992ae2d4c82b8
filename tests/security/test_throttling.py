"""Password guessing is throttled per username and IP (django-axes), and the routes anyone may
call are limited per client IP (django-ratelimit: 429 with Retry-After)."""

import pytest
from django.conf import settings

from tests.security.audiences import (
    KIOSK_TOKEN,
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
    "TV page": f"/tv/{KIOSK_TOKEN}/",
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
    for _ in range(LOW_LIMIT):
        assert client.get(PUBLIC_ROUTES[route], REMOTE_ADDR=GUESSER).status_code == 200
    response = client.get(PUBLIC_ROUTES[route], REMOTE_ADDR=GUESSER)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert client.get(PUBLIC_ROUTES[route], REMOTE_ADDR=OTHER_IP).status_code == 200
