"""The console's request types: what its middleware attaches, for views and the kit to be typed with.

@require_safe
@signed_in
def team_list(request: SignedInRequest) -> HttpResponse: ...
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from console.client.base import Platform

# The embedded local platform shares this Django project; its requests carry no console session.
API_PREFIXES = ("/api/", "/_local/")


def is_console(request: HttpRequest) -> bool:
    """A request for the console's pages, not for the embedded platform's API."""
    return not request.path.startswith(API_PREFIXES)


class ConsoleRequest(HttpRequest):
    """A console request: the platform client of its session (None when signed out) and htmx's details."""

    platform: Platform | None
    htmx: HtmxDetails


class SignedInRequest(ConsoleRequest):
    """A request that passed @signed_in: it acts for a signed-in user."""

    platform: Platform
