"""The contract's error codes (§1.6) and the one exception every service raises to refuse a request.

The HTTP layer (localplatform/api/errors.py) turns it into the Error object; domain code never imports that layer.
"""

# code -> (HTTP status, errorType). A code always pairs with this status and type.
CODES: dict[str, tuple[int, str]] = {
    "invalid_request": (400, "validation"),
    "no_draft": (400, "validation"),
    "validation_failed": (422, "validation"),
    "dcr_not_supported": (422, "validation"),
    "unauthenticated": (401, "authentication"),
    "token_expired": (401, "authentication"),
    "invalid_token": (401, "authentication"),
    "invalid_dpop_proof": (401, "authentication"),
    "dpop_required": (401, "authentication"),
    "invalid_credentials": (401, "authentication"),
    "invalid_mfa_code": (401, "authentication"),
    "sso_failed": (401, "authentication"),
    "permission_denied": (403, "authorization"),
    "organization_access_denied": (403, "authorization"),
    "email_not_verified": (403, "authorization"),
    "account_disabled": (403, "authorization"),
    "mfa_enrollment_required": (403, "authorization"),
    "not_owner": (403, "authorization"),
    "owner_role_required": (403, "authorization"),
    "not_found": (404, "not_found"),
    "already_exists": (409, "conflict"),
    "invalid_state": (409, "conflict"),
    "draft_exists": (409, "conflict"),
    "last_owner": (409, "conflict"),
    "last_team": (409, "conflict"),
    "in_use": (409, "conflict"),
    "external_account": (409, "conflict"),
    "rate_limited": (429, "rate_limited"),
    "unavailable": (503, "unavailable"),
    "internal": (500, "internal"),
}

DEFAULT_MESSAGES = {
    "invalid_request": "The request is malformed.",
    "validation_failed": "Some fields are invalid.",
    "unauthenticated": "Authentication is required.",
    "token_expired": "The access token has expired.",
    "invalid_token": "The token is invalid or has been revoked.",
    "invalid_credentials": "The email or password is incorrect.",
    "permission_denied": "You do not have permission to do this.",
    "organization_access_denied": "You are not a member of this organization.",
    "account_disabled": "This account is disabled.",
    "not_found": "The resource was not found.",
    "rate_limited": "Too many requests. Try again later.",
    "unavailable": "The service is temporarily unavailable.",
    "internal": "An internal error occurred.",
}


class PlatformError(Exception):
    """Raised anywhere in the local platform; the API turns it into the Error object."""

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        field_errors: dict[str, str] | None = None,
        retry_after: int | None = None,
        caused_by: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        if code not in CODES:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.status, self.error_type = CODES[code]
        self.message = message or DEFAULT_MESSAGES.get(code, code.replace("_", " ").capitalize() + ".")
        self.field_errors = field_errors or {}
        self.retry_after = retry_after
        self.caused_by = caused_by
        self.headers = headers or {}
        super().__init__(f"{code}: {self.message}")

    @property
    def retryable(self) -> bool:
        return self.code in ("rate_limited", "unavailable")


def not_found(what: str = "resource") -> PlatformError:
    """404 for a missing or invisible object."""
    return PlatformError("not_found", f"The {what} was not found.")


def invalid(field_errors: dict[str, str], message: str | None = None) -> PlatformError:
    """422 with field errors."""
    return PlatformError("validation_failed", message, field_errors=field_errors)
