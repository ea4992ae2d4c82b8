"""Who the client is behind a load balancer (wallboard/client_ip.py), and the three things
that hang on it: the public routes' per-address limit, the login lockout and /metrics.
Forged X-Forwarded-For headers from peers that are not trusted proxies change nothing."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.security.audiences import PASSWORD, PUBLIC_BOARD, SUPERVISOR_A, SUPERVISOR_B
from wallboard.client_ip import client_address, scope_client_ip

BALANCER, SECOND_PROXY = "10.0.0.1", "10.0.0.2"
ALICE, BOB = "203.0.113.5", "198.51.100.7"


@pytest.fixture
def behind_a_balancer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        (ALICE, None, ALICE),
        (ALICE, "127.0.0.1", ALICE),  # a client's own header, from an untrusted peer: ignored
        (BALANCER, ALICE, ALICE),
        (BALANCER, f"127.0.0.1, {ALICE}", ALICE),  # what the client wrote, left of the real one
        (BALANCER, f"{ALICE}, {SECOND_PROXY}", ALICE),  # two proxies deep
        (BALANCER, f"not-an-address, {ALICE}", ALICE),
        (BALANCER, SECOND_PROXY, SECOND_PROXY),  # only proxies: the farthest one
        (BALANCER, None, BALANCER),
    ],
)
def test_the_client_is_the_first_address_from_the_right_that_no_trusted_proxy_owns(
    behind_a_balancer, peer, forwarded, client
):
    assert client_address(peer, forwarded) == client


def test_without_trusted_proxies_the_peer_is_the_client_whatever_it_says(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(BALANCER, ALICE) == BALANCER


def test_a_websocket_is_told_apart_the_same_way(behind_a_balancer):
    scope = {"client": (BALANCER, 50000), "headers": [(b"x-forwarded-for", ALICE.encode())]}
    assert scope_client_ip(scope) == ALICE
    assert scope_client_ip({"client": None, "headers": []}) == ""


@pytest.fixture
def low_public_limit(settings) -> int:
    settings.PUBLIC_RATE_LIMIT = "2/h"
    return 2


def get_json(client: Client, **meta) -> int:
    return client.get(f"/status/{PUBLIC_BOARD}.json", **meta).status_code


def test_behind_a_balancer_each_visitor_has_a_limit_of_their_own(
    audience, behind_a_balancer, low_public_limit
):
    client = audience(None)
    alice = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": ALICE}
    bob = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": BOB}
    assert [get_json(client, **alice) for _ in range(3)] == [200, 200, 429]
    assert get_json(client, **bob) == 200  # not everyone behind the balancer shares a bucket


def test_a_forged_header_does_not_escape_the_limit(audience, behind_a_balancer, low_public_limit):
    client = audience(None)
    statuses = [
        get_json(client, REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    # Nor does one sent through the balancer: the balancer appends the real address.
    through = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": f"192.0.2.99, {ALICE}"}
    assert get_json(client, **through) == 429


def log_in(client: Client, username: str, password: str, **meta) -> int:
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, **meta
    ).status_code


def test_behind_a_balancer_a_guesser_locks_out_only_themselves(audience, behind_a_balancer):
    guesser = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": ALICE}
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(audience(None), SUPERVISOR_A, "guess", **guesser)
    assert log_in(audience(None), SUPERVISOR_A, PASSWORD, **guesser) in (403, 429)
    colleague = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": BOB}
    assert log_in(audience(None), SUPERVISOR_A, PASSWORD, **colleague) == 302


def test_a_guesser_cannot_forge_a_way_past_the_lockout(audience, behind_a_balancer):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(
            audience(None),
            SUPERVISOR_B,
            "guess",
            REMOTE_ADDR=ALICE,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    forged = {"REMOTE_ADDR": ALICE, "HTTP_X_FORWARDED_FOR": "192.0.2.200"}
    assert log_in(audience(None), SUPERVISOR_B, PASSWORD, **forged) in (403, 429)


def metrics(**meta) -> int:
    return Client().get("/metrics", **meta).status_code


def test_metrics_are_for_loopback_or_the_listed_addresses_not_any_private_one(
    redis_client, settings
):
    assert metrics(REMOTE_ADDR="127.0.0.1") == 200
    assert metrics(REMOTE_ADDR="172.17.0.1") == 403  # Docker's bridge: everyone, published
    assert metrics(REMOTE_ADDR="10.0.0.2") == 403
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert metrics(REMOTE_ADDR="10.0.0.2") == 200


def test_metrics_believe_no_forged_header(redis_client, settings):
    assert metrics(REMOTE_ADDR=ALICE, HTTP_X_FORWARDED_FOR="127.0.0.1") == 403
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert metrics(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="127.0.0.1, " + ALICE) == 403
    assert (
        metrics(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="127.0.0.1") == 200
    )  # a client on the balancer's host
