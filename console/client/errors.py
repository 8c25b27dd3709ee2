"""The small exception tree every platform call ends in: httpx exceptions never escape the client."""


class PlatformError(Exception):
    """A platform call that did not succeed, carrying the contract's Error object (§1.6)."""

    status: int | None = None
    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        field_errors: dict[str, str] | None = None,
        request_id: str | None = None,
        retry_after: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.code = code or self.default_code
        self.field_errors = dict(field_errors or {})
        self.request_id = request_id
        self.retry_after = retry_after

    def __str__(self) -> str:
        return f"{self.status or '-'} {self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, request_id={self.request_id!r})"


class BadRequest(PlatformError):
    """400: the console sent a malformed request (a bug on our side)."""

    status = 400
    default_code = "invalid_request"


class Unauthorized(PlatformError):
    """401: no valid login any more (expired beyond refresh, revoked), or failed credentials."""

    status = 401
    default_code = "unauthenticated"


class Forbidden(PlatformError):
    """403: the caller is known but not allowed."""

    status = 403
    default_code = "permission_denied"


class NotFound(PlatformError):
    """404: missing, or not visible to the caller."""

    status = 404
    default_code = "not_found"


class Conflict(PlatformError):
    """409: the resource's state forbids the action."""

    status = 409
    default_code = "invalid_state"


class ValidationFailed(PlatformError):
    """422: fields failed the platform's rules; see field_errors."""

    status = 422
    default_code = "validation_failed"


class RateLimited(PlatformError):
    """429: too many requests; retry_after says when to try again."""

    status = 429
    default_code = "rate_limited"


class Unavailable(PlatformError):
    """The platform could not answer usefully: 5xx, connection failures, timeouts, malformed bodies."""

    status = 503
    default_code = "unavailable"


BY_STATUS: dict[int, type[PlatformError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: ValidationFailed,
    429: RateLimited,
}


def error_class(status: int) -> type[PlatformError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return Unavailable
    return BY_STATUS.get(status, PlatformError)
