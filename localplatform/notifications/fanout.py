"""From platform events to deliveries (contract §3.21): owners that go away, matching rules, fan-out.

event_committed ─► matching enabled rules ─► one Delivery per (rule, channel), duplicates `skipped`
                ─► task `deliver` for each pending one (pipeline.py makes the attempts).
"""

import logging

from django.db import transaction
from django.utils import timezone

from localplatform.events.models import Event
from localplatform.identity.models import Member
from localplatform.identity.services.permissions import Access
from localplatform.notifications import catalog, pipeline, services
from localplatform.notifications.models import Channel, Delivery, Rule

logger = logging.getLogger("localplatform.notifications")

# The View relation a member-owned rule's member needs on the event's resource (§3.21, designed).
VIEW_RELATION = {
    "job_run": "CanViewJobs",
    "notebook": "CanViewNotebooks",
    "session": "CanViewSessions",
    "cluster": "CanViewInfrastructure",
    "network": "CanViewInfrastructure",
    "connection": "CanViewInfrastructure",
    "secret": "CanUseSecrets",
    "member": "CanViewOrganization",
    "team": "CanViewOrganization",
    "invitation": "CanManageUsers",
    "identity_provider": "CanViewOrganization",
}


def on_event_committed(sender, event: Event, **kwargs) -> None:
    """Subscriber of `localplatform.events.event_committed`."""
    try:
        owners_gone(event)
        fan_out(event)
    except Exception:
        logger.exception("notifications: could not process event %s (%s)", event.id, event.type)


def owners_gone(event: Event) -> None:
    """Owners and targets that go away (§3.21): deleted teams and departed members."""
    now = timezone.now()
    if event.type == "team.deleted":
        team_id = event.resource_id
        reason = "The team that owned it was deleted."
        services.soft_delete_channels(
            Channel.objects.filter(organization_id=event.organization_id, team_id=team_id), now, reason
        )
        Rule.objects.filter(organization_id=event.organization_id, team_id=team_id, deleted_at=None).update(
            deleted_at=now, updated_at=now
        )
        disable_email_targets(event.organization_id, "teamId", team_id, "Its target team was deleted.", now)
    elif event.type == "member.removed":
        member_id = event.resource_id
        reason = "The member who owned it left the organization."
        services.soft_delete_channels(
            Channel.objects.filter(organization_id=event.organization_id, member_id=member_id), now, reason
        )
        Rule.objects.filter(organization_id=event.organization_id, member_id=member_id, deleted_at=None).update(
            deleted_at=now, updated_at=now
        )
        disable_email_targets(event.organization_id, "memberId", member_id, "Its target member left.", now)


def disable_email_targets(organization_id: str, key: str, target_id: str, message: str, now) -> None:
    for channel in Channel.objects.filter(organization_id=organization_id, type=Channel.EMAIL, deleted_at=None):
        if channel.config.get(key) == target_id:
            channel.enabled = False
            channel.status = Channel.DISABLED
            channel.status_message = f"{message} Choose another recipient and enable the channel."
            channel.updated_at = now
            channel.save(update_fields=["enabled", "status", "status_message", "updated_at"])


def rule_matches(rule: Rule, event: Event) -> bool:
    if event.type not in rule.event_types:
        return False
    scope = rule.scope_type
    if scope == Rule.ORGANIZATION:
        matched = True
    elif scope == Rule.TEAM:
        matched = rule.team_id in (event.team_ids or []) or (
            event.resource_type == "team" and event.resource_id == rule.team_id
        )
    elif scope == Rule.OWN_RESOURCES:
        owner = resource_owner(event)
        matched = owner is not None and owner == rule.member_id
    elif scope == Rule.RESOURCE:
        matched = rule.resource_id in (event.resource_id, (event.data or {}).get("jobId"))
    else:
        matched = False
    return matched and (not rule.member_id or member_can_view(rule.member_id, event))


def resource_owner(event: Event) -> str | None:
    """The owner member of the event's subject: a member owns itself, an invitation belongs to its inviter."""
    if event.owner_member_id:
        return event.owner_member_id
    if event.resource_type == "member":
        return event.resource_id
    if event.resource_type == "invitation":
        from django.apps import apps

        try:
            invitation_model = apps.get_model("identity", "Invitation")
        except LookupError:
            return None
        return invitation_model.objects.filter(id=event.resource_id).values_list("invited_by", flat=True).first()
    return None


def member_can_view(member_id: str, event: Event) -> bool:
    """A member-owned rule matches only while its member can view the resource (checked now)."""
    member = Member.objects.filter(id=member_id, organization_id=event.organization_id, status=Member.ACTIVE).first()
    if member is None:
        return False
    if resource_owner(event) == member_id:
        return True
    relation = VIEW_RELATION.get(event.resource_type, "CanViewOrganization")
    return Access.of(member).has_on(relation, list(event.team_ids or []))


def fan_out(event: Event) -> list[Delivery]:
    """One Delivery per (matching rule, channel); only the first per channel is attempted."""
    if event.type not in catalog.CONCRETE_KEYS:
        return []
    rules = Rule.objects.filter(
        organization_id=event.organization_id, enabled=True, deleted_at=None, resource_type=event.resource_type
    ).order_by("created_at", "id")
    created: list[Delivery] = []
    payload = event.payload()
    with transaction.atomic():
        seen: dict[str, str] = {}
        channels = {c.id: c for c in Channel.objects.filter(organization_id=event.organization_id)}
        for rule in rules:
            if not rule_matches(rule, event):
                continue
            for channel_id in rule.channel_ids:
                if channel_id not in channels:
                    continue
                delivery = Delivery(
                    organization_id=event.organization_id,
                    event_id=event.id,
                    event_type=event.type,
                    rule_id=rule.id,
                    channel_id=channel_id,
                    resource_type=event.resource_type,
                    resource_id=event.resource_id,
                    payload=payload,
                )
                if channel_id in seen:
                    delivery.status = Delivery.SKIPPED
                    delivery.status_message = (
                        f"Duplicate: this event already reaches the channel through rule {seen[channel_id]}."
                    )
                    delivery.completed_at = timezone.now()
                else:
                    seen[channel_id] = rule.id
                delivery.save()
                created.append(delivery)
        to_send = [str(d.id) for d in created if d.status == Delivery.PENDING]
        transaction.on_commit(lambda: pipeline.enqueue_all(to_send))
    return created
