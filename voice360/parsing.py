"""Turn one HTTP answer (status, headers, body bytes) into a typed value or a Voice360Error.

Pure functions, no I/O: the client does the HTTP, this module decides what the answer means.
That split lets the tests throw arbitrary bytes and JSON at `parse_answer` and check it
only ever raises Voice360Error subclasses.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError

from voice360.errors import (
    ERRORS_BY_CODE,
    ERRORS_BY_STATUS,
    ApiError,
    BadResponse,
    UnexpectedStatus,
    Voice360Error,
)
from voice360.models import RateLimit

T = TypeVar("T")

# Upstream text ends up in exception messages and logs: keep it short and printable.
_MAX_UPSTREAM_TEXT = 200
_HEADER_INT = re.compile(r"[0-9]{1,18}")
_SECONDS = re.compile(r"-?[0-9]{1,12}(?:\.[0-9]{1,9})?")


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What a successful answer carried, before the client adds its own timing."""

    data: T
    rate_limit: RateLimit
    server_time: datetime | None


@dataclass(frozen=True)
class _Context:
    """What every error raised for one answer carries, whatever went wrong."""

    endpoint: str
    status: int
    rate_limit: RateLimit
    retry_after: float | None

    def error(
        self, cls: type[Voice360Error], detail: str, error_code: str | None = None
    ) -> Voice360Error:
        return cls(
            f"{self.endpoint}: HTTP {self.status}: {detail}",
            status=self.status,
            error_code=error_code,
            rate_limit=self.rate_limit,
            retry_after=self.retry_after,
        )


def parse_answer(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    adapter: TypeAdapter[T],
    *,
    endpoint: str = "Voice360",
) -> Answer[T]:
    """The validated `result` of a success envelope; raises a Voice360Error for anything else.

    `endpoint` names the call in error messages (e.g. "GET /61/availability").
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    context = _Context(
        endpoint=endpoint,
        status=status,
        rate_limit=parse_rate_limit(lowered),
        retry_after=parse_retry_after(lowered.get("retry-after")),
    )
    envelope = _decode_envelope(body, context)
    if not 200 <= status < 300 or envelope["error"] is not False:
        raise _api_error(envelope, context)
    if "result" not in envelope:
        raise context.error(BadResponse, "the envelope has no 'result'")
    return Answer(
        data=_validate(adapter, envelope["result"], context),
        rate_limit=context.rate_limit,
        server_time=parse_server_time(envelope.get("timestamp")),
    )


def _decode_envelope(body: bytes, context: _Context) -> dict[str, Any]:
    """The JSON object around `result`; an error by status when a failure sent something else."""
    try:
        envelope = json.loads(body)
    # RecursionError: deeply nested arrays are valid JSON but too deep for the decoder.
    except (ValueError, RecursionError) as exc:
        raise _unusable(context, f"the body is not JSON ({_clip(str(exc))})") from None
    if not isinstance(envelope, dict):
        raise _unusable(context, f"the body is a JSON {type(envelope).__name__}, not an object")
    if not isinstance(envelope.get("error"), bool):
        raise _unusable(context, "the envelope has no boolean 'error'")
    return envelope


def _unusable(context: _Context, detail: str) -> Voice360Error:
    # A failing status says more than its body: a proxy's HTML 503 is still a 503.
    if 200 <= context.status < 300:
        return context.error(BadResponse, detail)
    return context.error(ERRORS_BY_STATUS.get(context.status, UnexpectedStatus), detail)


def _api_error(envelope: dict[str, Any], context: _Context) -> Voice360Error:
    """The exception for an error envelope, or for a failing status whatever the envelope says."""
    code = envelope.get("error_code")
    code = code if isinstance(code, str) else None
    cls = _error_class(code, context.status)
    message = envelope.get("message")
    detail = _clip(message) if isinstance(message, str) else "no message"
    if envelope["error"] is False:
        detail = f"'error' is false on a failing status ({detail})"
    label = _clip(code, 40) if code else "no error_code"
    return context.error(cls, f"{label}: {detail}", error_code=code)


def _error_class(code: str | None, status: int) -> type[ApiError]:
    # The code is the API's own word for what went wrong; the status only backs it up,
    # since the API may send `error: true` with HTTP 200.
    if code in ERRORS_BY_CODE:
        return ERRORS_BY_CODE[code]
    return ERRORS_BY_STATUS.get(status, UnexpectedStatus)


def _validate(adapter: TypeAdapter[T], result: object, context: _Context) -> T:
    try:
        return adapter.validate_python(result)
    except ValidationError as exc:
        raise context.error(BadResponse, _first_problem(exc)) from None


def _first_problem(exc: ValidationError) -> str:
    """`result[0].channels[1].call_seconds: Input should be a valid integer (+2 more)`."""
    errors = exc.errors(include_url=False, include_input=False)
    first = errors[0]
    where = "result" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"]
    )
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{_clip(where, 120)}: {first['msg']}{more}"


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit:
    """`X-RateLimit-*` as numbers; absent or garbage values become None. Keys lower-cased."""
    return RateLimit(
        limit=_header_int(headers.get("x-ratelimit-limit")),
        remaining=_header_int(headers.get("x-ratelimit-remaining")),
    )


def _header_int(value: str | None) -> int | None:
    if value is None or not _HEADER_INT.fullmatch(value.strip()):
        return None
    return int(value.strip())


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from `Retry-After`: delay-seconds or an HTTP-date (RFC 9110).

    A date in the past or a negative delay means "now" (0); garbage means "not said" (None).
    """
    if value is None:
        return None
    value = value.strip()
    if _SECONDS.fullmatch(value):
        return max(0.0, float(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


def parse_server_time(value: object) -> datetime | None:
    """The envelope's ISO 8601 `timestamp`; absent or invalid is not an error, just unknown."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # The doc's timestamps are UTC ("Z"); assume so when the offset is missing, so that
    # callers can always compare it with an aware clock.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _clip(text: str, limit: int = _MAX_UPSTREAM_TEXT) -> str:
    printable = "".join(char if char.isprintable() else "?" for char in text[: limit + 1])
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"
