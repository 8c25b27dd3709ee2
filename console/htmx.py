"""htmx plumbing shared by every screen: the one way to answer with a page, a fragment or a navigation.

A screen is one template whose swappable regions are inline partials
(`{% partialdef member-table inline %}<div id="member-table">…</div>{% endpartialdef %}`). A view answers:

- `render_page(request, template, context, partials=...)`: the whole page, or `template#partial` when
  htmx targets one of the named elements. Target and partial are named separately
  (`{"member-table": "member-table"}`), so a region whose id varies (a row, a panel, a dialog) still
  maps to one partial.
- `render_fragment(request, "template#partial", context)`: always the fragment, for an htmx POST that
  swaps a row, a panel or a dialog in place.
- `navigate(request, url)`: after a successful POST, go to a page: `HX-Location` for htmx (the page is
  swapped in without a reload), a redirect otherwise.

Fragments carry the pending messages as an out-of-band swap into the toast region (an aria-live region).
`Vary: HX-Request` is added to every console response by console.middleware.HtmxVaryMiddleware.
"""

import json
from collections.abc import Mapping

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django_htmx.http import HttpResponseClientRedirect, HttpResponseLocation

MESSAGES_TEMPLATE = "console/components/messages.html"
SWAP_PAGE = "innerHTML show:window:top"  # a navigation: the new page replaces the body, scrolled to the top


def targets(request: HttpRequest, element_id: str) -> bool:
    """True when this is an htmx request (not a boost or a history restore) aimed at `element_id`."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request and htmx.target == element_id


def render_page(
    request: HttpRequest,
    template: str,
    context: dict | None = None,
    *,
    partials: str | Mapping[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page, or `template#partial` when htmx targets one of `partials` ({element id: partial name}).

    A bare string names a partial whose element id is the partial's name.
    """
    named = {partials: partials} if isinstance(partials, str) else dict(partials or {})
    for element_id, partial in named.items():
        if targets(request, element_id):
            return render_fragment(request, f"{template}#{partial}", context, status=status)
    return render(request, template, context, status=status)


def render_fragment(request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200):
    """One fragment (`template#partial`) for an htmx swap, with pending messages as out-of-band toasts."""
    html = render_to_string(template, context, request)
    if messages.get_messages(request):
        html += render_to_string(MESSAGES_TEMPLATE, {"oob": True}, request)
    return HttpResponse(html, status=status)


def navigate(request: HttpRequest, url: str, *, reload: bool = False) -> HttpResponse:
    """Go to `url` after a POST: HX-Location for htmx (no full reload, history kept), else a redirect.

    `reload` asks for a full page load instead (HX-Redirect), for when the session changed under the page
    (signing in or out, ending this login).
    """
    if getattr(request, "htmx", None):
        if reload:
            return HttpResponseClientRedirect(url)
        response = HttpResponseLocation(url, target="body")
        response["HX-Location"] = json.dumps({**json.loads(response["HX-Location"]), "swap": SWAP_PAGE})
        return response
    return HttpResponseRedirect(url)


def toast(
    text: str, tone: str, *, status: int, request_id: str | None = None, alert: str | None = None
) -> HttpResponse:
    """For htmx: swap nothing (a form keeps what the user typed) and show `text` as a toast (console.js reads the
    console:message event). `alert` names the element that sent the request (a form): the message is also
    shown in its alert region."""
    detail = {"text": text, "tone": tone, "requestId": request_id, "alert": alert}
    response = HttpResponse(status=status)
    response["HX-Reswap"] = "none"
    response["HX-Trigger"] = json.dumps({"console:message": detail})  # ASCII: non-Latin-1 text is escaped
    return response
