"""Who the client is, behind load balancers: the one rule for every per-address decision
(the public routes' rate limits, the login lockout, /metrics, the websocket limits, logs).

A request's peer is the client unless the peer is one of TRUSTED_PROXIES (addresses or
networks, e.g. the load balancers' subnet). Then X-Forwarded-For is read from the right,
each trusted proxy having appended the address it took the request from, and the first
address that is not a trusted proxy is the client. Whatever lies left of it was written by
the client itself, and is never believed; from an untrusted peer the header is ignored
altogether. (daphne's and uvicorn's own --proxy-headers are not used: daphne believes the
leftmost entry, which any client writes.)
"""

import ipaddress
from collections.abc import Iterable
from functools import cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    """Parsed once per process (the settings' values are checked at start, wallboard/env.py)."""
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def in_networks(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(peer: str, forwarded_for: str | None) -> str:
    trusted = networks(tuple(settings.TRUSTED_PROXIES))
    if not forwarded_for or not in_networks(peer, trusted):
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage left of the real client: written by the client, never by a proxy
        client = hop
        if not in_networks(hop, trusted):
            break
    return client


def request_client_ip(request: HttpRequest) -> str:
    """For django-ratelimit (RATELIMIT_IP_META_KEY), django-axes (AXES_CLIENT_IP_CALLABLE)
    and our own views."""
    peer = request.META.get("REMOTE_ADDR") or ""
    return client_address(peer, request.META.get("HTTP_X_FORWARDED_FOR"))


def scope_client_ip(scope: dict) -> str:
    """The same for a websocket's ASGI scope."""
    peer = (scope.get("client") or ("",))[0] or ""
    forwarded = [v for k, v in scope.get("headers", ()) if k == b"x-forwarded-for"]
    return client_address(peer, b",".join(forwarded).decode("latin-1") if forwarded else None)
