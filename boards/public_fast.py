"""The public routes answered from the worker's render, in front of Django.

`/status/<slug>.json`, `/status/<slug>/badge/<queue>.svg` and `/status/<slug>/` are what
busy websites embed. For a GET or HEAD of one of them this ASGI app makes one Redis round
trip (a script: count the request for the per-address limit, read the stored answer and the
account's freshness) and answers the stored bytes: no template, no database, no snapshot
parse, no thread. A matching If-None-Match compares ETags only (304).

Everything else goes to Django as before, and so does every case the stored answer cannot
settle: the client is over its limit (429), the account's data is stale (the views say so),
nothing is stored for the slug (not public, not rendered yet: 404 or the first render), a
plain-http request that SECURE_SSL_REDIRECT redirects, a Host that ALLOWED_HOSTS refuses,
Redis failing. The verdict of the count goes with the request (boards/public_limit.py), so
nothing is counted twice.

The headers are Django's own: the security middleware's, CSP and framing are taken once per
process from that middleware (tests/boards/test_public_fast.py compares both paths).
"""

import asyncio
import json
import logging
import re
import time
from functools import cache, lru_cache

import redis
import redis.asyncio as aioredis
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware

from boards import public_api, public_cache, public_limit, slots
from boards.rendering import freshness_html
from boards.views import embeddable
from snapshots.freshness import Freshness
from snapshots.store import snapshot_key
from wallboard.access_log import log_request
from wallboard.client_ip import scope_client_ip
from wallboard.redis import async_client

logger = logging.getLogger(__name__)

_SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"
_ROUTES = (
    ("json", re.compile(rf"^/status/{_SLUG}\.json$")),
    ("badge", re.compile(rf"^/status/{_SLUG}/badge/(?P<queue>[0-9]+)\.svg$")),
    ("page", re.compile(rf"^/status/{_SLUG}/$")),
)
_CONTENT_TYPES = {
    "json": public_api.JSON_CONTENT_TYPE,
    "badge": public_api.BADGE_CONTENT_TYPE,
    "page": "text/html; charset=utf-8",
}
_CACHEABLE = ("json", "badge")  # the page has the moment's clock in it: never a 304

# KEYS: the client's counter, the board's answers. ARGV: the window's seconds, the answer's
# field, its ETag's field, the snapshot key's prefix. The account's snapshot key is made
# from the stored answers (standalone Redis, as everywhere in this project).
_READ_LUA = (
    public_limit.COUNT_LUA
    + """
local stored = redis.call(
  'HMGET', KEYS[2], 'account', 'interval', 'stale', 'language', ARGV[2], ARGV[3])
local fresh = {false, false}
if stored[1] then
  fresh = redis.call('HMGET', ARGV[4] .. stored[1], 'fetched_at', 'interval')
end
return {count, stored, fresh}
"""
)


def _route(path: str) -> tuple[str, re.Match] | None:
    if not path.startswith("/status/"):
        return None
    for kind, pattern in _ROUTES:
        match = pattern.match(path)
        if match:
            return kind, match
    return None


def _header(scope: dict, name: bytes) -> str | None:
    values = [v for k, v in scope.get("headers", ()) if k == name]
    return b",".join(values).decode("latin-1") if values else None


def _is_secure(scope: dict) -> bool:
    """As Django's request.is_secure(): SECURE_PROXY_SSL_HEADER first, then the scheme."""
    if settings.SECURE_PROXY_SSL_HEADER:
        meta_name, secure_value = settings.SECURE_PROXY_SSL_HEADER
        name = meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode()
        value = _header(scope, name)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return scope.get("scheme") == "https"


@lru_cache(maxsize=256)  # bounded: the Host header is the client's to choose
def _host_allowed(host: str) -> bool:
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    return bool(domain) and validate_host(domain, allowed)


def _blank(request: HttpRequest) -> HttpResponse:
    return HttpResponse()


@cache
def security_headers(kind: str, secure: bool) -> tuple[tuple[bytes, bytes], ...]:
    """The headers Django's middleware adds to this route's answers, from that middleware."""
    request = HttpRequest()
    request.method, request.path = "GET", "/status/"
    request.path_info = request.path
    request.is_secure = lambda: secure
    view = embeddable(_blank) if kind == "page" else _blank
    response = view(request)
    keep = lambda r: response  # noqa: E731 (the middleware wants a get_response)
    for middleware in (XFrameOptionsMiddleware, CSPMiddleware, SecurityMiddleware):
        middleware(keep).process_response(request, response)
    return tuple(
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in response.items()
        if name.lower() != "content-type"
    )


