"""Delivery attempts (contract §4.4), channel tests (§3.21.7) and redelivery (§3.21.15).

A delivery (fanout.py makes them) moves pending → delivering → delivered, or back to pending with
nextAttemptAt, or failed after the last retry. Whatever a sender does, an attempt ends in one of those:
every exception around the send is caught and recorded as a failed attempt.

Tasks (tasks.py, on the database queue):
- `deliver(id, attempts)` makes one attempt. A task carries the attempt count it was queued for, so when a
  redelivery and a scheduled retry both wait for the same attempt, the first to run makes it and the
  other finds the count moved on and does nothing.
- `recover()`: a process that dies during an attempt (worker killed, machine lost) leaves the delivery
  `delivering`. Every attempt queues a recovery check LEASE after it started; it finds deliveries that
  have been `delivering` longer than LEASE (far more than a send may take: senders stop at 10 s) and
  records that attempt as failed, so the retry schedule goes on (or the delivery ends `failed`). The
  check is a queued task, so it runs when the worker is back, even after a crash.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import default_task_backend
from django.utils import timezone

from localplatform.errors import PlatformError
from localplatform.events.models import Event
from localplatform.notifications import catalog, crypto, senders
from localplatform.notifications.models import Channel, Delivery, Rule

logger = logging.getLogger("localplatform.notifications")

TEST_SECONDS = 10.0  # §3.21.7: a channel test holds a web request, everything included; throttled per member
LEASE = timedelta(minutes=2)
INTERRUPTED = "The attempt was interrupted (the process sending it stopped); it counts as failed."
INTERNAL = "The attempt failed because of an internal error."


def retry_delays() -> list[int]:
    return [int(seconds) for seconds in settings.LAKESAIL_NOTIFY_RETRY_DELAYS]


# --- Queue ----------------------------------------------------------------------------------------------


def enqueue_all(delivery_ids: list[str]) -> None:
    for delivery_id in delivery_ids:
        enqueue(delivery_id, attempts=0)


def enqueue(delivery_id: str, run_after=None, attempts: int | None = None) -> None:
    from localplatform.notifications.tasks import deliver

    if run_after is not None and default_task_backend.supports_defer:
        deliver.using(run_after=run_after).enqueue(delivery_id, attempts)
    elif run_after is None:
        deliver.enqueue(delivery_id, attempts)
    # A backend that cannot defer (the in-process one of the tests) leaves the retry pending.


def watch() -> None:
    """Queue a recovery check for LEASE from now (see the module docstring)."""
    from localplatform.notifications.tasks import recover

    if default_task_backend.supports_defer:
        recover.using(run_after=timezone.now() + LEASE + timedelta(seconds=1)).enqueue()


# --- Attempts -------------------------------------------------------------------------------------------


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


def attempt(delivery_id: str, attempts: int | None = None) -> str:
    """Make the next attempt of a pending delivery and record it; returns the delivery's new status.

    With `attempts`, only when the delivery has made exactly that many attempts (else the task is stale).
    """
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(id=delivery_id).first()
        if delivery is None or delivery.status != Delivery.PENDING:
            return delivery.status if delivery else "missing"
        if attempts is not None and delivery.attempts != attempts:
            return delivery.status
        channel = Channel.objects.get(id=delivery.channel_id)
        reason = skip_reason(delivery, channel)
        if reason:
            finish(delivery, Delivery.SKIPPED, reason)
            return delivery.status
        delivery.status, delivery.last_attempt_at = Delivery.DELIVERING, timezone.now()
        delivery.save(update_fields=["status", "last_attempt_at"])
        transaction.on_commit(watch)
    return perform(delivery, channel)


def perform(delivery: Delivery, channel: Channel, timeout: float = senders.TIMEOUT_SECONDS) -> str:
    """Send once (outside any transaction: up to `timeout` s of network), then record the attempt."""
    clock = time.monotonic()
    try:
        outcome = senders.send(channel, crypto.unseal(channel.secrets), delivery.id, delivery.payload, timeout=timeout)
    except senders.NoRecipients:
        finish(delivery, Delivery.SKIPPED, "Skipped: the email channel's target has no active recipient.")
        return delivery.status
    except crypto.SecretsUnreadable:
        message = "The channel's secret cannot be read (SECRET_KEY changed): enter it again."
        outcome = senders.Outcome(False, None, message, permanent=True)
    except Exception:  # whatever a sender raises, the attempt is recorded and the delivery moves on
        logger.exception("notification delivery %s to channel %s: the sender failed", delivery.id, channel.id)
        outcome = senders.Outcome(False, None, INTERNAL)
    return record(delivery.id, channel, outcome, int((time.monotonic() - clock) * 1000))


def record(delivery_id: str, channel: Channel, outcome: senders.Outcome, duration_ms: int) -> str:
    """Add the attempt to the delivery's log and move it on: delivered, pending (retry) or failed."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(id=delivery_id)
        if delivery.status != Delivery.DELIVERING:
            return delivery.status  # recovered meanwhile (it took longer than LEASE): already recorded
        message = outcome.message[:1023]
        started = delivery.last_attempt_at or timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = started
        delivery.response_status = outcome.response_status
        delivery.status_message = message
        delivery.attempt_log = [
            *delivery.attempt_log,
            {
                "attempt": delivery.attempts,
                "attemptedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "durationMs": duration_ms,
                "responseStatus": outcome.response_status,
                "statusMessage": message,
            },
        ]
        delays = retry_delays()
        now = timezone.now()
        if outcome.delivered:
            delivery.status, delivery.next_attempt_at, delivery.completed_at = Delivery.DELIVERED, None, now
        elif not outcome.permanent and delivery.attempts <= len(delays) and delivery.rule_id is not None:
            delivery.status = Delivery.PENDING
            delivery.next_attempt_at = now + timedelta(seconds=delays[delivery.attempts - 1])
        else:
            delivery.status, delivery.next_attempt_at, delivery.completed_at = Delivery.FAILED, None, now
        delivery.save()
        record_channel_status(channel, outcome)
        if delivery.status == Delivery.PENDING:
            next_at, attempts = delivery.next_attempt_at, delivery.attempts
            transaction.on_commit(lambda: enqueue(delivery_id, run_after=next_at, attempts=attempts))
    logger.info(
        "notification delivery %s to channel %s: attempt %s %s (%s)",
        delivery.id,
        channel.id,
        delivery.attempts,
        delivery.status,
        outcome.response_status or "-",
    )
    return delivery.status


