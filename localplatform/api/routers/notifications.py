"""/notifications: event types, channels, rules and delivery history (contract §3.21)."""

from typing import Any

from django.db.models import Q, QuerySet
from ninja import Query, Router, Status
from pydantic import Field

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import MarkerQuery, decode_marker, encode_marker
from localplatform.api.shapes import notifications as shapes
from localplatform.api.shapes.common import Id, Input, errors, member_data, team_summary_data
from localplatform.identity.models import Member, Team
from localplatform.notifications import catalog, pipeline, services
from localplatform.notifications.models import Channel, Delivery, Rule

router = Router(tags=["notifications"], auth=BearerAuth())


# --- Inputs ----------------------------------------------------------------------------------------


class ChannelCreate(Input):
    type: shapes.ChannelType
    name: str = Field(max_length=255)
    teamId: Id | None = None
    memberId: Id | None = None
    config: dict[str, Any]
    enabled: bool = True


class ChannelUpdate(Input):
    name: str | None = Field(None, max_length=255)
    config: dict[str, Any] | None = None
    enabled: bool | None = None
    # Immutable (§3.21.6): accepted only to answer with a clear 422.
    type: Any = None
    teamId: Any = None
    memberId: Any = None


class RuleCreate(Input):
    name: str = Field(max_length=255)
    description: str | None = Field(None, max_length=1023)
    enabled: bool = True
    eventTypes: list[str]
    scopeType: shapes.ScopeType
    resourceId: Id | None = None
    teamId: Id | None = None
    memberId: Id | None = None
    channelIds: list[Id]


class RuleUpdate(Input):
    name: str | None = Field(None, max_length=255)
    description: str | None = Field(None, max_length=1023)
    enabled: bool | None = None
    eventTypes: list[str] | None = None
    scopeType: shapes.ScopeType | None = None
    resourceId: Id | None = None
    channelIds: list[Id] | None = None
    teamId: Any = None
    memberId: Any = None


class OwnerQuery(MarkerQuery):
    teamId: Id | None = None
    memberId: Id | None = None


class RuleQuery(OwnerQuery):
    resourceType: str | None = None
    scopeType: shapes.ScopeType | None = None
    channelId: Id | None = None


class DeliveryQuery(MarkerQuery):
    channelId: Id | None = None
    ruleId: Id | None = None
    status: shapes.DeliveryStatus | None = None


def present(body: Input) -> dict:
    """The fields the client sent (PATCH: omitted fields keep their values)."""
    return {key: getattr(body, key) for key in body.model_fields_set}


def marker_page(queryset: QuerySet, query: MarkerQuery, filters: dict) -> tuple[list, str | None]:
    """Newest first by (createdAt, id); the marker holds the last row's position."""
    queryset = queryset.order_by("-created_at", "-id")
    if query.marker:
        created, last_id = decode_marker(query.marker, filters)
        created = parse_position(created)
        queryset = queryset.filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=last_id))
    if query.limit == 0:
        return [], None
    rows = list(queryset[: query.limit + 1])
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    marker = encode_marker([rows[-1].created_at.isoformat(), rows[-1].id], filters) if more else None
    return rows, marker


def parse_position(value: str):
    from datetime import datetime

    return datetime.fromisoformat(value)


def channel_included(channels: list[Channel], organization_id: str) -> dict:
    """Owners and email targets the rows name."""
    member_ids = {c.member_id for c in channels} | {c.config.get("memberId") for c in channels if c.type == "email"}
    team_ids = {c.team_id for c in channels} | {c.config.get("teamId") for c in channels if c.type == "email"}
    members = Member.objects.filter(organization_id=organization_id, id__in=member_ids - {None}).select_related("user")
    teams = Team.objects.filter(organization_id=organization_id, id__in=team_ids - {None}).order_by("name", "id")
    return {
        "members": [member_data(m) for m in members.order_by("sort_name", "id")],
        "teams": [team_summary_data(t, t.memberships.count()) for t in teams],
    }


