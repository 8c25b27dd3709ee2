"""The Error object (§1.6) as an HTTP response: the API layer's side of localplatform.errors."""

from django.http import JsonResponse

from localplatform.errors import PlatformError


class ErrorResponse(JsonResponse):
    """An Error object: the edge middleware leaves these as they are and turns any other failure into one."""


def error_response(request, error: PlatformError) -> ErrorResponse:
    """The Error object as an HTTP response, carrying the request id."""
    request_id = getattr(request, "lakesail_request_id", "")
    body = {
        "code": error.code,
        "message": error.message,
        "errorType": error.error_type,
        "details": {
            "retryable": error.retryable,
            "retryAfter": error.retry_after,
            "fieldErrors": error.field_errors,
            "requestId": request_id,
            "causedBy": error.caused_by,
        },
    }
    response = ErrorResponse(body, status=error.status, content_type="application/json; charset=utf-8")
    if error.retry_after is not None and error.status in (429, 503):
        response["Retry-After"] = str(error.retry_after)
    for name, value in error.headers.items():
        response[name] = value
    return response
