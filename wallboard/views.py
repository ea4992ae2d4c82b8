from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.defaults import permission_denied
from django_ratelimit.exceptions import Ratelimited

from wallboard import health


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def livez(request: HttpRequest) -> HttpResponse:
    """Liveness for process managers and load balancers: this process answers. Unlike
    /healthz it stays 200 while Voice360 is down, so a web process that still serves the
    last data (marked STALE) is not taken out of rotation or restarted for it."""
    return HttpResponse("ok\n", content_type="text/plain")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the system can serve fresh data, 503 otherwise; see wallboard/health.py."""
    healthy, report = health.check()
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


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