# --- Event types -----------------------------------------------------------------------------------


@router.get(
    "/notifications/event-types",
    response={200: shapes.EventTypeList, **errors(401, 403)},
    summary="List available notification event types",
)
def notification_event_type_list(request):
    """Lists the event types rules can subscribe to, including shortcuts and what they expand to."""
    request.auth.require("CanViewOrganization")
    return {
        "items": [
            {
                "key": t.key,
                "resourceType": t.resource_type,
                "label": t.label,
                "description": t.description,
                "expandsTo": list(t.expands_to),
            }
            for t in catalog.EVENT_TYPES
        ]
    }


# --- Channels --------------------------------------------------------------------------------------


@router.get(
    "/notifications/channels",
    response={200: shapes.ChannelPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List notification channels",
)
def notification_channel_list(request, query: Query[OwnerQuery]):
    """Lists the channels the caller can see, excluding deleted ones."""
    actor = request.auth
    channels = services.visible(actor, Channel.objects.filter(deleted_at=None))
    if query.teamId:
        channels = channels.filter(team_id=query.teamId)
    if query.memberId:
        channels = channels.filter(member_id=query.memberId)
    rows, marker = marker_page(channels, query, {"teamId": query.teamId, "memberId": query.memberId})
    body: dict = {
        "items": [shapes.channel_data(c) for c in rows],
        "included": channel_included(rows, actor.organization.id),
    }
    if marker:
        body["marker"] = marker
    return body


@router.post(
    "/notifications/channels",
    response={201: shapes.Channel, **errors(401, 403, 409, 422)},
    summary="Create a notification channel",
)
def notification_channel_create(request, payload: ChannelCreate):
    """Creates a destination: email, Slack, webhook, PagerDuty or Rootly."""
    channel = services.create_channel(
        request.auth,
        type=payload.type,
        name=payload.name,
        team_id=payload.teamId,
        member_id=payload.memberId,
        config=payload.config,
        enabled=payload.enabled,
    )
    return Status(201, shapes.channel_data(channel))


@router.get(
    "/notifications/channels/{channel}",
    response={200: shapes.Channel, **errors(400, 401, 403, 404)},
    summary="Get notification channel details",
)
def notification_channel_get(request, channel: Id):
    """Shows one channel. Secrets are masked."""
    return shapes.channel_data(services.get_for(request.auth, Channel, channel, manage=False))


@router.delete(
    "/notifications/channels/{channel}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Delete a notification channel",
)
def notification_channel_delete(request, channel: Id):
    """Soft-deletes a channel and keeps it for delivery history."""
    obj = services.get_for(request.auth, Channel, channel, manage=True)
    services.delete_channel(request.auth, obj)
    return Status(204, None)


@router.patch(
    "/notifications/channels/{channel}",
    response={200: shapes.Channel, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a notification channel",
)
def notification_channel_update(request, channel: Id, payload: ChannelUpdate):
    """Edits a channel's name, configuration or enabled flag."""
    obj = services.get_for(request.auth, Channel, channel, manage=True)
    return shapes.channel_data(services.update_channel(request.auth, obj, present(payload)))


@router.post(
    "/notifications/channels/{channel}/test",
    response={200: shapes.ChannelTestResult, **errors(400, 401, 403, 404, 409)},
    summary="Send a test notification",
)
def notification_channel_test(request, channel: Id):
    """Sends a `notification.test` payload synchronously and records the delivery."""
    obj = services.get_for(request.auth, Channel, channel, manage=True)
    _delivery, outcome = pipeline.send_test(request.auth, obj)
    return {
        "delivered": outcome.delivered,
        "responseStatus": outcome.response_status,
        "message": outcome.message,
        "channel": shapes.channel_data(obj),
    }


# --- Rules -----------------------------------------------------------------------------------------


@router.get(
    "/notifications/rules",
    response={200: shapes.RulePage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List notification rules",
)
def notification_rule_list(request, query: Query[RuleQuery]):
    """Lists the rules the caller can see."""
    actor = request.auth
    rules = services.visible(actor, Rule.objects.filter(deleted_at=None))
    if query.teamId:
        rules = rules.filter(team_id=query.teamId)
    if query.memberId:
        rules = rules.filter(member_id=query.memberId)
    if query.resourceType:
        rules = rules.filter(resource_type=query.resourceType)
    if query.scopeType:
        rules = rules.filter(scope_type=query.scopeType)
    if query.channelId:
        ids = [r.id for r in rules if query.channelId in r.channel_ids]
        rules = rules.filter(id__in=ids)
    filters = query.model_dump(exclude={"limit", "marker"})
    rows, marker = marker_page(rules, query, filters)
    channel_ids = {c for r in rows for c in r.channel_ids}
    channels = services.visible(actor, Channel.objects.filter(id__in=channel_ids, deleted_at=None))
    body: dict = {
        "items": [shapes.rule_data(r) for r in rows],
        "included": {"channels": [shapes.channel_data(c) for c in channels.order_by("name", "id")]},
    }
    if marker:
        body["marker"] = marker
    return body


@router.post(
    "/notifications/rules",
    response={201: shapes.Rule, **errors(401, 403, 409, 422)},
    summary="Create a notification rule",
)
def notification_rule_create(request, payload: RuleCreate):
    """Maps event types to channels. Shortcut keys are expanded when the rule is created."""
    return Status(201, shapes.rule_data(services.create_rule(request.auth, payload.model_dump())))


@router.get(
    "/notifications/rules/{rule}",
    response={200: shapes.Rule, **errors(400, 401, 403, 404)},
    summary="Get notification rule details",
)
def notification_rule_get(request, rule: Id):
    """Shows one rule."""
    return shapes.rule_data(services.get_for(request.auth, Rule, rule, manage=False))


@router.delete(
    "/notifications/rules/{rule}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Delete a notification rule",
)
def notification_rule_delete(request, rule: Id):
    """Deletes a rule (softly: past deliveries keep their ruleId)."""
    services.delete_rule(request.auth, services.get_for(request.auth, Rule, rule, manage=True))
    return Status(204, None)


@router.patch(
    "/notifications/rules/{rule}",
    response={200: shapes.Rule, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a notification rule",
)
def notification_rule_update(request, rule: Id, payload: RuleUpdate):
    """Edits a rule, including enabling or disabling it. Ownership cannot change."""
    obj = services.get_for(request.auth, Rule, rule, manage=True)
    return shapes.rule_data(services.update_rule(request.auth, obj, present(payload)))


# --- Deliveries ------------------------------------------------------------------------------------


@router.get(
    "/notifications/deliveries",
    response={200: shapes.DeliveryPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List notification delivery history",
)
def notification_delivery_list(request, query: Query[DeliveryQuery]):
    """Lists delivery log entries for the channels the caller can view, newest first."""
    actor = request.auth
    channels = services.visible(actor, Channel.objects.all())
    deliveries = Delivery.objects.filter(organization_id=actor.organization.id, channel__in=channels)
    if query.channelId:
        deliveries = deliveries.filter(channel_id=query.channelId)
    if query.ruleId:
        deliveries = deliveries.filter(rule_id=query.ruleId)
    if query.status:
        deliveries = deliveries.filter(status=query.status)
    filters = query.model_dump(exclude={"limit", "marker"})
    rows, marker = marker_page(deliveries, query, filters)
    channel_rows = Channel.objects.filter(id__in={d.channel_id for d in rows}).order_by("name", "id")
    rule_rows = Rule.objects.filter(
        organization_id=actor.organization.id, id__in={d.rule_id for d in rows} - {None}
    ).order_by("name", "id")
    body: dict = {
        "items": [shapes.delivery_data(d) for d in rows],
        "included": {
            "channels": [shapes.channel_data(c) for c in channel_rows],
            "rules": [shapes.rule_data(r) for r in rule_rows],
        },
    }
    if marker:
        body["marker"] = marker
    return body
