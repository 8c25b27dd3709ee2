"""Conventions every /api/v1 request and response follows (contract §1.1, §1.6)."""

import json
import logging
import secrets

from django.http import HttpResponse

from localplatform.api.errors import error_response
from localplatform.errors import PlatformError

API_PREFIX = "/api/v1/"
MAX_BODY = 1024 * 1024
REQUEST_ID_HEADER = "LakeSail-Request-Id"
logger = logging.getLogger("localplatform.api")


class PlatformApiMiddleware:
    """Request ids, JSON body rules, and the Error object for failures Django or ninja answer themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        request.lakesail_request_id = "req_" + secrets.token_hex(10)
        try:
            check_body(request)
        except PlatformError as error:
            response = error_response(request, error)
        else:
            response = self.get_response(request)
            response = ensure_error_shape(request, response)
        response[REQUEST_ID_HEADER] = request.lakesail_request_id
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def check_body(request) -> None:
    """Enforce §1.1: JSON objects only, at most 1 MiB; an empty body reads as {}."""
    length = int(request.META.get("CONTENT_LENGTH") or 0)
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
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise PlatformError("invalid_request", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise PlatformError("invalid_request", "The request body must be a JSON object.")


def ensure_error_shape(request, response: HttpResponse) -> HttpResponse:
    """Turn Django's and ninja's own failure responses (unknown route or method) into Error objects."""
    if response.status_code < 400 or getattr(response, "lakesail_error", False):
        return response
    if response.status_code in (404, 405):
        error = PlatformError("not_found", f"No operation {request.method} {request.path}.")
        fixed = error_response(request, error)
        if "Allow" in response:
            fixed["Allow"] = response["Allow"]
        return fixed
    if response.status_code >= 500:
        logger.error("unhandled %s on %s %s", response.status_code, request.method, request.path)
        return error_response(request, PlatformError("internal"))
    return error_response(request, PlatformError("invalid_request"))
