"""The monitoring routes: /livez, /healthz and /metrics."""

import redis
from django.http import HttpRequest, HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST

from monitoring import health, metrics


def livez(request: HttpRequest) -> HttpResponse:
    """Liveness for process managers and load balancers: this process answers. Unlike
    /healthz it stays 200 while Voice360 is down, so a web process that still serves the
    last data (marked STALE) is not taken out of rotation or restarted for it."""
    return HttpResponse("ok\n", content_type="text/plain")


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the system can serve fresh data, 503 otherwise; see monitoring/health.py.
    The report (accounts, their modes, the failing part) is for those who may read /metrics;
    anyone else gets the status alone."""
    healthy, report = health.check()
    body = report if metrics.allowed(request) else {"ok": healthy}
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics.allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    try:
        body = metrics.exposition()
    except redis.RedisError:
        return HttpResponse("Redis does not answer\n", status=503, content_type="text/plain")
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
