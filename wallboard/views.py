import time

import redis
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.defaults import permission_denied
from django_ratelimit.exceptions import Ratelimited

from wallboard.redis import get_redis
from wallboard.tasks import HEARTBEAT_KEY


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return False
    return True


def _heartbeat_age() -> float | None:
    try:
        beat = get_redis().get(HEARTBEAT_KEY)
    except redis.RedisError:
        return None
    return None if beat is None else round(time.time() - float(beat), 1)


def healthz(request: HttpRequest) -> JsonResponse:
    try:
        redis_ok = bool(get_redis().ping())
    except redis.RedisError:
        redis_ok = False
    checks = {
        "redis": redis_ok,
        "database": _database_ok(),
        "worker_heartbeat_age_seconds": _heartbeat_age(),
    }
    healthy = checks["redis"] and checks["database"]
    return JsonResponse({"ok": healthy, **checks}, status=200 if healthy else 503)


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: 429 for django-ratelimit's Ratelimited, Django's own 403 otherwise."""
    if isinstance(exception, Ratelimited):
        return rate_limited(request, exception)
    return permission_denied(request, exception)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Past PUBLIC_RATE_LIMIT: 429 with Retry-After."""
    response = HttpResponse("Too many requests; try again in a minute.\n", status=429)
    response["Retry-After"] = "60"
    response["Content-Type"] = "text/plain; charset=utf-8"
    return response
