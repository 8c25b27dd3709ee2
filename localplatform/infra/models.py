"""Infrastructure (contract §2.5): long-running work as Operation records, run by the simulation (§7)."""

from django.db import models
from django.utils import timezone

from localplatform.identity.models import Member, Organization
from localplatform.ids import new_id


class Operation(models.Model):
    """One piece of slow infrastructure work (§1.11), polled with GET /operations/{id}.

    `plan` is what the work goes through: stages in order, each with its simulated duration in seconds and the
    resources it creates, updates or deletes. `stage_index` and `stage_started_at` say how far it got, so the
    state machine (localplatform/infra/simulation.py) carries on from the database after any restart.
    """

    PENDING, RUNNING, SUCCEEDED, FAILED = "pending", "running", "succeeded", "failed"
    STATUSES = [(s, s) for s in (PENDING, RUNNING, SUCCEEDED, FAILED)]

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="operations")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    operation = models.CharField(max_length=64)  # "network.provision", "cluster.destroy", ...
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    resource_type = models.CharField(max_length=16)  # "connection" | "network" | "cluster" | "catalog"
    resource_id = models.CharField(max_length=20, db_index=True)
    plan = models.JSONField()  # [{"stage", "message", "seconds", "resources": [{"urn", "type", "name", "operation"}]}]
    stage_index = models.PositiveIntegerField(default=0)  # the stage under way; len(plan) once every stage is done
    stage_started_at = models.DateTimeField(null=True, blank=True)
    resource_states = models.JSONField(default=list)  # per resource of the plan, in order: {"status", "duration"}
    # A failure to simulate (tests, the demo): the stage it happens in and what it says.
    fail_stage = models.CharField(max_length=64, null=True, blank=True)
    fail_message = models.CharField(max_length=500, null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    error = models.JSONField(null=True, blank=True)  # the Error object (§1.6) of a failed operation
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"]), models.Index(fields=["resource_type", "resource_id"])]

    @property
    def finished(self) -> bool:
        return self.status in (self.SUCCEEDED, self.FAILED)
