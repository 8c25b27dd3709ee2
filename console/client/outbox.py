"""The local platform's outbox, shown as "Dev mailbox" (contract §7): outside /api/v1, no token, local mode only."""

from console.client import transport
from console.client.base import Platform, parse
from console.client.models.common import Items
from console.client.models.outbox import OutboxMessage
from console.client.paths import segment


def outbox_url(suffix: str = "") -> str:
    """The outbox on the platform's host: the API base URL without its /api/v1."""
    return transport.base_url().removesuffix("/").removesuffix("/api/v1") + "/_local/outbox" + suffix


def list_outbox(platform: Platform) -> list[OutboxMessage]:
    """GET /_local/outbox"""
    return parse(Items[OutboxMessage], platform.call("GET", outbox_url(), auth=False, scoped=False)).items


def describe_outbox_message(platform: Platform, message_id: str) -> OutboxMessage:
    """GET /_local/outbox/{id}"""
    data = platform.call("GET", outbox_url(f"/{segment(message_id)}"), auth=False, scoped=False)
    return parse(OutboxMessage, data)
