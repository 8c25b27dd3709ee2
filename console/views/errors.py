"""Error pages: Django's 403/404/500 handlers, and what every error page shows (the middleware renders the
platform's refusals with the same templates).

Signed in, an error page sits in the app shell (templates/console/errors/base.html picks the frame) with a
way back to the list the page belonged to ("/teams/T1/settings" -> Teams), else to the dashboard.
"""

import logging

from django.contrib import messages
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve, reverse
from django.views import csrf
from django_htmx.http import HttpResponseClientRedirect

from console.htmx import toast
from console.requests import is_console
from console.views.decorators import safe_path

logger = logging.getLogger("console")

FALLBACK_500 = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Something went wrong · LakeSail</title>"
    "<h1>Something went wrong</h1><p>The console hit an unexpected error. Try again in a moment.</p></html>"
)
# The lists a page can lead back to, by URL name: "Back to <label>".
LISTS = {
    "member_list": "Members",
    "invitation_list": "invitations",
    "team_list": "Teams",
    "role_list": "Roles",
    "notification_channel_list": "notification channels",
    "notification_rule_list": "notification rules",
    "notification_delivery_list": "notification history",
    "account_profile": "My account",
    "account_emails": "email addresses",
    "account_security": "security settings",
    "account_sessions": "sessions",
    "account_devices": "trusted devices",
    "mailbox_list": "the Dev mailbox",
}


def way_back(request) -> dict[str, str] | None:
    """The nearest list above the page's path ({"url", "label"}), or None (the dashboard is the way back)."""
    path = request.path_info.rstrip("/")
    while path.count("/") > 1:
        path = path.rsplit("/", 1)[0]
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.url_name in LISTS and not match.kwargs:
            return {"url": path, "label": LISTS[match.url_name]}
    return None


def error_context(request, message: str | None = None, **extra) -> dict:
    """What every error page takes: the platform's message (optional) and the way back."""
    return {"message": message, "back": way_back(request), **extra}


def forbidden(request, exception=None):
    return render(request, "console/errors/forbidden.html", error_context(request), status=403)


def not_found(request, exception=None):
    return render(request, "console/errors/not_found.html", error_context(request), status=404)


EXPIRED_FORM = (
    "This page's security token did not match your browser's, so what it sent was not accepted and nothing changed."
)


def csrf_failure(request, reason: str = ""):
    """A form sent without a CSRF token that matches the browser's (settings.CSRF_FAILURE_VIEW), instead of
    Django's bare 403: typically a page opened before the browser's cookies were cleared.

    Signed out, sign in and come back; signed in, open the page again. An htmx request swaps nothing, so the
    form keeps what the user typed, and says why in a toast.
    """
    if not is_console(request):
        return csrf.csrf_failure(request, reason)
    logger.info("CSRF check failed on %s %s: %s", request.method, request.path, reason)
    back = safe_path(request, request.META.get("HTTP_REFERER", ""))
    if getattr(request, "platform", None) is None:  # a page of a session that has ended, or never began
        messages.info(request, "That form had expired, so nothing was sent. Please try again.")
        target = back or reverse("sign_in")  # a signed-in page sends the user on to sign in, coming back
        return HttpResponseClientRedirect(target) if request.htmx else HttpResponseRedirect(target)
    if request.htmx:
        return toast(f"{EXPIRED_FORM} Reload the page and try again.", "warning", status=403)
    context = error_context(request, f"{EXPIRED_FORM} Open the page again and repeat what you did.", retry_url=back)
    return render(request, "console/errors/expired_form.html", context, status=403)


def server_error(request):
    """500, rendered without the request: no session, no platform call, no context processors."""
    try:
        return HttpResponseServerError(loader.get_template("console/errors/server_error.html").render({}))
    except Exception:
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(FALLBACK_500)
