"""Wire shapes of the notifications area (contract §2.7, §3.21, §4.1) and model -> dict functions."""

from typing import Any, Literal

from ninja import Schema

from localplatform.api.shapes.common import Audited, Id, Member, TeamSummary, Timestamp
from localplatform.notifications import configs
from localplatform.notifications.models import Channel as ChannelModel
from localplatform.notifications.models import Delivery as DeliveryModel
from localplatform.notifications.models import Rule as RuleModel

ChannelType = Literal["email", "slack", "webhook", "pager_duty", "rootly"]
ScopeType = Literal["resource", "team", "organization", "own_resources"]
DeliveryStatus = Literal["pending", "delivering", "delivered", "failed", "skipped"]


class EventType(Schema):
    key: str
    resourceType: str
    label: str
    description: str
    expandsTo: list[str]


class EventTypeList(Schema):
    items: list[EventType]


# ChannelConfig as returned: write-only secrets are replaced by *Set / *Last4 / a masked URL.
class EmailConfig(Schema):
    memberId: Id | None
    teamId: Id | None


class SlackConfig(Schema):
    webhookUrl: str


class WebhookConfig(Schema):
    url: str
    signingSecretSet: bool
    headers: dict[str, str]


class PagerDutyConfig(Schema):
    integrationKeyLast4: str
    severity: Literal["critical", "error", "warning", "info"]
    eventsUrl: str | None


class RootlyConfig(Schema):
    tokenLast4: str
    alertSourceUrl: str | None


class Channel(Audited):
    id: Id
    type: ChannelType
    name: str
    teamId: Id | None
    memberId: Id | None
    config: EmailConfig | SlackConfig | WebhookConfig | PagerDutyConfig | RootlyConfig
    status: Literal["active", "failing", "disabled"]
    statusMessage: str | None
    verifiedAt: Timestamp | None
    enabled: bool
    deletedAt: Timestamp | None


class ChannelIncluded(Schema):
    members: list[Member]
    teams: list[TeamSummary]


class ChannelPage(Schema):
    items: list[Channel]
    marker: str | None = None
    included: ChannelIncluded


class ChannelTestResult(Schema):
    delivered: bool
    responseStatus: int | None
    message: str
    channel: Channel


class Rule(Audited):
    id: Id
    name: str
    description: str | None
    enabled: bool
    resourceType: str
    eventTypes: list[str]
    scopeType: ScopeType
    resourceId: Id | None
    teamId: Id | None
    memberId: Id | None
    channelIds: list[Id]
    deletedAt: Timestamp | None


class RuleIncluded(Schema):
    channels: list[Channel]


class RulePage(Schema):
    items: list[Rule]
    marker: str | None = None
    included: RuleIncluded


class Resource(Schema):
    type: str
    id: Id
    name: str


class WebhookPayload(Schema):
    id: Id
    type: str
    occurredAt: str
    organizationId: Id
    resource: Resource
    data: dict[str, Any]


class Attempt(Schema):
    attempt: int
    attemptedAt: str
    durationMs: int
    responseStatus: int | None
    statusMessage: str | None


class Delivery(Schema):
    id: Id
    eventId: Id
    eventType: str
    ruleId: Id | None
    channelId: Id
    resourceType: str
    resourceId: Id
    status: DeliveryStatus
    attempts: int
    lastAttemptAt: Timestamp | None
    nextAttemptAt: Timestamp | None
    responseStatus: int | None
    statusMessage: str | None
    attemptLog: list[Attempt]
    payload: WebhookPayload
    createdAt: Timestamp
    completedAt: Timestamp | None


class DeliveryIncluded(Schema):
    channels: list[Channel]
    rules: list[Rule]


class DeliveryPage(Schema):
    items: list[Delivery]
    marker: str | None = None
    included: DeliveryIncluded


class DeliveryDetail(Schema):
    """§3.21.14: the delivery with the channel and rule it names."""

    delivery: Delivery
    included: DeliveryIncluded


class Redelivery(Schema):
    """§3.21.15: the delivery, pending again, its next attempt now."""

    delivery: Delivery


# --- Model -> wire ---------------------------------------------------------------------------------


def _audit(obj) -> dict:
    return {
        "createdAt": obj.created_at,
        "createdBy": obj.created_by,
        "updatedAt": obj.updated_at,
        "updatedBy": obj.updated_by,
    }


def channel_data(channel: ChannelModel, *, masked: bool = False) -> dict:
    """Channel; `config` is the stored public part (secrets live encrypted elsewhere), `masked` for callers
    who may view but not manage the channel (URLs cut to their origin, header values hidden)."""
    config = configs.masked(channel.type, channel.config) if masked else dict(channel.config)
    return {
        "id": channel.id,
        "type": channel.type,
        "name": channel.name,
        "teamId": channel.team_id,
        "memberId": channel.member_id,
        "config": config,
        "status": channel_status(channel),
        "statusMessage": channel.status_message,
        "verifiedAt": channel.verified_at,
        "enabled": channel.enabled,
        "deletedAt": channel.deleted_at,
        **_audit(channel),
    }


def channel_status(channel: ChannelModel) -> str:
    return ChannelModel.DISABLED if not channel.enabled else channel.status


def rule_data(rule: RuleModel) -> dict:
    return {
        "id": rule.id,
        "name": rule.name,
        "description": rule.description,
        "enabled": rule.enabled,
        "resourceType": rule.resource_type,
        "eventTypes": list(rule.event_types),
        "scopeType": rule.scope_type,
        "resourceId": rule.resource_id,
        "teamId": rule.team_id,
        "memberId": rule.member_id,
        "channelIds": list(rule.channel_ids),
        "deletedAt": rule.deleted_at,
        **_audit(rule),
    }


def delivery_data(delivery: DeliveryModel) -> dict:
    return {
        "id": delivery.id,
        "eventId": delivery.event_id,
        "eventType": delivery.event_type,
        "ruleId": delivery.rule_id,
        "channelId": delivery.channel_id,
        "resourceType": delivery.resource_type,
        "resourceId": delivery.resource_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "lastAttemptAt": delivery.last_attempt_at,
        "nextAttemptAt": delivery.next_attempt_at,
        "responseStatus": delivery.response_status,
        "statusMessage": delivery.status_message,
        "attemptLog": list(delivery.attempt_log),
        "payload": delivery.payload,
        "createdAt": delivery.created_at,
        "completedAt": delivery.completed_at,
    }
