"""Posting to an alert rule's webhook without letting its URL reach inside the network.

An admin types the URL; the worker posts to it. Unchecked, that is a request from inside
the deployment to any address the admin names (the cloud's metadata service, Redis on
loopback, a private network's hosts). So the URL must be https (http where
ALERT_WEBHOOK_ALLOW_HTTP), name a host, and that host must resolve to public addresses
only: no loopback, link-local, private, multicast, reserved or unspecified one
(ALERT_WEBHOOK_ALLOW_PRIVATE lets private and loopback ones through, for an internal chat
server or development). It is checked when the rule is saved and again when posting, and
the post connects to the very address that was checked (TLS still verifies the host name),
so a name that resolves elsewhere by then (DNS rebinding) gets nowhere. No redirects.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str  # the checked IP address to connect to

    @property
    def url(self) -> str:
        literal = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{literal}:{self.port}{self.path}"


def allowed_schemes() -> tuple[str, ...]:
    return ("https", "http") if settings.ALERT_WEBHOOK_ALLOW_HTTP else ("https",)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="webhook_url")


def _public_enough(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.is_multicast or address.is_reserved or address.is_unspecified:
        return False
    if address.is_link_local:
        return False  # 169.254.169.254: the cloud's metadata service
    if address.is_private or address.is_loopback:
        return settings.ALERT_WEBHOOK_ALLOW_PRIVATE
    return address.is_global


@sensitive_variables("url")
def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a well-formed webhook URL, or ValidationError."""
    schemes = allowed_schemes()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refuse("The webhook URL is not a URL.") from None
    host = parts.hostname or ""
    if parts.scheme not in schemes or not host:
        allowed = " or ".join(f"{s}://" for s in schemes)
        raise _refuse(f"The webhook URL must start with {allowed} and name a host.")
    if any(ch.isspace() or ord(ch) < 32 for ch in url) or parts.username or parts.password:
        raise _refuse("The webhook URL may hold no spaces, control characters or user names.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def resolve(host: str, port: int) -> str:
    """The first address of `host`, provided every address it has is public enough."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse("The webhook URL's host name does not resolve.") from None
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    if not addresses or not all(_public_enough(a) for a in addresses):
        raise _refuse(
            "The webhook URL's host is not a public address (loopback, link-local, private, "
            "multicast and reserved ones are refused)."
        )
    return str(addresses[0])


@sensitive_variables("url")
def check(url: str) -> Target:
    """The target to post to, checked now; ValidationError saying what is wrong."""
    scheme, host, port, path = parse(url)
    return Target(scheme, host, port, path, resolve(host, port))


@sensitive_variables("url", "target")
def post(url: str, payload: dict, timeout: float) -> httpx.Response:
    """POST `payload` as JSON to the address `url` was checked to have; raises for a status
    that is not 2xx (httpx.HTTPStatusError) and ValidationError for a refused URL."""
    target = check(url)
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    default_port = (target.scheme, target.port) in (("https", 443), ("http", 80))
    host_header = target.host if default_port else f"{target.host}:{target.port}"
    with httpx.Client(timeout=timeout, follow_redirects=False) as client:
        response = client.post(
            target.url, json=payload, headers={"Host": host_header}, extensions=extensions
        )
    response.raise_for_status()
    return response
