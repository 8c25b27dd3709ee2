"""The Dev mailbox: GET /_local/outbox and /_local/outbox/{id}, outside /api/v1, no token (§7).

It exists only in the local profile without SMTP (accounts.mail.dev_mailbox); anywhere else both routes
answer 404, so nobody reads one-time codes or reset links out of a deployment.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_safe

from localplatform.accounts.mail import dev_mailbox
from localplatform.accounts.models import OutboxMessage
from localplatform.api.errors import error_response
from localplatform.api.shapes.common import rfc3339
from localplatform.errors import PlatformError

LIMIT = 200


def message_data(message: OutboxMessage) -> dict:
    """OutboxMessage (§7)."""
    return {
        "id": message.id,
        "to": message.to,
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "sentAt": rfc3339(message.sent_at),
    }


def _json(body: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def _not_found(request) -> JsonResponse:
    return error_response(request, PlatformError("not_found", "The message was not found."))


@require_safe
def outbox_list(request):
    """{ items: OutboxMessage[] }, newest first (the latest 200)."""
    if not dev_mailbox():
        return _not_found(request)
    messages = OutboxMessage.objects.order_by("-sent_at", "-id")[:LIMIT]
    return _json({"items": [message_data(m) for m in messages]})


@require_safe
def outbox_show(request, message_id: str):
    """One OutboxMessage by id."""
    message = OutboxMessage.objects.filter(pk=message_id).first() if dev_mailbox() else None
    if message is None:
        return _not_found(request)
    return _json(message_data(message))