@receiver(setting_changed)
def _settings_changed(**kwargs: object) -> None:
    """What is taken from the settings once per process, taken again (tests change them)."""
    _host_allowed.cache_clear()
    security_headers.cache_clear()


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return "*" in tags or etag in tags


class PublicFastPath:
    def __init__(self, app) -> None:
        self.app = app
        self._loop: asyncio.AbstractEventLoop | None = None
        self._redis: aioredis.Redis | None = None
        self._script = None

    def _client(self):
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a test's new event loop; in a server, once
            self._loop = loop
            self._redis = async_client(decode_responses=False)
            self._script = self._redis.register_script(_READ_LUA)
        return self._script

    async def aclose(self) -> None:
        """Let go of the Redis connections (a test's event loop ends; a server never)."""
        if self._redis is not None:
            await self._redis.aclose()
        self._loop = self._redis = self._script = None

    async def __call__(self, scope: dict, receive, send) -> None:
        route = None
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD"):
            route = _route(scope.get("path", ""))
        if route is None or not self._servable(scope):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        kind, match = route
        client = scope_client_ip(scope)
        try:
            within, answer = await self._read(kind, match, client)
        except redis.RedisError:
            logger.warning("public fast path: Redis failed; Django answers", exc_info=True)
            await self.app(scope, receive, send)
            return
        if answer is None:
            await self.app({**scope, public_limit.COUNTED: within}, receive, send)
            return
        status = await self._answer(scope, send, kind, answer)
        log_request(client, scope["method"], scope["path"], status, started)

    @staticmethod
    def _servable(scope: dict) -> bool:
        if settings.SECURE_SSL_REDIRECT and not _is_secure(scope):
            return False  # SecurityMiddleware redirects it
        return _host_allowed(_header(scope, b"host") or "")

    async def _read(self, kind: str, match: re.Match, client: str):
        """(within the limit, (bytes, etag or None, fetched_at, language)) or (within, None)."""
        rate, now = public_limit.current_rate(), time.time()
        field = public_cache.badge_field(int(match["queue"])) if kind == "badge" else kind
        count, stored, fresh = await self._client()(
            keys=[
                public_limit.counter_key(kind, client, rate, now),
                public_cache.public_key(match["slug"]),
            ],
            args=[rate.window, field, public_cache.etag_field(field), snapshot_key("")],
        )
        within = int(count) <= rate.limit
        account, interval, stale, language, text, etag = stored
        if not within or account is None or text is None or stale != b"0":
            return within, None
        fetched_at, fetched_interval = fresh
        freshness = Freshness(
            fetched_at=float(fetched_at) if fetched_at else None,
            interval=float(fetched_interval) if fetched_interval else None,
        )
        if freshness.is_stale(float(interval), now):
            return within, None  # the views say how stale
        # The board's language, for the words filled in per request (never the process's).
        language = language.decode() if language else settings.LANGUAGE_CODE
        return within, (text, etag.decode() if etag else None, freshness.fetched_at, language)

    async def _answer(self, scope: dict, send, kind: str, answer) -> int:
        text, etag, fetched_at, language = answer
        now = time.time()
        if kind == "badge":
            body = text  # stored as it is sent
        else:
            parts = json.loads(text)
            freshness = lambda: freshness_html(fetched_at, False, language=language)  # noqa: E731
            body = slots.fill(parts, now, freshness).encode()
        headers = [(b"content-type", _CONTENT_TYPES[kind].encode())]
        status = 200
        if kind in _CACHEABLE:
            etag = etag or public_api.etag_of(body)
            headers += [
                (b"etag", etag.encode()),
                (b"cache-control", f"public, max-age={public_api.PUBLIC_MAX_AGE}".encode()),
                (b"access-control-allow-origin", b"*"),
            ]
            if _etag_matches(_header(scope, b"if-none-match"), etag):
                status, body = 304, b""
                headers = headers[1:]  # a 304 has no content type
        headers.append((b"content-length", str(len(body)).encode()))
        headers += security_headers(kind, _is_secure(scope))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        head = scope["method"] == "HEAD"
        await send({"type": "http.response.body", "body": b"" if head else body})
        return status
