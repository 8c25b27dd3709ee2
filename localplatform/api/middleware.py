"""Conventions every /api/v1 request and response follows (contract §1.1, §1.6), and the input rules at the edge."""

import json
import logging
import re
import secrets
from itertools import accumulate

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse

from localplatform.api.errors import ErrorResponse, error_response
from localplatform.errors import PlatformError

API_PREFIX = "/api/v1/"
# The platform's own routes: the API and the Dev mailbox (/_local/outbox, §7).
PLATFORM_PREFIXES = (API_PREFIX, "/_local/")
MAX_BODY = 1024 * 1024
# No operation nests deeper than a few levels; 32 leaves room and keeps every parser far from its recursion limit.
MAX_DEPTH = 32
REQUEST_ID_HEADER = "LakeSail-Request-Id"
logger = logging.getLogger("localplatform.api")

# Input rule: C0 control characters (U+0000-U+001F) and lone surrogates are refused with 400 invalid_request
# wherever they appear: the path, query parameter names and values, JSON object keys and JSON strings, where
# only TAB, LF and CR are allowed (text such as a description may have line breaks). One rule, one status:
# it is a malformed request (§1.6), and fieldErrors names the body field or query parameter. NUL is not storable
# in PostgreSQL text and a lone surrogate cannot be encoded, so neither may reach a view.
CONTROL = re.compile(r"[\x00-\x1f\ud800-\udfff]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
# For the depth check: a JSON string (an unterminated one runs to the end, so the scan stays linear), and
# everything that is not a bracket.
JSON_STRING = re.compile(r'"(?:[^"\\]|\\.?)*+"?', re.DOTALL)
NOT_BRACKET = re.compile(r"[^\[\]{}]+")
STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class PlatformApiMiddleware:
    """Request ids, the input rules, and the Error object for every failure, whoever raised it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PLATFORM_PREFIXES):
            return self.get_response(request)
        request.lakesail_request_id = "req_" + secrets.token_hex(10)
        try:
            check_request(request)
            response = ensure_error_shape(request, self.get_response(request))
        except Exception as exc:  # raised here, or propagated with DEBUG_PROPAGATE_EXCEPTIONS
            response = exception_response(request, exc)
        response[REQUEST_ID_HEADER] = request.lakesail_request_id
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def process_exception(self, request, exception):
        """A view's exception (the Dev mailbox; ninja handles its own) as the Error object, even in DEBUG."""
        if not hasattr(request, "lakesail_request_id"):
            return None
        return exception_response(request, exception)


def exception_response(request, exc: Exception) -> HttpResponse:
    """The Error object for an exception that reached the edge; anything unexpected is `internal`, logged."""
    if isinstance(exc, PlatformError):
        return error_response(request, exc)
    if isinstance(exc, Http404):
        return error_response(request, PlatformError("not_found"))
    if isinstance(exc, PermissionDenied):
        return error_response(request, PlatformError("permission_denied"))
    if isinstance(exc, SuspiciousOperation | BadRequest):
        logger.warning("refused %s %s: %s", request.method, request.path, type(exc).__name__)
        return error_response(request, PlatformError("invalid_request"))
    logger.error("internal error on %s %s", request.method, request.path, exc_info=exc)
    return error_response(request, PlatformError("internal"))


def check_request(request) -> None:
    """The input rules: no control characters in the path or query, and the body rules of check_body."""
    if CONTROL.search(request.path):
        raise PlatformError("invalid_request", "The request path contains a control character.")
    for name, values in request.GET.lists():
        if CONTROL.search(name):
            raise PlatformError("invalid_request", "A query parameter name contains a control character.")
        if any(CONTROL.search(value) for value in values):
            raise PlatformError(
                "invalid_request",
                "A query parameter contains a control character.",
                field_errors={name: "control character"},
            )
    check_body(request)


def check_body(request) -> None:
    """Enforce §1.1 (JSON objects only, at most 1 MiB; an empty body reads as {}), the depth and character rules."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise PlatformError("invalid_request", "The Content-Length header is not a number.") from None
    if length > MAX_BODY:
        raise PlatformError("invalid_request", "The request body is larger than 1 MiB.")
    body = request.body
    if not body.strip():
        request._body = b"{}"
        return
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise PlatformError("invalid_request", "The request body must be JSON (Content-Type: application/json).")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise PlatformError("invalid_request", "The request body is not valid UTF-8.") from None
    if nesting_depth(text) > MAX_DEPTH:  # before parsing, so no parser ever recurses that deep
        raise PlatformError("invalid_request", f"The request body nests deeper than {MAX_DEPTH} levels.")
    try:
        data = json.loads(text)
    except ValueError:
        raise PlatformError("invalid_request", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise PlatformError("invalid_request", "The request body must be a JSON object.")
    # Valid JSON has no raw control characters in strings: they can only come from backslash escapes.
    if "\\" in text and (where := control_character_at(data)) is not None:
        raise PlatformError(
            "invalid_request",
            "The request body contains a control character.",
            field_errors={where or "body": "control character"},
        )


def nesting_depth(text: str) -> int:
    """How deep the JSON text nests arrays and objects, counted without parsing (brackets inside strings skipped)."""
    brackets = NOT_BRACKET.sub("", JSON_STRING.sub("", text))
    return max(accumulate(map(STEP.__getitem__, brackets)), default=0)


def control_character_at(data: dict) -> str | None:
    """The field path ('name', 'teamIds[2]', 'config.headers') of the first refused character, or None."""
    stack: list[tuple[object, str]] = [(data, "")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            if CONTROL_IN_TEXT.search(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if CONTROL.search(key):
                    return path  # the object holding the key: the key itself is not safe to echo
                stack.append((item, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]") for index, item in enumerate(value))
    return None


def ensure_error_shape(request, response: HttpResponse) -> HttpResponse:
    """Turn Django's own failure responses (unknown route or method, CSRF, a 500 page) into Error objects."""
    if response.status_code < 400 or isinstance(response, ErrorResponse):
        return response
    if response.status_code in (404, 405):
        error = PlatformError("not_found", f"No operation {request.method} {request.path}.")
        fixed = error_response(request, error)
        if "Allow" in response:
            fixed["Allow"] = response["Allow"]
        return fixed
    if response.status_code == 403:
        return error_response(request, PlatformError("permission_denied"))
    if response.status_code >= 500:
        logger.error("unhandled %s on %s %s", response.status_code, request.method, request.path)
        return error_response(request, PlatformError("internal"))
    return error_response(request, PlatformError("invalid_request"))
