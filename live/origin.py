"""Which pages may open the websockets: the server's own origin, and the configured ones.

A page's Origin is compared whole (scheme, host and port) with the origin the socket was
opened at (its Host header, https when the connection or a trusted proxy says so), or with
one of WEBSOCKET_ALLOWED_ORIGINS (e.g. https://wall.example.com, when a proxy rewrites the
Host). Channels' AllowedHostsOriginValidator compares host names alone: a page at
http://127.0.0.1:9999 would pass for a server at :8000.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from wallboard.client_ip import in_networks, networks

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalized(origin: str) -> str | None:
    """scheme://host[:port] in lower case, the default port left out; None if no origin."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is None or port == DEFAULT_PORTS[parts.scheme]:
        return f"{parts.scheme}://{host}"
    return f"{parts.scheme}://{host}:{port}"


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


def own_origin(scope: dict) -> str | None:
    """The origin this socket was opened at, if its Host is one this server answers to."""
    host = _header(scope, b"host")
    if not host or not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        return None
    secure = scope.get("scheme") in ("wss", "https")
    peer = (scope.get("client") or ("",))[0] or ""
    if in_networks(peer, networks(tuple(settings.TRUSTED_PROXIES))):
        secure = secure or (_header(scope, b"x-forwarded-proto") or "").lower() == "https"
    return normalized(f"{'https' if secure else 'http'}://{host}")


def allowed(scope: dict) -> bool:
    origin = normalized(_header(scope, b"origin") or "")
    if origin is None:
        return False
    configured = {normalized(o) for o in settings.WEBSOCKET_ALLOWED_ORIGINS}
    return origin in configured or origin == own_origin(scope)


class SameOriginValidator:
    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope: dict, receive, send) -> None:
        if allowed(scope):
            await self.application(scope, receive, send)
        else:
            await WebsocketDenier()(scope, receive, send)
