"""Channels and rules: validation, ownership and permissions of contract §3.21.

Routers call these functions with the request's Actor; they raise PlatformError for every refusal.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from localplatform import outbound
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Member, Team
from localplatform.ids import is_valid_id
from localplatform.notifications import catalog, configs, crypto
from localplatform.notifications.models import Channel, Delivery, Rule

VIEW = "CanViewNotifications"
MANAGE = "CanManageNotifications"
ORG_ADMIN_TYPES = {"member", "invitation", "team", "identity_provider"}


def local_mode() -> bool:
    """The local profile (developer machine, tests): loopback and plain-http destinations are allowed."""
    return outbound.local_mode()


# --- Permissions (§3.21 "Permissions by ownership") ------------------------------------------------


def can(actor, relation: str, team_id: str | None, member_id: str | None) -> bool:
    access = actor.access
    if team_id:
        return access.has_in_team(relation, team_id)
    if member_id:
        return member_id == actor.member.id or access.has(relation)
    return access.has(relation)


def visible(actor, queryset: QuerySet) -> QuerySet:
    """The channels or rules (of the actor's organization) the actor may view."""
    queryset = queryset.filter(organization_id=actor.organization.id)
    access = actor.access
    if access.has(VIEW):
        return queryset
    if access.all_teams:
        team_ids = list(Team.objects.filter(organization=actor.organization).values_list("id", flat=True))
    else:
        team_ids = [team for team, relations in access.team_relations.items() if VIEW in relations]
    return queryset.filter(Q(member_id=actor.member.id) | Q(team_id__in=team_ids))


def require_manage_ownership(actor, team_id: str | None, member_id: str | None) -> None:
    """Create: the caller must be able to manage the chosen ownership (403), and the owner must exist (422)."""
    if team_id and member_id:
        raise invalid({"teamId": "Set teamId or memberId, not both."})
    if team_id and not Team.objects.filter(id=team_id, organization=actor.organization).exists():
        raise invalid({"teamId": "No such team in this organization."})
    if (
        member_id
        and not Member.objects.filter(id=member_id, organization=actor.organization, status=Member.ACTIVE).exists()
    ):
        raise invalid({"memberId": "No such active member in this organization."})
    if not can(actor, MANAGE, team_id, member_id):
        raise PlatformError("permission_denied")


def can_manage(actor, obj: Channel | Rule) -> bool:
    """Whether the actor may change this channel or rule (else, where visible, they only view it)."""
    return can(actor, MANAGE, obj.team_id, obj.member_id)


def get_for(actor, model, object_id: str, *, manage: bool):
    """A live channel or rule: 404 when missing or not viewable, 403 when viewable but not manageable."""
    obj = model.objects.filter(id=object_id, organization_id=actor.organization.id, deleted_at=None).first()
    what = "channel" if model is Channel else "rule"
    if obj is None or not can(actor, VIEW, obj.team_id, obj.member_id):
        raise not_found(what)
    if manage and not can(actor, MANAGE, obj.team_id, obj.member_id):
        raise PlatformError("permission_denied")
    return obj


def get_delivery(actor, delivery_id: str, *, manage: bool) -> Delivery:
    """A delivery, judged by its channel's ownership (deleted channels count): 404 unless viewable,
    403 when viewable but `manage` is asked for and not allowed."""
    delivery = (
        Delivery.objects.filter(id=delivery_id, organization_id=actor.organization.id).select_related("channel").first()
    )
    if delivery is None or not can(actor, VIEW, delivery.channel.team_id, delivery.channel.member_id):
        raise not_found("delivery")
    if manage and not can_manage(actor, delivery.channel):
        raise PlatformError("permission_denied")
    return delivery


def clean_name(value: Any) -> str:
    name = str(value or "").strip()
    if not 1 <= len(name) <= 255 or not name.isprintable():
        raise invalid({"name": "Enter a name of 1 to 255 characters, without control characters."})
    return name


def ensure_unique_name(model, organization_id: str, name: str, team_id, member_id, exclude_id=None) -> None:
    clash = model.objects.filter(
        organization_id=organization_id, team_id=team_id, member_id=member_id, deleted_at=None, name__iexact=name
    )
    if exclude_id:
        clash = clash.exclude(id=exclude_id)
    if clash.exists():
        what = "channel" if model is Channel else "rule"
        raise PlatformError("already_exists", f"A {what} with this name already exists for this owner.")


# --- Channel configuration --------------------------------------------------------------------------


def settle_config(
    actor, type_: str, raw: Any, team_id: str | None, member_id: str | None, stored_secrets: dict[str, str]
) -> tuple[dict, dict[str, str]]:
    """(public config as stored, secrets to store) for a channel type; 422 with config.* field errors."""
    config = configs.validate(type_, raw, stored_secrets, member_id)
    if isinstance(config, configs.EmailConfig):
        errors = config.target_errors(actor.organization, team_id, member_id)
        if errors:
            raise invalid(errors)
    return config.split()


# --- Channels -----------------------------------------------------------------------------------------


def create_channel(actor, *, type: str, name: Any, team_id, member_id, config: Any, enabled: bool) -> Channel:
    require_manage_ownership(actor, team_id, member_id)
    name = clean_name(name)
    public, secrets = settle_config(actor, type, config, team_id, member_id, {})
    org_id = actor.organization.id
    with transaction.atomic():
        ensure_unique_name(Channel, org_id, name, team_id, member_id)
        now = timezone.now()
        return Channel.objects.create(
            organization_id=org_id,
            type=type,
            name=name,
            team_id=team_id,
            member_id=member_id,
            config=public,
            secrets=crypto.seal(secrets),
            enabled=enabled,
            status=Channel.ACTIVE if enabled else Channel.DISABLED,
            created_at=now,
            updated_at=now,
            created_by=actor.member.id,
            updated_by=actor.member.id,
        )


def update_channel(actor, channel: Channel, changes: dict) -> Channel:
    """PATCH semantics of §3.21.6: config replaced as a whole, omitted write-only secrets kept."""
    for key in ("type", "teamId", "memberId"):
        if key in changes:
            raise invalid({key: "This field cannot be changed."})
    if "name" in changes:
        channel.name = clean_name(changes["name"])
        ensure_unique_name(
            Channel, channel.organization_id, channel.name, channel.team_id, channel.member_id, channel.id
        )
    if "config" in changes:
        try:
            stored = crypto.unseal(channel.secrets)
        except crypto.SecretsUnreadable:
            stored = {}
        public, secrets = settle_config(
            actor, channel.type, changes["config"], channel.team_id, channel.member_id, stored
        )
        channel.config = public
        channel.secrets = crypto.seal(secrets)
        channel.verified_at = None
    if "enabled" in changes:
        if changes["enabled"] is None:
            raise invalid({"enabled": "Send true or false."})
        channel.enabled = bool(changes["enabled"])
        channel.status = Channel.ACTIVE if channel.enabled else Channel.DISABLED
        channel.status_message = None
    channel.updated_at = timezone.now()
    channel.updated_by = actor.member.id
    channel.save()
    return channel


@transaction.atomic
def delete_channel(actor, channel: Channel) -> None:
    """Soft delete (§3.21.5): out of every rule, pending deliveries skipped."""
    now = timezone.now()
    soft_delete_channels(Channel.objects.filter(id=channel.id), now, "The channel was deleted.")
    Channel.objects.filter(id=channel.id).update(updated_by=actor.member.id)


def soft_delete_channels(channels: QuerySet, now, reason: str) -> None:
    rows = list(channels.filter(deleted_at=None).values_list("id", "organization_id"))
    if not rows:
        return
    ids = [channel_id for channel_id, _ in rows]
    Channel.objects.filter(id__in=ids).update(deleted_at=now, updated_at=now)
    for rule in Rule.objects.filter(deleted_at=None, organization_id__in={org for _, org in rows}):
        if any(channel_id in ids for channel_id in rule.channel_ids):
            rule.channel_ids = [c for c in rule.channel_ids if c not in ids]
            if not rule.channel_ids:
                rule.enabled = False
            rule.updated_at = now
            rule.save(update_fields=["channel_ids", "enabled", "updated_at"])
    Delivery.objects.filter(channel_id__in=ids, status=Delivery.PENDING).update(
        status=Delivery.SKIPPED, status_message=reason, next_attempt_at=None, completed_at=now
    )


# --- Rules --------------------------------------------------------------------------------------------


def expand_event_types(raw: Any) -> tuple[list[str], str]:
    """(concrete keys, de-duplicated in order; their one resource type); 422 otherwise."""
    if not isinstance(raw, list) or not 1 <= len(raw) <= 30:
        raise invalid({"eventTypes": "Choose 1 to 30 event types."})
    keys: list[str] = []
    for index, key in enumerate(raw):
        event_type = catalog.BY_KEY.get(key) if isinstance(key, str) else None
        if event_type is None:
            raise invalid({f"eventTypes[{index}]": f"Unknown event type {key!r}."})
        for concrete in event_type.expands_to or (event_type.key,):
            if concrete not in keys:
                keys.append(concrete)
    resource_types = {catalog.BY_KEY[key].resource_type for key in keys}
    if len(resource_types) > 1:
        raise invalid({"eventTypes": "All event types of a rule must be about one resource type."})
    return keys, resource_types.pop()


def resource_exists(actor, resource_type: str, resource_id: str) -> bool:
    """The resource of a `resource`-scoped rule exists and the caller can view it."""
    organization = actor.organization
    if resource_type == "member":
        return Member.objects.filter(id=resource_id, organization=organization).exists()
    if resource_type == "team":
        return Team.objects.filter(id=resource_id, organization=organization).exists()
    from django.apps import apps

    model_names = {"invitation": ("identity", "Invitation"), "identity_provider": ("sso", "IdentityProvider")}
    if resource_type in model_names:
        try:
            model = apps.get_model(*model_names[resource_type])
        except LookupError:
            return False
        relation = "CanManageUsers" if resource_type == "invitation" else "CanManageIdentityProviders"
        return actor.access.has(relation) and model.objects.filter(id=resource_id, organization=organization).exists()
    return False  # the workload areas (jobs, notebooks, ...) are not part of the local platform yet


def validate_rule(actor, rule: Rule, *, allow_empty_channels: bool) -> None:
    """Scope, ownership and channels (§3.21 rule constraints), on the rule as it would be saved."""
    scope = rule.scope_type
    if scope not in Rule.SCOPES:
        raise invalid({"scopeType": "Choose resource, team, organization or own_resources."})
    if scope == Rule.ORGANIZATION and (rule.team_id or rule.member_id):
        raise invalid({"scopeType": "Organization scope is for organization-owned rules."})
    if scope == Rule.TEAM and not rule.team_id:
        raise invalid({"scopeType": "Team scope needs a team-owned rule (teamId)."})
    if scope == Rule.OWN_RESOURCES and not rule.member_id:
        raise invalid({"scopeType": "'Own resources' needs a personal rule (memberId)."})
    if scope == Rule.RESOURCE:
        if not rule.resource_id:
            raise invalid({"resourceId": "required for scope 'resource'"})
        if not is_valid_id(rule.resource_id) or not resource_exists(actor, rule.resource_type, rule.resource_id):
            raise invalid({"resourceId": f"No such {rule.resource_type} that you can view."})
    elif rule.resource_id:
        raise invalid({"resourceId": "Only rules with scope 'resource' name a resource."})
    if rule.resource_type in ORG_ADMIN_TYPES:
        if scope == Rule.TEAM and rule.resource_type != "team":
            raise invalid({"scopeType": f"Team scope does not apply to {rule.resource_type} events."})
        if scope == Rule.OWN_RESOURCES and rule.resource_type in ("team", "identity_provider"):
            raise invalid({"scopeType": f"'Own resources' does not apply to {rule.resource_type} events."})
    ids = rule.channel_ids
    if not isinstance(ids, list) or len(ids) > 10 or (not ids and not allow_empty_channels):
        raise invalid({"channelIds": "Choose 1 to 10 channels."})
    if len(set(ids)) != len(ids):
        raise invalid({"channelIds": "A channel is listed twice."})
    channels = {
        c.id: c for c in Channel.objects.filter(id__in=ids, organization_id=rule.organization_id, deleted_at=None)
    }
    for index, channel_id in enumerate(ids):
        channel = channels.get(channel_id)
        if channel is None or not can(actor, VIEW, channel.team_id, channel.member_id):
            raise invalid({f"channelIds[{index}]": "No such channel that you can view."})
        same_owner = channel.team_id == rule.team_id and channel.member_id == rule.member_id
        org_channel_for_team = rule.team_id and not channel.team_id and not channel.member_id
        if not (same_owner or org_channel_for_team):
            raise invalid({f"channelIds[{index}]": "The channel belongs to another owner than the rule."})


def create_rule(actor, data: dict) -> Rule:
    team_id, member_id = data.get("teamId"), data.get("memberId")
    require_manage_ownership(actor, team_id, member_id)
    event_types, resource_type = expand_event_types(data.get("eventTypes"))
    now = timezone.now()
    rule = Rule(
        organization_id=actor.organization.id,
        name=clean_name(data.get("name")),
        description=(data.get("description") or None),
        enabled=data.get("enabled", True),
        resource_type=resource_type,
        event_types=event_types,
        scope_type=data.get("scopeType") or "",
        resource_id=data.get("resourceId"),
        team_id=team_id,
        member_id=member_id,
        channel_ids=list(data.get("channelIds") or []),
        created_at=now,
        updated_at=now,
        created_by=actor.member.id,
        updated_by=actor.member.id,
    )
    validate_rule(actor, rule, allow_empty_channels=False)
    with transaction.atomic():
        ensure_unique_name(Rule, rule.organization_id, rule.name, team_id, member_id)
        rule.save()
    return rule


def update_rule(actor, rule: Rule, changes: dict) -> Rule:
    for key in ("teamId", "memberId"):
        if key in changes:
            raise invalid({key: "Ownership cannot be changed."})
    if "name" in changes:
        rule.name = clean_name(changes["name"])
    if "description" in changes:
        rule.description = changes["description"] or None
    if "enabled" in changes:
        if changes["enabled"] is None:
            raise invalid({"enabled": "Send true or false."})
        rule.enabled = bool(changes["enabled"])
    if "eventTypes" in changes:
        rule.event_types, rule.resource_type = expand_event_types(changes["eventTypes"])
    if "scopeType" in changes:
        rule.scope_type = changes["scopeType"]
        if rule.scope_type != Rule.RESOURCE and "resourceId" not in changes:
            rule.resource_id = None  # leaving the resource scope forgets the resource
    if "resourceId" in changes:
        rule.resource_id = changes["resourceId"]
    if "channelIds" in changes:
        if not changes["channelIds"]:
            raise invalid({"channelIds": "Choose 1 to 10 channels."})
        rule.channel_ids = list(changes["channelIds"])
    if rule.enabled and not rule.channel_ids:
        raise invalid({"channelIds": "Choose 1 to 10 channels before enabling the rule."})
    validate_rule(actor, rule, allow_empty_channels=not rule.enabled)
    with transaction.atomic():
        ensure_unique_name(Rule, rule.organization_id, rule.name, rule.team_id, rule.member_id, rule.id)
        rule.updated_at = timezone.now()
        rule.updated_by = actor.member.id
        rule.save()
    return rule


def delete_rule(actor, rule: Rule) -> None:
    now = timezone.now()
    Rule.objects.filter(id=rule.id).update(deleted_at=now, updated_at=now, updated_by=actor.member.id)
