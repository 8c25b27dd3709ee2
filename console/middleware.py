"""Console middleware: the per-request platform client, Vary on HX-Request, and platform errors as pages.

Views catch only the refusals they can explain in place (a form's PlatformForm.add_platform_error); every
other PlatformError ends here:
- 401: the session is forgotten and the user is sent to sign in, coming back afterwards;
- 503 (unreachable, timeout, 5xx): a retry page, for an htmx GET an inline retry block, and for an htmx
  POST nothing is swapped at all, so the form keeps what the user typed, with the message beside it;
- 403, 404, 409, 429: a page in the app shell, or for htmx the platform's own message as a toast;
- 400 for a list's page marker (stale, or issued for other filters): the list's first page.
A console URL that does not exist, or a view's Http404, gets the console's own 404 page even with DEBUG on
(Django would show its technical 404, listing every URL pattern).
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from console.client.base import Platform
from console.client.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PlatformError,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from console.client.transport import browser_origin
from console.htmx import navigate
from console.htmx import toast as htmx_toast
from console.requests import is_console
from console.sessions import browser_session
from console.views import errors
from console.views.decorators import page_url, sign_in_redirect

logger = logging.getLogger("console")

PAGES = {
    Forbidden: ("console/errors/forbidden.html", "danger"),
    NotFound: ("console/errors/not_found.html", "warning"),
    Conflict: ("console/errors/conflict.html", "warning"),
    RateLimited: ("console/errors/rate_limited.html", "warning"),
}


class CsrfCookieOnceMiddleware:
    """Keeps Django's CsrfViewMiddleware (just above it in MIDDLEWARE) from re-sending a cookie the browser holds.

    Django re-sends the CSRF cookie whenever a page uses the token, to push its year-long expiry forward; every
    console page has a form, so every response carried a Set-Cookie and every browser stored it again. Below
    the CSRF middleware, this sees the response first and lets the cookie go out only when it is new or changed
    (first visit; sign-in rotates it). A cookie then expires a year after it was set and the next page sets a
    fresh one; a form still open from before gets the "page out of date" page (console.views.errors).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.COOKIES.get(settings.CSRF_COOKIE_NAME) == request.META.get("CSRF_COOKIE"):
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        return response


class HtmxVaryMiddleware:
    """Every console response varies on HX-Request, so Back never shows a cached fragment as a page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_console(request):
            patch_vary_headers(response, ("HX-Request",))
        return response


class PlatformMiddleware:
    """Attaches request.platform (None when signed out) and maps uncaught PlatformErrors to pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_console(request):
            request.platform = None
            return self.get_response(request)
        request.platform = Platform.from_session(request.session)
        # The embedded platform builds mail links from the origin the browser used (contract §7) and
        # records the browser's address on logins; sign-in binds the login to this session's DPoP key.
        with (
            browser_origin(request.scheme, request.get_host(), request.META.get("REMOTE_ADDR")),
            browser_session(request.session),
        ):
            response = self.get_response(request)
        if response.status_code == 404 and settings.DEBUG and getattr(request, "resolver_match", None) is None:
            return errors.not_found(request)  # no URL matched: the branded page, not Django's technical one
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and is_console(request):
            return errors.not_found(request, exception)
        if not isinstance(exception, PlatformError) or not is_console(request):
            return None
        logger.info("platform error on %s %s: %r", request.method, request.path, exception)
        if isinstance(exception, Unauthorized):
            return signed_out(request)
        if isinstance(exception, Unavailable):
            return unavailable(request, exception)
        if isinstance(exception, BadRequest) and request.method == "GET" and "marker" in request.GET:
            return first_page(request)
        for kind, (template, tone) in PAGES.items():
            if isinstance(exception, kind):
                if request.htmx:
                    return toast(exception, tone)
                return error_page(request, exception, template)
        return None


def signed_out(request):
    """The platform no longer accepts this login: forget it and ask the user to sign in again."""
    next_url = page_url(request)
    request.session.flush()
    request.platform = None
    messages.info(request, "Your session has ended. Sign in again to continue.")
    return sign_in_redirect(request, next_url)


def first_page(request):
    """A list's page marker the platform no longer accepts (old, or for other filters): its first page instead."""
    query = request.GET.copy()
    del query["marker"]
    messages.info(request, "That page of the list is no longer available; here is its first page.")
    return navigate(request, request.path + (f"?{query.urlencode()}" if query else ""))


def unavailable(request, error: Unavailable):
    """503: a page with Retry; for an htmx GET an inline retry block; for an htmx POST the form stays as typed."""
    if request.htmx and request.method != "GET":
        text = f"{error.message} Nothing was saved; what you entered is still here, so you can try again."
        return toast(error, "danger", text=text, alert=request.htmx.trigger)
    context = {
        **errors.error_context(request, error.message),
        "request_id": error.request_id,
        "retry_url": request.get_full_path() if request.method == "GET" else page_url(request) or "",
        "retry_target": request.htmx.target or "" if request.htmx else "",
        "retry_inline": bool(request.htmx),
    }
    template = "console/errors/unavailable.html#retry" if request.htmx else "console/errors/unavailable.html"
    response = render(request, template, context, status=503)
    if request.htmx:
        response["HX-Reswap"] = "innerHTML"
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def toast(error: PlatformError, tone: str, *, text: str | None = None, alert: str | None = None) -> HttpResponse:
    """For htmx: the platform's own message as a toast, nothing swapped (console.htmx.toast)."""
    response = htmx_toast(
        text or error.message, tone, status=error.status or 503, request_id=error.request_id, alert=alert
    )
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


def error_page(request, error: PlatformError, template: str):
    """A page in the app shell for a platform refusal (403, 404, 409, 429), with a way back."""
    context = errors.error_context(request, error.message, request_id=error.request_id, retry_after=error.retry_after)
    response = render(request, template, context, status=error.status or 400)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response
