"""Account mail: rendered by allauth's adapter, sent through Django's default mailer, links on the console's origin."""

import logging

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger("localplatform.mail")


def dev_mailbox() -> bool:
    """The Dev mailbox exists: the local profile without SMTP, so mail stays in the outbox (contract §7)."""
    return bool(settings.LAKESAIL_LOCAL_MODE) and not settings.SMTP_HOST


class OutboxBackend(BaseEmailBackend):
    """The local-mode mailer: every message is stored for the Dev mailbox (GET /_local/outbox)."""

    def send_messages(self, email_messages):
        from localplatform.accounts.models import OutboxMessage

        for message in email_messages:
            html = next(
                (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"),
                None,
            )
            OutboxMessage.objects.create(
                to=[*message.to, *message.cc, *message.bcc],
                from_email=message.from_email or "",
                subject=str(message.subject),
                text=str(message.body),
                html=str(html) if html is not None else None,
                sent_at=timezone.now(),
            )
        return len(email_messages)


class UnconfiguredBackend(BaseEmailBackend):
    """Neither SMTP nor the local profile: mail is dropped, so nobody can read it (`check --deploy` says so)."""

    def send_messages(self, email_messages):
        # Sign-in codes and reset links must not be kept where anyone could read them; the log line
        # names no recipient, subject or body.
        logger.error("mail not sent: SMTP_HOST is not configured (%d message(s) dropped)", len(email_messages))
        return 0


def console_base_url(request) -> str:
    """Where mail links point: LAKESAIL_PUBLIC_BASE_URL, else the origin of the request that caused the mail."""
    if settings.LAKESAIL_PUBLIC_BASE_URL:
        return settings.LAKESAIL_PUBLIC_BASE_URL
    return f"{request.scheme}://{request.get_host()}"


def send(template: str, to: str, context: dict) -> None:
    """Render templates/emails/<template>_{subject.txt,message.txt,message.html} and send it to one address."""
    from allauth.account.adapter import get_adapter
    from allauth.core.context import request_context

    # Without a request: the console's context processors have nothing to add to a mail.
    with request_context(None):
        message = get_adapter().render_mail(f"emails/{template}", to, {"email": to, **context})
    message.send()
