"""Infrastructure (contract §2.5): long-running work as Operation records, run by the simulation (§7)."""

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform.identity.models import Audited, Member, Organization, Team
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


class Simulated(models.Model):
    """A simulated cloud resource: its next operation fails at `sim_fail_stage` when one is set (tests, demo).

    Set through `localplatform.infra.simulation.inject_failure`, never by an API call: the contract has no such
    field. The failure applies once: starting the operation clears it, so a retry succeeds.
    """

    sim_fail_stage = models.CharField(max_length=64, null=True, blank=True)
    sim_fail_message = models.CharField(max_length=500, null=True, blank=True)

    class Meta:
        abstract = True


class Connection(Audited, Simulated):
    """A connected AWS account (§2.5). `verified_at` stays null until a verification passes: until then the
    template carries the external id. A verification fails the check named in `sim_fail_stage`."""

    PENDING, ACTIVE, UPDATING, FAILED = "pending", "active", "updating", "failed"
    STATUSES = [(s, s) for s in (PENDING, ACTIVE, UPDATING, FAILED)]

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="connections")
    name = models.CharField(max_length=255)
    provider = models.CharField(max_length=8, default="AWS")
    account_id = models.CharField(max_length=12)
    region = models.CharField(max_length=32)
    iam_role_name = models.CharField(max_length=64)
    external_id = models.CharField(max_length=36)  # a UUIDv4, the LakeSailExternalID stack parameter
    role_arn = models.CharField(max_length=255, null=True, blank=True)
    external_id_secret_arn = models.CharField(max_length=255, null=True, blank=True)
    stack_arn = models.CharField(max_length=255, null=True, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    status_message = models.CharField(max_length=500, null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    template_synced_at = models.DateTimeField(null=True, blank=True)
    template_sync_message = models.CharField(max_length=500, null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint("organization", Lower("name"), name="connection_unique_name_ci")]


class Network(Audited, Simulated):
    """A managed VPC in a connected account (§2.5); every status change runs through an Operation."""

    PENDING, PROVISIONING, ACTIVE = "pending", "provisioning", "active"
    DESTROYING, DESTROYED, FAILED = "destroying", "destroyed", "failed"
    STATUSES = [(s, s) for s in (PENDING, PROVISIONING, ACTIVE, DESTROYING, DESTROYED, FAILED)]

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="networks")
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="networks")
    name = models.CharField(max_length=255)
    region = models.CharField(max_length=32)
    cidr = models.CharField(max_length=18, default="10.0.0.0/16")
    provider_network_id = models.CharField(max_length=32, null=True, blank=True)  # "vpc-..."
    iac_state = models.JSONField(null=True, blank=True)
    iac_outputs = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    status_message = models.CharField(max_length=500, null=True, blank=True)
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint("organization", Lower("name"), name="network_unique_name_ci")]


class Cluster(Audited, Simulated):
    """A Kubernetes cluster (§2.5): provisioned in a network of a connection, or self-registered (this machine)."""

    PROVISIONED, SELF_REGISTERED = "provisioned", "self_registered"
    PENDING, PROVISIONING, ACTIVE, UPDATING = "pending", "provisioning", "active", "updating"
    DESTROYING, DESTROYED, FAILED = "destroying", "destroyed", "failed"
    STATUSES = [(s, s) for s in (PENDING, PROVISIONING, ACTIVE, UPDATING, DESTROYING, DESTROYED, FAILED)]

    id = models.CharField(max_length=20, primary_key=True, default=new_id, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="clusters")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, default=PROVISIONED)
    connection = models.ForeignKey(Connection, null=True, blank=True, on_delete=models.PROTECT, related_name="clusters")
    network = models.ForeignKey(Network, null=True, blank=True, on_delete=models.PROTECT, related_name="clusters")
    region = models.CharField(max_length=32)
    external_cluster_id = models.CharField(max_length=100, null=True, blank=True)  # the EKS name
    external_status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    status_message = models.CharField(max_length=500, null=True, blank=True)
    kubernetes_version = models.CharField(max_length=8, default="1.31")
    node_groups = models.JSONField(default=list)  # NodeGroup[] as on the wire
    endpoint = models.CharField(max_length=255, null=True, blank=True)
    pending_update = models.JSONField(null=True, blank=True)  # the change a running cluster.update applies at its end
    operation = models.ForeignKey(Operation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    teams = models.ManyToManyField(Team, through="ClusterTeam", related_name="clusters")

    class Meta:
        constraints = [models.UniqueConstraint("organization", Lower("name"), name="cluster_unique_name_ci")]


class ClusterTeam(models.Model):
    """A team whose members may use the cluster (CanUseClusters through the team role)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="team_links")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cluster_links")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster", "team"], name="cluster_team_unique")]