def finish(delivery: Delivery, status: str, message: str) -> None:
    delivery.status, delivery.status_message = status, message
    delivery.next_attempt_at, delivery.completed_at = None, timezone.now()
    delivery.save()


def record_channel_status(channel: Channel, outcome: senders.Outcome) -> None:
    """After every attempt: failing with the message, or active again (a disabled channel stays disabled)."""
    if outcome.delivered:
        fields: dict = {"status": Channel.ACTIVE, "status_message": None}
    else:
        fields = {"status": Channel.FAILING, "status_message": outcome.message[:1023]}
    Channel.objects.filter(id=channel.id, enabled=True, deleted_at=None).update(**fields)
    for key, value in fields.items():
        setattr(channel, key, value)


def recover_stuck() -> int:
    """Record the attempts of deliveries `delivering` for longer than LEASE as failed; returns how many."""
    cutoff = timezone.now() - LEASE
    stale = Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at=None, created_at__lt=cutoff)
    stuck = Delivery.objects.filter(stale, status=Delivery.DELIVERING).select_related("channel")
    for delivery in stuck:
        record(delivery.id, delivery.channel, senders.Outcome(False, None, INTERRUPTED), 0)
    return len(stuck)


# --- Redelivery (§3.21.15) ---------------------------------------------------------------------------------


def redeliver(delivery: Delivery) -> Delivery:
    """A failed delivery is sent again now, a pending one's next attempt moves to now."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("channel").get(id=delivery.id)
        if delivery.status not in (Delivery.FAILED, Delivery.PENDING):
            raise PlatformError("invalid_state", f"A {delivery.status} delivery cannot be redelivered.")
        if delivery.channel.deleted_at is not None:
            raise PlatformError("invalid_state", "The channel was deleted.")
        if not delivery.channel.enabled:
            raise PlatformError("invalid_state", "The channel is disabled. Enable it to redeliver.")
        delivery.status, delivery.next_attempt_at, delivery.completed_at = Delivery.PENDING, timezone.now(), None
        delivery.save(update_fields=["status", "next_attempt_at", "completed_at"])
        attempts = delivery.attempts
        transaction.on_commit(lambda: enqueue(delivery.id, attempts=attempts))
    return delivery


# --- Channel test (§3.21.7) ------------------------------------------------------------------------------


def send_test(actor, channel: Channel) -> tuple[Delivery, senders.Outcome]:
    """A real, synchronous delivery of a `notification.test` payload, recorded in the history."""
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
        last_attempt_at=timezone.now(),
    )
    transaction.on_commit(watch)
    status = perform(delivery, channel, timeout=TEST_SECONDS)
    delivery.refresh_from_db()
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
