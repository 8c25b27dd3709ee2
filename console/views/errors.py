"""Error pages: Django's 403/404/500 handlers (the middleware renders the platform's refusals)."""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger("console")

FALLBACK_500 = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Something went wrong · LakeSail</title>"
    "<h1>Something went wrong</h1><p>The console hit an unexpected error. Try again in a moment.</p></html>"
)


def forbidden(request, exception=None):
    return render(request, "console/errors/forbidden.html", {"message": None}, status=403)


def not_found(request, exception=None):
    return render(request, "console/errors/not_found.html", {"message": None}, status=404)


def server_error(request):
    """500, rendered without the request: no session, no platform call, no context processors."""
    try:
        return HttpResponseServerError(loader.get_template("console/errors/server_error.html").render({}))
    except Exception:
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(FALLBACK_500)
