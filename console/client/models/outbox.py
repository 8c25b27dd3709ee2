"""The local platform's Dev mailbox messages (contract §7, local mode only)."""

from pydantic import AwareDatetime

from console.client.models.common import Model


class OutboxMessage(Model):
    id: str
    to: list[str] = []
    subject: str = ""
    text: str = ""
    html: str | None = None
    sent_at: AwareDatetime
