"""The public routes' limit per client address: PUBLIC_RATE_LIMIT requests per window.

One counter per route kind (page, json, badge) and client address, in fixed windows, in
Redis: the web process's fast path (boards/public_fast.py) counts within the one round trip
that also reads the answer; the Django views count here when a request reaches them
without it (a request the fast path handed on was counted already, and says so in its
scope). Past the limit the views answer 429 with Retry-After (wallboard/views.py).
"""

import re
import time
from dataclasses import dataclass
from functools import cache, wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django_ratelimit.exceptions import Ratelimited

from wallboard.client_ip import request_client_ip
from wallboard.redis import get_redis

# The fast path's verdict, in the scope of a request it hands on to Django.
COUNTED = "wallboard.public_counted"  # True: under the limit; False: over it

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")

# KEYS: the counter. ARGV: the window's seconds. Returns the count with this request.
COUNT_LUA = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
"""


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds

    @staticmethod
    @cache
    def parse(text: str) -> "Rate":
        """The django-ratelimit notation: "120/m", "3/h", "10/5s"."""
        match = _RATE.match(text)
        if match is None:
            raise ValueError(f"not a rate like 120/m: {text!r}")
        count, multiple, unit = match.groups()
        return Rate(int(count), int(multiple or 1) * _UNITS[unit])


def current_rate() -> Rate:
    return Rate.parse(settings.PUBLIC_RATE_LIMIT)


def counter_key(kind: str, client: str, rate: Rate, now: float) -> str:
    return f"wb:rl:public:{kind}:{client}:{int(now // rate.window)}"


@cache
def _count_script():
    return get_redis().register_script(COUNT_LUA + "return count")


def count(kind: str, client: str, now: float | None = None) -> bool:
    """Count one request; True while the client is within the limit."""
    rate = current_rate()
    key = counter_key(kind, client, rate, time.time() if now is None else now)
    return int(_count_script()(keys=[key], args=[rate.window])) <= rate.limit


def per_ip_limit(kind: str):
    def decorator(view):
        @wraps(view)
        def limited(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            verdict = getattr(request, "scope", {}).get(COUNTED)
            if verdict is None:
                verdict = count(kind, request_client_ip(request))
            if not verdict:
                raise Ratelimited()
            return view(request, *args, **kwargs)

        return limited

    return decorator
