"""Console middleware: the per-request platform client, and platform errors views did not handle as pages."""

import logging

from django.contrib import messages
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from console.client.base import Platform
from console.client.errors import Forbidden, NotFound, PlatformError, RateLimited, Unauthorized, Unavailable
from console.client.transport import browser_origin
from console.views.decorators import page_url, sign_in_redirect

logger = logging.getLogger("console")

# The embedded local platform shares this Django project; its requests carry no console session.
API_PREFIX = "/api/"


class PlatformMiddleware:
    """Attaches request.platform (None when signed out) and maps uncaught PlatformErrors to pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            request.platform = None
            return self.get_response(request)
        request.platform = Platform.from_session(request.session)
        # The embedded platform builds mail links from the origin the browser used (contract §7) and
        # records the browser's address on logins.
        with browser_origin(request.scheme, request.get_host(), request.META.get("REMOTE_ADDR")):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PlatformError) or request.path.startswith(API_PREFIX):
            return None
        logger.info("platform error on %s %s: %r", request.method, request.path, exception)
        if isinstance(exception, Unauthorized):
            return signed_out(request)
        if isinstance(exception, Unavailable):
            return unavailable(request, exception)
        if isinstance(exception, RateLimited):
            return error_page(request, exception, "console/errors/rate_limited.html", 429)
        if isinstance(exception, Forbidden):
            return error_page(request, exception, "console/errors/forbidden.html", 403)
        if isinstance(exception, NotFound):
            return error_page(request, exception, "console/errors/not_found.html", 404)
        return None


def signed_out(request):
    """The platform no longer accepts this login: forget it and ask the user to sign in again."""
    next_url = page_url(request)
    request.session.flush()
    request.platform = None
    messages.info(request, "Your session has ended. Sign in again to continue.")
    return sign_in_redirect(request, next_url)


def unavailable(request, error: Unavailable):
    """503: a full page with a Retry button, or for htmx an inline fragment that retries the same request."""
    context = {
        "message": error.message,
        "request_id": error.request_id,
        "retry_url": request.get_full_path() if request.method == "GET" else page_url(request) or "",
        "retry_target": request.htmx.target or "" if request.htmx else "",
        "retry_inline": bool(request.htmx) and request.method == "GET",
    }
    template = "console/errors/unavailable.html#retry" if request.htmx else "console/errors/unavailable.html"
    response = render(request, template, context, status=503)
    if request.htmx:
        response["HX-Reswap"] = "innerHTML"
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    patch_vary_headers(response, ("HX-Request",))
    return response


def error_page(request, error: PlatformError, template: str, status: int):
    """A full error page for a platform refusal (403, 404, 429)."""
    context = {"message": error.message, "request_id": error.request_id, "retry_after": error.retry_after}
    response = render(request, template, context, status=status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    patch_vary_headers(response, ("HX-Request",))
    return response
