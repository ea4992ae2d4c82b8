"""The API's response envelope: `result`, `error`, `message`, `error_code`, `timestamp`."""

from datetime import UTC, datetime
from typing import Any

from starlette.responses import JSONResponse

ERRORS = {
    400: ("BAD_REQUEST", "Invalid request parameters or malformed request"),
    401: ("AUTH_REQUIRED", "Authentication required: pass your API key in X-API-Key"),
    403: ("AUTH_INVALID", "Invalid API key or insufficient permissions"),
    404: ("NOT_FOUND", "Requested resource not found"),
    429: ("RATE_LIMITED", "Too many requests: rate limit exceeded"),
    500: ("INTERNAL_ERROR", "Internal server error: please try again"),
    503: ("SERVICE_UNAVAILABLE", "Service temporarily unavailable"),
}
KEY_HELP = "Check your API key in the Voice360 portal under Settings -> API keys"


def iso_timestamp(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def success_body(result: Any, message: str, epoch: float) -> dict[str, Any]:
    return {"result": result, "error": False, "message": message, "timestamp": iso_timestamp(epoch)}


def error_body(
    status: int,
    epoch: float,
    message: str | None = None,
    details: dict[str, Any] | None = None,
    error_code: str | None = None,
) -> dict[str, Any]:
    code, default_message = ERRORS[status]
    body: dict[str, Any] = {
        "result": None,
        "error": True,
        "message": message or default_message,
        "error_code": error_code or code,
    }
    if details is not None:
        body["details"] = details
    body["timestamp"] = iso_timestamp(epoch)
    return body


def key_details(provided_key: str | None) -> dict[str, Any]:
    """`details` of a 401/403: never the whole key, only enough to recognise it."""
    shown = f"{provided_key[:8]}..." if provided_key else None
    return {"provided_key": shown, "help": KEY_HELP}


class ApiError(Exception):
    """Raised by a handler to answer with a documented error."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        key: str | None = None,
        with_details: bool = False,
    ) -> None:
        super().__init__(message or ERRORS[status][1])
        self.status = status
        self.message = message
        self.details = key_details(key) if with_details or status in (401, 403) else None

    def response(self, epoch: float) -> JSONResponse:
        return JSONResponse(
            error_body(self.status, epoch, self.message, self.details), status_code=self.status
        )
