"""Billing (contract §2.8, §7): marketplace-linked accounts and the hourly submission windows metered into them.

A window holds one hour of one account's metered usage: one item per workload with its factors (quantity x rate),
and the window's amount is exactly the sum of its items'. Windows are unique per account and hour, so metering an
hour again replaces what it found there instead of adding to it.
"""

from django.db import models
from django.utils import timezone

from localplatform.identity.models import Organization
from localplatform.ids import new_id
from localplatform.infra.models import Connection


class BillableAccount(models.Model):
    """A cloud account linked to the marketplace; `connection` is null for this machine's own account."""

    PENDING, ACTIVE, SUSPENDED, UNSUBSCRIBED = "pending", "active", "suspended", "unsubscribed"
    STATUSES = [(s, s) for s in (PENDING, ACTIVE, SUSPENDED, UNSUBSCRIBED)]

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="billable_accounts")
    connection = models.OneToOneField(
        Connection, null=True, blank=True, on_delete=models.SET_NULL, related_name="billable_account"
    )
    cloud_account_id = models.CharField(max_length=12)
    provider = models.CharField(max_length=8, default="AWS")
    status = models.CharField(max_length=16, choices=STATUSES, default=ACTIVE)
    provider_id = models.CharField(max_length=64)
    last_submission_at = models.DateTimeField(null=True, blank=True)
    fail_next_submission = models.CharField(max_length=300, null=True, blank=True)  # a simulated refusal (demo, tests)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "cloud_account_id"], name="billable_account_unique")
        ]


class SubmissionWindow(models.Model):
    PENDING, SUBMITTED, ACCEPTED, REJECTED, FAILED = "pending", "submitted", "accepted", "rejected", "failed"
    STATUSES = [(s, s) for s in (PENDING, SUBMITTED, ACCEPTED, REJECTED, FAILED)]

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    account = models.ForeignKey(BillableAccount, on_delete=models.CASCADE, related_name="windows")
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    submitted_at = models.DateTimeField(null=True, blank=True)
    dimension = models.CharField(max_length=64, default="lakesail_compute")
    quantity = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    amount = models.DecimalField(max_digits=20, decimal_places=6, default=0)
    workload_count = models.PositiveIntegerField(default=0)
    marketplace_record_id = models.CharField(max_length=64, null=True, blank=True)
    status_message = models.CharField(max_length=300, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "period_start"], name="window_unique_hour")]
        indexes = [models.Index(fields=["account", "-period_start"])]


class WindowItem(models.Model):
    """One workload's share of a window: its factors (quantity, rate, amount) and their sum."""

    window = models.ForeignKey(SubmissionWindow, on_delete=models.CASCADE, related_name="items")
    workload_type = models.CharField(max_length=16)
    workload_id = models.CharField(max_length=20)
    workload_name = models.CharField(max_length=255)
    team_id = models.CharField(max_length=20, null=True, blank=True)
    member_id = models.CharField(max_length=20, null=True, blank=True)
    cluster_id = models.CharField(max_length=20)
    factors = models.JSONField()  # [{"factor", "quantity", "rate", "amount"}] with decimal strings
    amount = models.DecimalField(max_digits=20, decimal_places=6)
