"""One exception type per documented error code, plus transport and bad-data errors.

Everything the client raises derives from Voice360Error, so a caller can catch one type.
"""

from voice360.models import RateLimit


class Voice360Error(Exception):
    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error_code: str | None = None,
        rate_limit: RateLimit | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error_code = error_code
        self.rate_limit = rate_limit or RateLimit()
        self.retry_after = retry_after


class ApiError(Voice360Error):
    """The API answered with an error envelope or an error status."""


class BadRequest(ApiError):
    code = "BAD_REQUEST"


class AuthRequired(ApiError):
    code = "AUTH_REQUIRED"


class AuthInvalid(ApiError):
    code = "AUTH_INVALID"


class NotFound(ApiError):
    code = "NOT_FOUND"


class RateLimited(ApiError):
    code = "RATE_LIMITED"


class InternalError(ApiError):
    code = "INTERNAL_ERROR"


class ServiceUnavailable(ApiError):
    code = "SERVICE_UNAVAILABLE"


class UnexpectedStatus(ApiError):
    """An HTTP status or error code the doc does not list."""


class TransportError(Voice360Error):
    """No usable answer arrived: the request timed out or the connection failed."""


class Timeout(TransportError):
    pass


class ConnectionFailed(TransportError):
    pass


class BadResponse(Voice360Error):
    """An answer arrived but is not what the doc promises: not JSON, truncated, wrong shape."""


class ResponseTooLarge(BadResponse):
    pass


# The doc's examples use both spellings for a bad key.
ERRORS_BY_CODE: dict[str, type[ApiError]] = {
    "BAD_REQUEST": BadRequest,
    "AUTH_REQUIRED": AuthRequired,
    "AUTH_INVALID": AuthInvalid,
    "AUTH_INVALID_KEY": AuthInvalid,
    "NOT_FOUND": NotFound,
    "RATE_LIMITED": RateLimited,
    "INTERNAL_ERROR": InternalError,
    "SERVICE_UNAVAILABLE": ServiceUnavailable,
}
ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: AuthRequired,
    403: AuthInvalid,
    404: NotFound,
    429: RateLimited,
    500: InternalError,
    503: ServiceUnavailable,
}
