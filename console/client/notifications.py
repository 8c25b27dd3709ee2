"""notifications: channels, rules, event types and delivery history (contract §3.21)."""

from typing import Any

from console.client.base import Platform, parse
from console.client.models.common import Items
from console.client.models.notifications import (
    Channel,
    ChannelTestResult,
    Delivery,
    DeliveryDetail,
    EventType,
    MarkerPage,
    Redelivery,
    Rule,
)
from console.client.paths import segment


def _marker_params(limit: int, marker: str | None, **extra) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit}
    if marker:
        params["marker"] = marker
    params.update({name: value for name, value in extra.items() if value not in (None, "")})
    return params


def list_event_types(platform: Platform) -> list[EventType]:
    """GET /notifications/event-types"""
    return parse(Items[EventType], platform.call("GET", "/notifications/event-types")).items


def list_channels(
    platform: Platform,
    *,
    limit: int = 100,
    marker: str | None = None,
    team_id: str | None = None,
    member_id: str | None = None,
) -> MarkerPage[Channel]:
    """GET /notifications/channels"""
    params = _marker_params(limit, marker, teamId=team_id, memberId=member_id)
    return parse(MarkerPage[Channel], platform.call("GET", "/notifications/channels", params=params))


def create_channel(platform: Platform, body: dict[str, Any]) -> Channel:
    """POST /notifications/channels"""
    return parse(Channel, platform.call("POST", "/notifications/channels", body=body))


def describe_channel(platform: Platform, channel_id: str) -> Channel:
    """GET /notifications/channels/{channel}"""
    return parse(Channel, platform.call("GET", f"/notifications/channels/{segment(channel_id)}"))


def delete_channel(platform: Platform, channel_id: str) -> None:
    """DELETE /notifications/channels/{channel}"""
    platform.call("DELETE", f"/notifications/channels/{segment(channel_id)}")


def update_channel(platform: Platform, channel_id: str, body: dict[str, Any]) -> Channel:
    """PATCH /notifications/channels/{channel}"""
    return parse(Channel, platform.call("PATCH", f"/notifications/channels/{segment(channel_id)}", body=body))


def test_channel(platform: Platform, channel_id: str) -> ChannelTestResult:
    """POST /notifications/channels/{channel}/test"""
    path = f"/notifications/channels/{segment(channel_id)}/test"
    return parse(ChannelTestResult, platform.call("POST", path))


def list_rules(
    platform: Platform,
    *,
    limit: int = 100,
    marker: str | None = None,
    team_id: str | None = None,
    member_id: str | None = None,
    resource_type: str | None = None,
    scope_type: str | None = None,
    channel_id: str | None = None,
) -> MarkerPage[Rule]:
    """GET /notifications/rules"""
    params = _marker_params(
        limit,
        marker,
        teamId=team_id,
        memberId=member_id,
        resourceType=resource_type,
        scopeType=scope_type,
        channelId=channel_id,
    )
    return parse(MarkerPage[Rule], platform.call("GET", "/notifications/rules", params=params))


def create_rule(platform: Platform, body: dict[str, Any]) -> Rule:
    """POST /notifications/rules"""
    return parse(Rule, platform.call("POST", "/notifications/rules", body=body))


def describe_rule(platform: Platform, rule_id: str) -> Rule:
    """GET /notifications/rules/{rule}"""
    return parse(Rule, platform.call("GET", f"/notifications/rules/{segment(rule_id)}"))


def delete_rule(platform: Platform, rule_id: str) -> None:
    """DELETE /notifications/rules/{rule}"""
    platform.call("DELETE", f"/notifications/rules/{segment(rule_id)}")


def update_rule(platform: Platform, rule_id: str, body: dict[str, Any]) -> Rule:
    """PATCH /notifications/rules/{rule}"""
    return parse(Rule, platform.call("PATCH", f"/notifications/rules/{segment(rule_id)}", body=body))


def list_deliveries(
    platform: Platform,
    *,
    limit: int = 100,
    marker: str | None = None,
    channel_id: str | None = None,
    rule_id: str | None = None,
    status: str | None = None,
) -> MarkerPage[Delivery]:
    """GET /notifications/deliveries"""
    params = _marker_params(limit, marker, channelId=channel_id, ruleId=rule_id, status=status)
    return parse(MarkerPage[Delivery], platform.call("GET", "/notifications/deliveries", params=params))


def describe_delivery(platform: Platform, delivery_id: str) -> DeliveryDetail:
    """GET /notifications/deliveries/{delivery}"""
    return parse(DeliveryDetail, platform.call("GET", f"/notifications/deliveries/{segment(delivery_id)}"))


def redeliver_delivery(platform: Platform, delivery_id: str) -> Delivery:
    """POST /notifications/deliveries/{delivery}/redeliver"""
    path = f"/notifications/deliveries/{segment(delivery_id)}/redeliver"
    return parse(Redelivery, platform.call("POST", path)).delivery
