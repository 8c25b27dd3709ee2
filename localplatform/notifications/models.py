"""Notification channels, rules, deliveries and the event-type catalogue (contract §2.7, §3.21, §4)."""

from django.db import models
from django.utils import timezone

from localplatform.identity.models import Audited, IdField


class EventType(models.Model):
    """Mirror of `catalog.EVENT_TYPES` (written by the data migration)."""

    key = models.CharField(max_length=64, primary_key=True)
    resource_type = models.CharField(max_length=32)
    label = models.CharField(max_length=255)
    description = models.CharField(max_length=1023)
    expands_to = models.JSONField(default=list)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class Channel(Audited):
    EMAIL = "email"
    SLACK = "slack"
    WEBHOOK = "webhook"
    PAGER_DUTY = "pager_duty"
    ROOTLY = "rootly"
    TYPES = (EMAIL, SLACK, WEBHOOK, PAGER_DUTY, ROOTLY)

    ACTIVE = "active"
    FAILING = "failing"
    DISABLED = "disabled"

    id = IdField(primary_key=True)
    organization_id = models.CharField(max_length=20, db_index=True)
    type = models.CharField(max_length=16, choices=[(t, t) for t in TYPES])
    name = models.CharField(max_length=255)
    # Ownership (§3.21): team-owned, member-owned, or neither = org-owned. Plain ids: the owner may go away.
    team_id = models.CharField(max_length=20, null=True, blank=True, db_index=True)
    member_id = models.CharField(max_length=20, null=True, blank=True, db_index=True)
    # The non-secret configuration as returned (masked), and the write-only secrets, encrypted (crypto.py).
    config = models.JSONField(default=dict)
    secrets = models.TextField(default="", blank=True)
    status = models.CharField(max_length=16, default=ACTIVE)
    status_message = models.CharField(max_length=1023, null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization_id", "created_at", "id"])]


class Rule(Audited):
    ORGANIZATION = "organization"
    TEAM = "team"
    OWN_RESOURCES = "own_resources"
    RESOURCE = "resource"
    SCOPES = (RESOURCE, TEAM, ORGANIZATION, OWN_RESOURCES)

    id = IdField(primary_key=True)
    organization_id = models.CharField(max_length=20, db_index=True)
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=1023, null=True, blank=True)
    enabled = models.BooleanField(default=True)
    resource_type = models.CharField(max_length=32)
    event_types = models.JSONField(default=list)  # concrete keys only
    scope_type = models.CharField(max_length=16)
    resource_id = models.CharField(max_length=20, null=True, blank=True)
    team_id = models.CharField(max_length=20, null=True, blank=True, db_index=True)
    member_id = models.CharField(max_length=20, null=True, blank=True, db_index=True)
    channel_ids = models.JSONField(default=list)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization_id", "created_at", "id"])]


class Delivery(models.Model):
    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"
    STATUSES = (PENDING, DELIVERING, DELIVERED, FAILED, SKIPPED)

    id = IdField(primary_key=True)
    organization_id = models.CharField(max_length=20, db_index=True)
    event_id = models.CharField(max_length=20, db_index=True)
    event_type = models.CharField(max_length=64)
    rule_id = models.CharField(max_length=20, null=True, blank=True, db_index=True)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    resource_type = models.CharField(max_length=32)
    resource_id = models.CharField(max_length=20)
    status = models.CharField(max_length=16, default=PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.IntegerField(null=True, blank=True)
    status_message = models.CharField(max_length=1023, null=True, blank=True)
    attempt_log = models.JSONField(default=list)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization_id", "created_at", "id"])]
