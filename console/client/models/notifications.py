"""Notification shapes (contract §2.7, §4.1): channels, rules, deliveries, event types, and their pages."""

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import AwareDatetime, Field, PrivateAttr

from console.client.models.common import Audit, Member, Model, TeamSummary

ChannelType = Literal["email", "slack", "webhook", "pager_duty", "rootly"]
ChannelStatus = Literal["active", "failing", "disabled"]
ScopeType = Literal["resource", "team", "organization", "own_resources"]
DeliveryStatus = Literal["pending", "delivering", "delivered", "failed", "skipped"]

CHANNEL_TYPES: dict[str, tuple[str, str]] = {  # type -> (label, icon)
    "email": ("Email", "envelope"),
    "slack": ("Slack", "slack"),
    "webhook": ("Webhook", "broadcast"),
    "pager_duty": ("PagerDuty", "bell"),
    "rootly": ("Rootly", "lightning-charge"),
}


class ChannelConfig(Model):
    """The masked configuration a response carries; only the keys of the channel's type are present."""

    member_id: str | None = None  # email
    team_id: str | None = None  # email
    webhook_url: str | None = None  # slack (masked after /services/)
    url: str | None = None  # webhook
    signing_secret_set: bool = False  # webhook
    headers: dict[str, str] = {}  # webhook
    integration_key_last4: str | None = None  # pager_duty
    severity: str | None = None  # pager_duty
    events_url: str | None = None  # pager_duty
    token_last4: str | None = None  # rootly
    alert_source_url: str | None = None  # rootly


class Channel(Audit):
    id: str
    type: ChannelType
    name: str
    team_id: str | None = None
    member_id: str | None = None
    config: ChannelConfig = Field(default_factory=ChannelConfig)
    status: ChannelStatus = "active"
    status_message: str | None = None
    verified_at: AwareDatetime | None = None
    enabled: bool = True
    deleted_at: AwareDatetime | None = None

    @property
    def type_label(self) -> str:
        return CHANNEL_TYPES[self.type][0]

    @property
    def type_icon(self) -> str:
        return CHANNEL_TYPES[self.type][1]

    @property
    def owner_key(self) -> str:
        """ "org", "team:<id>" or "member:<id>": who owns it, as the forms name ownership."""
        if self.team_id:
            return f"team:{self.team_id}"
        if self.member_id:
            return f"member:{self.member_id}"
        return "org"


class ChannelTestResult(Model):
    delivered: bool
    response_status: int | None = None
    message: str = ""
    channel: Channel


class Rule(Audit):
    id: str
    name: str
    description: str | None = None
    enabled: bool = True
    resource_type: str
    event_types: list[str] = []
    scope_type: ScopeType
    resource_id: str | None = None
    team_id: str | None = None
    member_id: str | None = None
    channel_ids: list[str] = []
    deleted_at: AwareDatetime | None = None


class Attempt(Model):
    attempt: int
    attempted_at: AwareDatetime
    duration_ms: int = 0
    response_status: int | None = None
    status_message: str | None = None


class Delivery(Model):
    id: str
    event_id: str
    event_type: str
    rule_id: str | None = None
    channel_id: str
    resource_type: str
    resource_id: str
    status: DeliveryStatus
    attempts: int = 0
    last_attempt_at: AwareDatetime | None = None
    next_attempt_at: AwareDatetime | None = None
    response_status: int | None = None
    status_message: str | None = None
    attempt_log: list[Attempt] = []
    payload: dict[str, Any] = {}
    created_at: AwareDatetime
    completed_at: AwareDatetime | None = None

    @property
    def in_flight(self) -> bool:
        return self.status in ("pending", "delivering")

    @property
    def redeliverable(self) -> bool:
        """§3.21.15: a failed delivery is sent again, a pending one's next attempt moves to now."""
        return self.status in ("failed", "pending")

    @property
    def resource_name(self) -> str:
        resource = self.payload.get("resource")
        return str(resource.get("name") or self.resource_id) if isinstance(resource, dict) else self.resource_id


class EventType(Model):
    key: str
    resource_type: str
    label: str
    description: str = ""
    expands_to: list[str] = []


class NotificationIncluded(Model):
    """`included` of the notification lists: owners, email targets, channels and rules, looked up by id."""

    members: list[Member] = []
    teams: list[TeamSummary] = []
    channels: list[Channel] = []
    rules: list[Rule] = []

    _members: dict[str, Member] = PrivateAttr(default_factory=dict)
    _teams: dict[str, TeamSummary] = PrivateAttr(default_factory=dict)
    _channels: dict[str, Channel] = PrivateAttr(default_factory=dict)
    _rules: dict[str, Rule] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        self._members = {member.id: member for member in self.members}
        self._teams = {summary.team.id: summary for summary in self.teams}
        self._channels = {channel.id: channel for channel in self.channels}
        self._rules = {rule.id: rule for rule in self.rules}

    def member(self, member_id: str | None) -> Member | None:
        return self._members.get(member_id or "")

    def team(self, team_id: str | None) -> TeamSummary | None:
        return self._teams.get(team_id or "")

    def channel(self, channel_id: str | None) -> Channel | None:
        return self._channels.get(channel_id or "")

    def rule(self, rule_id: str | None) -> Rule | None:
        return self._rules.get(rule_id or "")


class DeliveryDetail(Model):
    """GET /notifications/deliveries/{delivery}: the delivery with the channel and rule it names."""

    delivery: Delivery
    included: NotificationIncluded = Field(default_factory=NotificationIncluded)


class Redelivery(Model):
    """POST /notifications/deliveries/{delivery}/redeliver: the delivery, pending again."""

    delivery: Delivery


class MarkerPage[T](Model):
    """Marker-style list (§1.8): `marker` is absent on the last page."""

    items: list[T]
    marker: str | None = None
    total: int | None = None
    included: NotificationIncluded = Field(default_factory=NotificationIncluded)


@dataclass(frozen=True)
class Owner:
    """Who owns a channel or rule, for display: kind is "organization", "team" or "member"."""

    kind: str
    name: str
    mine: bool = False
