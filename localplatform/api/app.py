"""The local platform's API: one NinjaAPI, one router per API area, every failure an Error object."""

import logging

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from localplatform.api.errors import error_response
from localplatform.api.middleware import exception_response
from localplatform.api.routers import (
    auth,
    billing,
    clusters,
    connections,
    identity_providers,
    invitations,
    members,
    mfa,
    networks,
    notebooks,
    notifications,
    operations,
    organization,
    roles,
    secrets,
    sessions,
    teams,
    users,
    workload_configs,
)
from localplatform.errors import PlatformError

logger = logging.getLogger("localplatform.api")


class PlatformApi(NinjaAPI):
    """NinjaAPI whose OpenAPI document reads like the contract: paths relative to the server, named operations."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        # Paths are relative to `servers` (/api/v1), as in the contract: "/auth/login", not "/api/v1/auth/login".
        return super().get_openapi_schema(path_prefix="", path_params=path_params)

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__


api = PlatformApi(
    title="LakeSail platform API (local implementation)",
    version="1.0.0-beta",
    description="The LakeSail platform API as implemented by this repository's local platform. "
    "Contract: shared/platform-api/CONTRACT.md.",
    urls_namespace="platform",
    docs_url="/docs",
    servers=[{"url": "/api/v1"}],
)
# One router per API area (README "Adding an API area"); view function names are the operation ids.
api.add_router("/auth", auth.router)
api.add_router("/auth", identity_providers.router)
api.add_router("/me", users.router)
api.add_router("/users", users.admin_router)
api.add_router("/me/mfa", mfa.router)
api.add_router("/org", roles.router)
api.add_router("/org", organization.router)
api.add_router("/org", members.router)
api.add_router("/org", invitations.org_router)
api.add_router("/invitations", invitations.public_router)
api.add_router("/org", teams.router)
api.add_router("", notifications.router)
api.add_router("", operations.router)
api.add_router("", connections.router)
api.add_router("", networks.router)
api.add_router("", clusters.router)
api.add_router("", secrets.router)
api.add_router("", workload_configs.router)
api.add_router("", sessions.router)
api.add_router("", notebooks.router)
api.add_router("", billing.router)


def field_path(loc: tuple) -> str:
    """('body', 'payload', 'teamIds', 2) -> 'teamIds[2]'; ('query', 'page') -> 'page'."""
    parts = list(loc[1:])
    if loc and loc[0] == "body" and parts:
        parts = parts[1:]  # the name of the body parameter itself
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or str(loc[0] if loc else "body")


def describe(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required"
    message = str(error.get("msg", "invalid"))
    return message.removeprefix("Value error, ")


@api.exception_handler(PlatformError)
def on_api_error(request, exc: PlatformError):
    return error_response(request, exc)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    field_errors: dict[str, str] = {}
    in_body = True
    for error in exc.errors:
        loc = tuple(error.get("loc", ()))
        in_body = in_body and bool(loc) and loc[0] == "body"
        field_errors.setdefault(field_path(loc), describe(error))
    if in_body:
        return error_response(request, PlatformError("validation_failed", field_errors=field_errors))
    # Query and path values are malformed requests, not field rules (§1.6).
    detail = "; ".join(f"{name}: {text}" for name, text in field_errors.items())
    return error_response(
        request, PlatformError("invalid_request", f"Invalid parameter ({detail}).", field_errors=field_errors)
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return error_response(request, PlatformError("unauthenticated"))


# ninja's own HttpErrors (auth, throttling) by status; any other status is a bug.
HTTP_ERROR_CODES = {
    400: "invalid_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    429: "rate_limited",
}


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, PlatformError):
        return error_response(request, exc.__cause__)
    code = HTTP_ERROR_CODES.get(exc.status_code)
    if code is None:
        logger.warning("HttpError %s mapped to internal: %s", exc.status_code, exc)
        return error_response(request, PlatformError("internal"))
    return error_response(request, PlatformError(code, str(exc) if code == "invalid_request" else None))


@api.exception_handler(Exception)
def on_exception(request, exc):
    """Anything else (Http404, PermissionDenied, a bug) as the Error object the middleware uses for the whole API."""
    return exception_response(request, exc)
