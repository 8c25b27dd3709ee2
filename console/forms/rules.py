"""The notification rule form: events of one resource type, channels, the scopes that fit them, a resource."""

import re
from collections import defaultdict
from typing import Any

from django import forms

from console.client.models.notifications import EventType, Rule
from console.forms.base import set_choices
from console.forms.lists import ID
from console.forms.notifications import NotificationForm, owner_field, ownership

SCOPES = ("organization", "team", "own_resources", "resource")
OWNER_SCOPES = {"org": "organization", "team": "team", "member": "own_resources"}  # §3.21 rule constraints
# §3.21: team scope applies to a team's own events among the administration types, and "own resources" means
# nothing for teams and identity providers.
NO_TEAM_SCOPE = frozenset({"member", "invitation", "identity_provider"})
NO_OWN_SCOPE = frozenset({"team", "identity_provider"})
EVENTS = {"required": "Choose at least one event."}
SCOPE = {
    "required": "Choose which resources the rule watches.",
    "invalid_choice": "That scope does not fit this owner and these events: choose one of those shown.",
}
CHANNELS = {
    "required": "Choose at least one channel to send to.",
    "invalid_choice": "A chosen channel is no longer available: choose again.",
}


class RuleForm(NotificationForm):
    """Create or edit one rule: events of one resource type, channels, the scopes that fit them, and owner."""

    # "eventTypes[3]", "channelIds[0]", "scopeType", "resourceId"… reach their snake_case fields unaided.
    wire_fields = {"teamId": "owner", "memberId": "owner"}
    conflict_field = "name"

    name = forms.CharField(max_length=255, error_messages={"required": "Give the rule a name."})
    description = forms.CharField(required=False, max_length=1023, widget=forms.Textarea(attrs={"rows": 2}))
    owner = owner_field("rule")
    event_types = forms.MultipleChoiceField(label="Events", widget=forms.CheckboxSelectMultiple, error_messages=EVENTS)
    scope_type = forms.ChoiceField(label="Scope", widget=forms.RadioSelect, error_messages=SCOPE)
    resource_id = forms.CharField(label="Resource", required=False, max_length=20)
    channel_ids = forms.MultipleChoiceField(
        label="Channels", widget=forms.CheckboxSelectMultiple, error_messages=CHANNELS
    )
    enabled = forms.BooleanField(required=False, initial=True, label="Enabled")

    def __init__(
        self,
        *args,
        event_types: list[EventType],
        channels: list[tuple[str, str]],
        owners: list[tuple[str, str]],
        rule: Rule | None = None,
        **kwargs,
    ):
        if rule is not None and not kwargs.get("data"):
            kwargs["initial"] = {
                "name": rule.name,
                "description": rule.description or "",
                "owner": f"team:{rule.team_id}"
                if rule.team_id
                else f"member:{rule.member_id}"
                if rule.member_id
                else "org",
                "event_types": rule.event_types,
                "scope_type": rule.scope_type,
                "resource_id": rule.resource_id or "",
                "channel_ids": rule.channel_ids,
                "enabled": rule.enabled,
            }
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.catalog = {event.key: event for event in event_types}
        set_choices(self.fields["event_types"], [(event.key, event.label) for event in event_types])
        set_choices(self.fields["channel_ids"], channels)
        set_choices(self.fields["owner"], owners)
        if rule is not None:
            self.fields["owner"].disabled = True
        owner = str(self["owner"].value() or (owners[0][0] if owners else ""))
        self.resource_type = self._resource_type()
        self.scopes = applicable_scopes(owner.partition(":")[0], self.resource_type)
        set_choices(
            self.fields["scope_type"], [(scope, scope_label(scope, self.resource_type)) for scope in self.scopes]
        )
        if rule is None and not self.is_bound:
            self.initial.setdefault("scope_type", self.scopes[0])
        self.find = str(self.data.get("resource_find", "")).strip()[:200]

    def _resource_type(self) -> str | None:
        """The resource type of the chosen events, when they share one."""
        kinds = {self.catalog[key].resource_type for key in self["event_types"].value() or [] if key in self.catalog}
        return kinds.pop() if len(kinds) == 1 else None

    @property
    def noun(self) -> str:
        return (self.resource_type or "resource").replace("_", " ")

    def event_groups(self) -> list[dict[str, Any]]:
        """The event picker: per resource type, its shortcuts (group toggles) and its concrete types."""
        selected = set(self["event_types"].value() or [])
        groups: dict[str, dict[str, Any]] = defaultdict(lambda: {"shortcuts": [], "events": []})
        for event in self.catalog.values():
            group = groups[event.resource_type]
            group["key"] = event.resource_type
            group["label"] = event.resource_type.replace("_", " ").capitalize()
            entry = {"event": event, "checked": event.key in selected, "id": f"event-{event.key.replace('.', '-')}"}
            if event.expands_to:
                entry["checked"] = entry["checked"] or set(event.expands_to) <= selected
                group["shortcuts"].append(entry)
            else:
                group["events"].append(entry)
        result = list(groups.values())
        for group in result:
            group["open"] = any(entry["checked"] for entry in group["events"])
        return result

    def clean_event_types(self):
        keys = self.cleaned_data["event_types"]
        kinds = {self.catalog[key].resource_type for key in keys if key in self.catalog}
        if len(kinds) > 1:
            raise forms.ValidationError("Choose events of one resource type: " + ", ".join(sorted(kinds)) + ".")
        return keys

    def clean(self):
        """The resource counts only for the scope "One specific …" (the picker is hidden otherwise)."""
        cleaned = super().clean()
        resource = cleaned.get("resource_id", "")
        if cleaned.get("scope_type") != "resource":
            cleaned["resource_id"] = ""
        elif not resource:
            self.add_error("resource_id", f"Choose the {self.noun} to watch.")
        elif not re.fullmatch(ID, resource):
            self.add_error("resource_id", "That is not an id: ids are up to 20 capital letters and digits.")
        return cleaned

    def to_body(self) -> dict[str, Any]:
        data = self.cleaned_data
        body: dict[str, Any] = {
            "name": data["name"],
            "description": data.get("description") or None,
            "enabled": bool(data.get("enabled")),
            "eventTypes": data["event_types"],
            "scopeType": data["scope_type"],
            "channelIds": data["channel_ids"],
        }
        if data["scope_type"] == "resource":
            body["resourceId"] = data.get("resource_id") or None
        elif self.rule is not None:
            body["resourceId"] = None
        if self.rule is None:
            body |= ownership(data["owner"])
        return body


def applicable_scopes(owner_kind: str, resource_type: str | None) -> list[str]:
    """The scopes a rule of this owner ("org", "team", "member") may take for events of `resource_type` (§3.21)."""
    natural = OWNER_SCOPES.get(owner_kind)
    scopes = [natural] if natural else [scope for scope in SCOPES if scope != "resource"]
    if resource_type in NO_TEAM_SCOPE:
        scopes = [scope for scope in scopes if scope != "team"]
    if resource_type in NO_OWN_SCOPE:
        scopes = [scope for scope in scopes if scope != "own_resources"]
    return [*scopes, "resource"]


def scope_label(scope: str, resource_type: str | None) -> str:
    """What a scope means for events of `resource_type`, in words."""
    noun = (resource_type or "resource").replace("_", " ")
    if scope == "organization":
        return f"Every {noun} in the organization"
    if scope == "team":
        return (
            "The owning team itself" if resource_type == "team" else f"{noun.capitalize()}s shared with the owning team"
        )
    if scope == "own_resources":
        return {"member": "My own membership", "invitation": "Invitations I sent"}.get(
            resource_type or "", f"My own {noun}s"
        )
    return f"One specific {noun}"
