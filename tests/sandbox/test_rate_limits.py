"""Sliding-window rate limits: per key (shared by the key's kind in an account) and per IP."""

import httpx

from sandbox.ratelimit import SlidingWindowLimiter
from tests.sandbox.conftest import Control, dev, user


def test_key_over_its_limit_gets_429_with_retry_after(api: httpx.Client, control: Control) -> None:
    control("PATCH", "/settings", {"key_limit": 3, "window_seconds": 30})
    remaining = [
        api.get("/queues", headers=dev()).headers["X-RateLimit-Remaining"] for _ in range(3)
    ]
    assert remaining == ["2", "1", "0"]
    refused = api.get("/queues", headers=dev())
    assert refused.status_code == 429
    assert refused.json()["error_code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["Retry-After"]) <= 30
    assert refused.headers["X-RateLimit-Limit"] == "3"
    assert refused.headers["X-RateLimit-Remaining"] == "0"


def test_key_limit_and_ip_limit_are_separate_budgets(api: httpx.Client, control: Control) -> None:
    control("PATCH", "/settings", {"key_limit": 2, "ip_limit": 2})
    for _ in range(2):
        assert api.get("/queues", headers=dev()).status_code == 200
    assert api.get("/queues", headers=dev()).status_code == 429
    # The same IP without a key still has its own budget, and the user key its own.
    assert api.get("/queues").status_code == 200
    assert api.get("/user/profile", headers=user()).status_code == 200
    assert api.get("/queues").status_code == 200
    assert api.get("/queues").status_code == 429


def test_the_window_slides_so_requests_are_allowed_again() -> None:
    now = [1000.0]
    limiter = SlidingWindowLimiter(window_seconds=60, clock=lambda: now[0])
    assert limiter.hit("ip", 2).allowed
    now[0] += 30
    assert limiter.hit("ip", 2).allowed
    refused = limiter.hit("ip", 2)
    assert (refused.allowed, refused.retry_after) == (False, 30)  # when the first one ages out
    now[0] += 30
    assert limiter.hit("ip", 2).allowed  # the first request left the window
    assert not limiter.hit("ip", 2).allowed
    assert limiter.stats["ip"].rate_limited == 2


def test_a_short_window_set_through_the_control_api_is_used(
    api: httpx.Client, control: Control
) -> None:
    assert (
        control("PATCH", "/settings", {"ip_limit": 1, "window_seconds": 0.3})["window_seconds"]
        == 0.3
    )
    assert api.get("/queues").status_code == 200
    refused = api.get("/queues")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"


def test_requests_counts_keys_ips_peaks_and_429s(api: httpx.Client, control: Control) -> None:
    control("PATCH", "/settings", {"key_limit": 2})
    for _ in range(3):
        api.get("/queues", headers=dev())
    api.get("/user/numbers", headers=user())
    api.get("/queues", headers=dev("nonsense-key"))
    seen = control("GET", "/requests")
    assert seen["keys"]["61:developer"] == {"requests": 3, "max_in_window": 2, "rate_limited": 1}
    assert seen["keys"]["61:user"]["requests"] == 1
    assert seen["keys"]["invalid"]["requests"] == 1
    control("DELETE", "/requests")
    assert control("GET", "/requests") == {"keys": {}, "ips": {}}


def test_reset_restores_the_documented_limits(api: httpx.Client, control: Control) -> None:
    control("PATCH", "/settings", {"key_limit": 5})
    control("POST", "/reset", {"quiet": True})
    assert api.get("/queues", headers=dev()).headers["X-RateLimit-Limit"] == "1000"
