"""htmx plumbing shared by every screen: partial rendering with out-of-band messages.

Convention: a screen's template names each swappable region with an inline partial
(`{% partialdef member-table inline %}<div id="member-table">…</div>{% endpartialdef %}`),
and the element's id equals the partial's name, so `hx-target="#member-table"` asks for that partial.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

MESSAGES_TEMPLATE = "console/components/messages.html"


def targets(request: HttpRequest, element_id: str) -> bool:
    """True when this is an htmx request (not a boost or a history restore) aimed at `element_id`."""
    htmx = getattr(request, "htmx", None)
    if not htmx:
        return False
    return not htmx.boosted and not htmx.history_restore_request and htmx.target == element_id


def render_partial(
    request: HttpRequest,
    template: str,
    context: dict | None = None,
    partial: str | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render `template#partial` when htmx targets the partial's element, else the whole page.

    A partial response carries pending messages as an out-of-band swap into the toast region.
    Every response varies on HX-Request, so the browser never shows a cached fragment as a page.
    """
    if partial and targets(request, partial):
        html = render_to_string(f"{template}#{partial}", context, request)
        if messages.get_messages(request):
            html += render_to_string(MESSAGES_TEMPLATE, {"oob": True}, request)
        response = HttpResponse(html, status=status)
    else:
        response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
