"""From platform events to deliveries (contract §3.21, §4.4).

event_committed ─► matching enabled rules ─► one Delivery per (rule, channel), duplicates `skipped`
                ─► task `deliver` (database queue) ─► attempt: pending → delivering → delivered,
                   or pending again with nextAttemptAt, or failed after the last retry.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from localplatform.events.models import Event
from localplatform.identity.models import Member
from localplatform.identity.services.permissions import Access
from localplatform.notifications import catalog, crypto, senders, services
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


def retry_delays() -> list[int]:
    return [int(seconds) for seconds in settings.LAKESAIL_NOTIFY_RETRY_DELAYS]


# --- Events -------------------------------------------------------------------------------------------


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
        transaction.on_commit(lambda: enqueue_all(to_send))
    return created


def enqueue_all(delivery_ids: list[str]) -> None:
    for delivery_id in delivery_ids:
        enqueue(delivery_id)


def enqueue(delivery_id: str, run_after=None) -> None:
    from localplatform.notifications.tasks import deliver

    if run_after is not None and default_task_backend.supports_defer:
        deliver.using(run_after=run_after).enqueue(delivery_id)
    elif run_after is None:
        deliver.enqueue(delivery_id)
    # A backend that cannot defer (the in-process one of the tests) leaves the retry pending.


# --- Attempts -----------------------------------------------------------------------------------------


def skip_reason(delivery: Delivery, channel: Channel) -> str | None:
    if channel.deleted_at is not None:
        return "Skipped: the channel was deleted."
    if not channel.enabled:
        return "Skipped: the channel is disabled."
    if delivery.rule_id:
        rule = Rule.objects.filter(id=delivery.rule_id).first()
        if rule is None or rule.deleted_at is not None:
            return "Skipped: the rule was deleted."
        if not rule.enabled:
            return "Skipped: the rule is disabled."
    return None


def attempt(delivery_id: str) -> str:
    """Make the next attempt of a pending delivery and record it; returns the delivery's new status."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(id=delivery_id).first()
        if delivery is None or delivery.status != Delivery.PENDING:
            return delivery.status if delivery else "missing"
        channel = Channel.objects.get(id=delivery.channel_id)
        reason = skip_reason(delivery, channel)
        if reason:
            finish(delivery, Delivery.SKIPPED, reason)
            return delivery.status
        delivery.status = Delivery.DELIVERING
        delivery.save(update_fields=["status"])
    return perform(delivery, channel)


def perform(delivery: Delivery, channel: Channel) -> str:
    """Send once (outside any transaction: up to 10 s of network), then record the attempt."""
    started = timezone.now()
    clock = time.monotonic()
    try:
        outcome = senders.send(channel, crypto.unseal(channel.secrets), delivery.id, delivery.payload)
    except senders.NoRecipients:
        finish(delivery, Delivery.SKIPPED, "Skipped: the email channel's target has no active recipient.")
        return delivery.status
    except crypto.SecretsUnreadable:
        outcome = senders.Outcome(
            False, None, "The channel's secret cannot be read (SECRET_KEY changed): enter it again."
        )
    duration_ms = int((time.monotonic() - clock) * 1000)
    delivery.attempts += 1
    delivery.last_attempt_at = started
    delivery.response_status = outcome.response_status
    delivery.status_message = outcome.message
    delivery.attempt_log = [
        *delivery.attempt_log,
        {
            "attempt": delivery.attempts,
            "attemptedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "durationMs": duration_ms,
            "responseStatus": outcome.response_status,
            "statusMessage": outcome.message,
        },
    ]
    delays = retry_delays()
    if outcome.delivered:
        delivery.status, delivery.next_attempt_at, delivery.completed_at = Delivery.DELIVERED, None, timezone.now()
    elif delivery.attempts <= len(delays) and delivery.rule_id is not None:
        delivery.status = Delivery.PENDING
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=delays[delivery.attempts - 1])
    else:
        delivery.status, delivery.next_attempt_at, delivery.completed_at = Delivery.FAILED, None, timezone.now()
    delivery.save()
    record_channel_status(channel, outcome)
    logger.info(
        "notification delivery %s to channel %s: attempt %s %s (%s)",
        delivery.id,
        channel.id,
        delivery.attempts,
        delivery.status,
        outcome.response_status or "-",
    )
    if delivery.status == Delivery.PENDING:
        next_at = delivery.next_attempt_at
        transaction.on_commit(lambda: enqueue(delivery.id, run_after=next_at))
    return delivery.status


def finish(delivery: Delivery, status: str, message: str) -> None:
    delivery.status, delivery.status_message = status, message
    delivery.next_attempt_at, delivery.completed_at = None, timezone.now()
    delivery.save()


def record_channel_status(channel: Channel, outcome: senders.Outcome) -> None:
    """After every attempt: failing with the message, or active again (a disabled channel stays disabled)."""
    fields: dict = {}
    if outcome.delivered:
        fields = {"status": Channel.ACTIVE, "status_message": None}
    else:
        fields = {"status": Channel.FAILING, "status_message": outcome.message}
    Channel.objects.filter(id=channel.id, enabled=True, deleted_at=None).update(**fields)
    for key, value in fields.items():
        setattr(channel, key, value)


# --- Channel test (§3.21.7) ------------------------------------------------------------------------------


def send_test(actor, channel: Channel) -> tuple[Delivery, senders.Outcome]:
    """A real, synchronous delivery of a `notification.test` payload, recorded in the history."""
    from localplatform.errors import PlatformError

    if not channel.enabled:
        raise PlatformError("invalid_state", "The channel is disabled. Enable it to send a test.")
    event = Event.objects.create(
        organization_id=channel.organization_id,
        type=catalog.TEST_EVENT,
        resource_type="channel",
        resource_id=channel.id,
        resource_name=channel.name,
        data={"message": "This is a test notification from LakeSail."},
        owner_member_id=actor.member.id,
    )
    delivery = Delivery.objects.create(
        organization_id=channel.organization_id,
        event_id=event.id,
        event_type=event.type,
        rule_id=None,
        channel=channel,
        resource_type="channel",
        resource_id=channel.id,
        payload=event.payload(),
        status=Delivery.DELIVERING,
    )
    status = perform(delivery, channel)
    outcome = senders.Outcome(status == Delivery.DELIVERED, delivery.response_status, delivery.status_message or "")
    if status == Delivery.SKIPPED:
        outcome.message = "The email channel's target has no active recipient."
    if outcome.delivered:
        Channel.objects.filter(id=channel.id).update(
            verified_at=timezone.now(), status=Channel.ACTIVE, status_message=None
        )
    channel.refresh_from_db()
    return delivery, outcome


# --- Housekeeping ----------------------------------------------------------------------------------------


def purge(days: int = 30) -> int:
    """Delete deliveries older than `days` (§4.4 keeps them 30 days); returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    count, _ = Delivery.objects.filter(created_at__lt=cutoff).delete()
    return count
