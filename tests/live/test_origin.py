"""Which pages may open the websockets (live/origin.py): the server's own origin, scheme,
host and port alike, and the configured ones; nothing else."""

import pytest

from live.origin import allowed, normalized


def scope(origin: str | None, host: str = "127.0.0.1:8000", **extra) -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    headers += [(k.encode(), v.encode()) for k, v in extra.pop("headers", {}).items()]
    return {
        "type": "websocket",
        "scheme": "ws",
        "client": ("203.0.113.5", 5000),
        "headers": headers,
        **extra,
    }


@pytest.mark.parametrize(
    ("origin", "ok"),
    [
        ("http://127.0.0.1:8000", True),
        ("HTTP://127.0.0.1:8000/", True),
        ("http://127.0.0.1:9999", False),  # another port of the same host: another origin
        ("https://127.0.0.1:8000", False),  # another scheme
        ("http://127.0.0.1", False),
        ("http://127.0.0.1.evil.example:8000", False),
        ("https://evil.example", False),
        ("null", False),
        (None, False),
    ],
)
def test_only_the_servers_own_origin_passes(origin, ok):
    assert allowed(scope(origin)) is ok


def test_a_host_the_server_does_not_answer_to_is_no_origin_of_its_own(settings):
    settings.ALLOWED_HOSTS = ["wall.example.com"]
    assert not allowed(scope("http://evil.example", host="evil.example"))
    assert allowed(scope("http://wall.example.com", host="wall.example.com"))


def test_behind_a_tls_proxy_the_page_is_https(settings):
    settings.ALLOWED_HOSTS, settings.TRUSTED_PROXIES = ["wall.example.com"], ["10.0.0.0/8"]
    through_proxy = {"client": ("10.0.0.1", 5000), "headers": {"x-forwarded-proto": "https"}}
    assert allowed(scope("https://wall.example.com", host="wall.example.com", **through_proxy))
    forged = {"headers": {"x-forwarded-proto": "https"}}  # from a peer that is no proxy
    assert not allowed(scope("https://wall.example.com", host="wall.example.com", **forged))


def test_configured_origins_pass_by_scheme_host_and_port(settings):
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://wall.example.com"]
    assert allowed(scope("https://wall.example.com:443", host="10.0.0.7:8000"))
    assert not allowed(scope("https://wall.example.com:8443", host="10.0.0.7:8000"))


def test_origins_are_compared_in_one_form():
    assert normalized("HTTPS://Wall.Example.com:443") == "https://wall.example.com"
    assert normalized("http://[::1]:8000") == "http://[::1]:8000"
    assert normalized("javascript:alert(1)") is None
