"""/notifications: event types, channels, rules and delivery history (contract §3.21).

Each operation parses its input, calls the notifications services (queries.py reads, services.py and
pipeline.py change), and shapes the answer. View function names are the operation ids.
"""

from typing import Any

from ninja import Query, Router, Status
from pydantic import Field

from localplatform.api import throttle
from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import MarkerQuery, marker_page, marker_position
from localplatform.api.shapes import notifications as shapes
from localplatform.api.shapes.common import Id, Input, errors, member_data, team_summary_data
from localplatform.notifications import catalog, pipeline, queries, services
from localplatform.notifications.models import Channel, Rule
from localplatform.paging import newest_first

router = Router(tags=["notifications"], auth=BearerAuth())

# A channel test holds a web worker for up to pipeline.TEST_SECONDS: a few per minute and per member.
TESTS_PER_MEMBER = throttle.Limit("channel-test-member", limit=5, window=60)
TESTS_PER_CHANNEL = throttle.Limit("channel-test-channel", limit=5, window=60)
REDELIVERIES_PER_CHANNEL = throttle.Limit("redeliver-channel", limit=10, window=60)  # §3.21.15


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


def channel_out(actor, channel: Channel) -> dict:
    """The channel as this caller may see it: secrets masked unless they manage it."""
    return shapes.channel_data(channel, masked=not services.can_manage(actor, channel))


def deliveries_included(actor, rows: list) -> dict:
    channels, rules = queries.delivery_references(actor.organization.id, rows)
    return {"channels": [channel_out(actor, c) for c in channels], "rules": [shapes.rule_data(r) for r in rules]}


# --- Event types -----------------------------------------------------------------------------------


@router.get(
    "/notifications/event-types",
    response={200: shapes.EventTypeList, **errors(401, 403)},
    summary="List available notification event types",
)
def list_event_types(request):
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
def list_channels(request, query: Query[OwnerQuery]):
    """Lists the channels the caller can see, excluding deleted ones."""
    actor = request.auth
    found = queries.channels(actor, team_id=query.teamId, member_id=query.memberId)
    rows, more = newest_first(found, marker_position(query), query.limit)
    members, teams = queries.channel_people(actor.organization.id, rows)
    included = {
        "members": [member_data(m) for m in members],
        "teams": [team_summary_data(t, t.member_count) for t in teams],
    }
    return marker_page(query, [channel_out(actor, c) for c in rows], rows, more, included)


@router.post(
    "/notifications/channels",
    response={201: shapes.Channel, **errors(401, 403, 409, 422)},
    summary="Create a notification channel",
)
def create_channel(request, payload: ChannelCreate):
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
def describe_channel(request, channel: Id):
    """Shows one channel. Secrets are masked."""
    return channel_out(request.auth, services.get_for(request.auth, Channel, channel, manage=False))


@router.delete(
    "/notifications/channels/{channel}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Delete a notification channel",
)
def delete_channel(request, channel: Id):
    """Soft-deletes a channel and keeps it for delivery history."""
    obj = services.get_for(request.auth, Channel, channel, manage=True)
    services.delete_channel(request.auth, obj)
    return Status(204, None)


@router.patch(
    "/notifications/channels/{channel}",
    response={200: shapes.Channel, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a notification channel",
)
def update_channel(request, channel: Id, payload: ChannelUpdate):
    """Edits a channel's name, configuration or enabled flag."""
    obj = services.get_for(request.auth, Channel, channel, manage=True)
    return shapes.channel_data(services.update_channel(request.auth, obj, present(payload)))


@router.post(
    "/notifications/channels/{channel}/test",
    response={200: shapes.ChannelTestResult, **errors(400, 401, 403, 404, 409, 429)},
    summary="Send a test notification",
)
def test_channel(request, channel: Id):
    """Sends a `notification.test` payload synchronously and records the delivery."""
    actor = request.auth
    obj = services.get_for(actor, Channel, channel, manage=True)
    if obj.enabled:  # a disabled channel is refused below (409) without counting
        TESTS_PER_MEMBER.check(actor.member.id)
        TESTS_PER_CHANNEL.check(obj.id)
        TESTS_PER_MEMBER.count(actor.member.id)
        TESTS_PER_CHANNEL.count(obj.id)
    _delivery, outcome = pipeline.send_test(actor, obj)
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
def list_rules(request, query: Query[RuleQuery]):
    """Lists the rules the caller can see."""
    actor = request.auth
    found = queries.rules(
        actor,
        team_id=query.teamId,
        member_id=query.memberId,
        resource_type=query.resourceType,
        scope_type=query.scopeType,
        channel_id=query.channelId,
    )
    rows, more = newest_first(found, marker_position(query), query.limit)
    included = {"channels": [channel_out(actor, c) for c in queries.rule_channels(actor, rows)]}
    return marker_page(query, [shapes.rule_data(r) for r in rows], rows, more, included)


@router.post(
    "/notifications/rules",
    response={201: shapes.Rule, **errors(401, 403, 409, 422)},
    summary="Create a notification rule",
)
def create_rule(request, payload: RuleCreate):
    """Maps event types to channels. Shortcut keys are expanded when the rule is created."""
    return Status(201, shapes.rule_data(services.create_rule(request.auth, payload.model_dump())))


@router.get(
    "/notifications/rules/{rule}",
    response={200: shapes.Rule, **errors(400, 401, 403, 404)},
    summary="Get notification rule details",
)
def describe_rule(request, rule: Id):
    """Shows one rule."""
    return shapes.rule_data(services.get_for(request.auth, Rule, rule, manage=False))


@router.delete(
    "/notifications/rules/{rule}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Delete a notification rule",
)
def delete_rule(request, rule: Id):
    """Deletes a rule (softly: past deliveries keep their ruleId)."""
    services.delete_rule(request.auth, services.get_for(request.auth, Rule, rule, manage=True))
    return Status(204, None)


@router.patch(
    "/notifications/rules/{rule}",
    response={200: shapes.Rule, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a notification rule",
)
def update_rule(request, rule: Id, payload: RuleUpdate):
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
def list_deliveries(request, query: Query[DeliveryQuery]):
    """Lists delivery log entries for the channels the caller can view, newest first."""
    actor = request.auth
    found = queries.deliveries(actor, channel_id=query.channelId, rule_id=query.ruleId, status=query.status)
    rows, more = newest_first(found, marker_position(query), query.limit)
    items = [shapes.delivery_data(d) for d in rows]
    return marker_page(query, items, rows, more, deliveries_included(actor, rows))


@router.get(
    "/notifications/deliveries/{delivery}",
    response={200: shapes.DeliveryDetail, **errors(400, 401, 403, 404)},
    summary="Describe a delivery",
)
def describe_delivery(request, delivery: Id):
    """Shows one delivery with its attempts and payload, so a console can link to it."""
    obj = services.get_delivery(request.auth, delivery, manage=False)
    return {"delivery": shapes.delivery_data(obj), "included": deliveries_included(request.auth, [obj])}


@router.post(
    "/notifications/deliveries/{delivery}/redeliver",
    response={202: shapes.Redelivery, **errors(400, 401, 403, 404, 409, 429)},
    summary="Redeliver now",
)
def redeliver_delivery(request, delivery: Id):
    """Sends a failed delivery again at once, or moves a pending one's next attempt to now."""
    obj = services.get_delivery(request.auth, delivery, manage=True)
    throttle.every_request(REDELIVERIES_PER_CHANNEL, obj.channel_id)
    return Status(202, {"delivery": shapes.delivery_data(pipeline.redeliver(obj))})
