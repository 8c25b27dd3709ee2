"""Dev mailbox: the local platform's outbox (contract §7), so every mail flow works without a mail server."""

from django.http import Http404
from django.views.decorators.http import require_safe

from console.client.base import Platform
from console.client.outbox import describe_outbox_message, list_outbox
from console.context_processors import dev_mailbox
from console.htmx import render_page
from console.requests import ConsoleRequest


def local_mode_only() -> None:
    if not dev_mailbox():
        raise Http404("The Dev mailbox exists only with the local platform in its local profile.")


def _layout(request) -> str:
    return "console/base.html" if request.platform is not None else "console/base_signed_out.html"


@require_safe
def mailbox_list(request: ConsoleRequest):
    """Every message the local platform sent, newest first; open to anyone in local mode (no account needed)."""
    local_mode_only()
    messages = list_outbox(Platform.anonymous())
    context = {"mail": messages, "layout": _layout(request)}
    return render_page(request, "console/mailbox/list.html", context)


@require_safe
def mailbox_message(request: ConsoleRequest, message_id: str):
    """One message, with its links clickable."""
    local_mode_only()
    message = describe_outbox_message(Platform.anonymous(), message_id)
    return render_page(request, "console/mailbox/message.html", {"message": message, "layout": _layout(request)})
