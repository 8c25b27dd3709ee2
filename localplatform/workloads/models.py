"""Workloads (contract §2.6): secrets, workload configs (compute profiles), sessions and notebooks.

Sessions and notebooks run for real on this machine: each live one has a runner process (Sail, and Marimo for a
notebook; localplatform/workloads/runner.py) whose pid and ports are kept here, so any process of the platform can
watch or stop it. `Usage` records running time for billing.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform.identity.models import Audited, Member, Organization, Team
from localplatform.ids import new_id
from localplatform.infra.models import Cluster


class Secret(Audited):
    """A write-only value shared with teams; each replacement is a new version. Deleting is soft (§3.17.4)."""

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="secrets")
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    metadata = models.JSONField(default=dict)
    current_version = models.PositiveIntegerField(default=1)
    revoked = models.BooleanField(default=False)
    revoked_by = models.CharField(max_length=20, null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    teams = models.ManyToManyField(Team, through="SecretTeam", related_name="secrets")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), condition=Q(deleted_at__isnull=True), name="secret_unique_name_ci"
            )
        ]


class SecretVersion(models.Model):
    """One stored value, sealed with localplatform.crypto (purpose "workload-secret")."""

    secret = models.ForeignKey(Secret, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    sealed = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=20, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["secret", "version"], name="secret_version_unique")]


class SecretTeam(models.Model):
    secret = models.ForeignKey(Secret, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="secret_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["secret", "team"], name="secret_team_unique")]


class WorkloadConfig(Audited):
    """A compute profile: one cluster, one owning team, a SailConfig. Anonymous ones come from inline sessions."""

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="workload_configs")
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    workload_type = models.CharField(max_length=16, default="sail")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="workload_configs")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="workload_configs")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anonymous = models.BooleanField(default=False)
    config = models.JSONField()  # {"sail": SailConfig} with every default filled in
    secrets = models.ManyToManyField(Secret, related_name="workload_configs")  # the environment's references

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), condition=Q(anonymous=False), name="workload_config_unique_name_ci"
            )
        ]


class Runtime(models.Model):
    """Where a live workload's runner process is: its pid, ports and directory (under var/workloads)."""

    pid = models.IntegerField(null=True, blank=True)
    grpc_port = models.IntegerField(null=True, blank=True)
    http_port = models.IntegerField(null=True, blank=True)
    compute_instance_id = models.CharField(max_length=20, null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)  # when the runner answered

    class Meta:
        abstract = True


class Session(Runtime):
    PENDING, ACTIVE, IDLE, CLOSED, FAILED = "pending", "active", "idle", "closed", "failed"
    STATUSES = [(s, s) for s in (PENDING, ACTIVE, IDLE, CLOSED, FAILED)]
    LIVE = (PENDING, ACTIVE, IDLE)

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="sessions")
    endpoint_type = models.CharField(max_length=16, default="spark_connect")
    name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    workload_config = models.ForeignKey(WorkloadConfig, on_delete=models.PROTECT, related_name="sessions")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="sessions")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    notebook = models.ForeignKey("Notebook", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="sessions")
    termination_reason = models.CharField(max_length=32, null=True, blank=True)
    status_message = models.CharField(max_length=500, null=True, blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    idle_since = models.DateTimeField(null=True, blank=True)
    idle_timeout_seconds = models.PositiveIntegerField(default=1800)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=20, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "status"])]


class Notebook(Audited, Runtime):
    STOPPED, STARTING, RUNNING, IDLE = "stopped", "starting", "running", "idle"
    DETACHED, STOPPING, FAILED = "detached", "stopping", "failed"
    STATUSES = [(s, s) for s in (STOPPED, STARTING, RUNNING, IDLE, DETACHED, STOPPING, FAILED)]
    UP = (RUNNING, IDLE, DETACHED)

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="notebooks")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="notebooks")
    workload_config = models.ForeignKey(WorkloadConfig, on_delete=models.PROTECT, related_name="notebooks")
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=STOPPED)
    status_message = models.CharField(max_length=500, null=True, blank=True)
    idle_timeout_seconds = models.PositiveIntegerField(default=3600)
    detached_timeout_seconds = models.PositiveIntegerField(default=14400)
    last_active_at = models.DateTimeField(null=True, blank=True)
    owner_seen_at = models.DateTimeField(null=True, blank=True)  # the owner's last heartbeat or open (open modes)
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    delete_requested = models.BooleanField(default=False)  # deleted while running: removed once torn down
    source = models.TextField(default="")  # the Marimo file, kept between runs
    teams = models.ManyToManyField(Team, through="NotebookTeam", related_name="notebooks")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "member", Lower("name"), condition=Q(delete_requested=False), name="notebook_unique_name_per_owner"
            )
        ]


class NotebookTeam(models.Model):
    notebook = models.ForeignKey(Notebook, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="notebook_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notebook", "team"], name="notebook_team_unique")]


class Usage(models.Model):
    """One stretch of running time of a session (a notebook's runs through its marimo session), for billing."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="usage")
    workload_type = models.CharField(max_length=16)  # "session" | "notebook"
    workload_id = models.CharField(max_length=20, db_index=True)
    workload_name = models.CharField(max_length=255)
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="usage")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    workload_config = models.ForeignKey(
        WorkloadConfig, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vcpus = models.FloatField()
    memory_gib = models.FloatField()
    gpus = models.FloatField(default=0)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)  # null while it runs

    class Meta:
        indexes = [models.Index(fields=["organization", "started_at"])]
