"""One log line per HTTP request, with secrets taken out of the path.

Daphne's own access log prints paths as they came, kiosk tokens included, so it is off
(`--access-log /dev/null` in the Procfile) and this middleware logs instead.
"""

import logging
import re
import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponseBase

from wallboard.client_ip import request_client_ip

logger = logging.getLogger("wallboard.access")

# The kiosk token in TV page and websocket paths is a secret, and so is the token in an
# account's webhook URL.
_KIOSK_TOKEN = re.compile(r"(/tv/)[^/]+")
_WEBHOOK_TOKEN = re.compile(r"(/webhooks/voice360/)[^/?#\s]+")


def redact_path(path: str) -> str:
    return _WEBHOOK_TOKEN.sub(r"\1[token]", _KIOSK_TOKEN.sub(r"\1[token]", path))


class RedactSecrets(logging.Filter):
    """On the log handlers: other loggers name paths too (Django's "Not Found: /tv/...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_path(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class ProbeAnswersAreWarnings(logging.Filter):
    """django.request logs every 5xx at ERROR; a 503 from /healthz is the probe doing its
    job (while the stack starts, or a balancer asking every few seconds while an upstream is
    down), so it is logged as a WARNING."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "")
        if getattr(record, "status_code", None) == 503 and path.rstrip("/") == "/healthz":
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class AccessLogMiddleware:
    async_capable = True
    sync_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if iscoroutinefunction(self):
            return self._acall(request)
        started = time.perf_counter()
        response = self.get_response(request)
        self._log(request, response, started)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = await self.get_response(request)
        self._log(request, response, started)
        return response

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponseBase, started: float) -> None:
        log_request(
            request_client_ip(request), request.method, request.path, response.status_code, started
        )


def log_request(client: str, method: str, path: str, status: int, started: float) -> None:
    """The one access line, for Django's requests and the public fast path's alike."""
    logger.info(
        '%s "%s %s" %s %.1fms',
        client or "-",
        method,
        redact_path(path),
        status,
        (time.perf_counter() - started) * 1000,
    )
