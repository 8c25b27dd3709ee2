"""Infrastructure shapes (contract §2.5): cloud accounts, networks, clusters, and the Operations that change them."""

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from console.client.models.common import Audit, Model, TeamSummary

RUNNING = ("pending", "running")
KINDS = {  # Operation.operation -> what the console calls it
    "network.provision": "Provisioning the network",
    "network.destroy": "Destroying the network",
    "cluster.provision": "Provisioning the cluster",
    "cluster.update": "Updating the cluster",
    "cluster.destroy": "Destroying the cluster",
    "connection.template_sync": "Syncing the template of the account",
    "connection.discover": "Discovering instance types in the account",
}


class ErrorBody(Model):
    code: str = ""
    message: str = ""


class OperationResource(Model):
    urn: str
    type: str
    name: str
    operation: Literal["create", "update", "delete", "same"]
    status: Literal["pending", "running", "succeeded", "failed", "unchanged"]
    duration: int = 0

    @property
    def kind(self) -> str:
        """ "aws:ec2/natGateway:NatGateway" -> "NatGateway"."""
        return self.type.rsplit(":", 1)[-1]


class OperationSummary(Model):
    total: int = 0
    pending: int = 0
    running: int = 0
    succeeded: int = 0
    failed: int = 0
    unchanged: int = 0


class OperationProgress(Model):
    stage: str
    message: str
    resources: list[OperationResource] = []
    summary: OperationSummary = Field(default_factory=OperationSummary)


class Operation(Model):
    id: str
    operation: str
    status: Literal["pending", "running", "succeeded", "failed"]
    result: dict[str, Any] | None = None
    error: ErrorBody | None = None
    progress: OperationProgress | None = None
    resource_type: str
    resource_id: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    started_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def title(self) -> str:
        return KINDS.get(self.operation, self.operation)

    @property
    def done_percent(self) -> int:
        """How much of the work is done: finished and unchanged resources over all of them."""
        summary = self.progress.summary if self.progress else None
        if not summary or not summary.total:
            return 100 if self.status == "succeeded" else 0
        return round(100 * (summary.succeeded + summary.unchanged) / summary.total)

    def elapsed_seconds(self, now: datetime) -> float:
        if self.started_at is None:
            return 0
        return ((self.completed_at or now) - self.started_at).total_seconds()


class AsyncAccepted(Model):
    operation_id: str
    operation: Operation


class ProviderConfig(Model):
    account_id: str
    region: str
    role_arn: str | None = None
    external_id_secret_arn: str | None = None
    stack_arn: str | None = None


class Connection(Audit):
    id: str
    name: str
    provider: str = "AWS"
    provider_config: ProviderConfig
    status: Literal["pending", "active", "updating", "failed"]
    status_message: str | None = None
    last_used_at: AwareDatetime | None = None
    template_synced_at: AwareDatetime | None = None
    template_sync_message: str | None = None


class TemplateParameters(Model):
    model_config = Model.model_config | {"alias_generator": None}

    IamRoleName: str
    IamPermissionBoundaryName: str
    LakeSailAccountID: str
    LakeSailVPCID: str
    LakeSailTenantID: str
    LakeSailConnectionID: str
    LakeSailExternalID: str | None = None
    LakeSailPrincipal: str


class ConnectionTemplate(Model):
    connection_id: str
    region: str
    stack_name: str
    template_url: str
    template_version: str
    quick_create_url: str
    parameters: TemplateParameters


class ConnectionCreated(Model):
    connection: Connection
    template: ConnectionTemplate


class Check(Model):
    name: str
    status: Literal["passed", "failed"]
    message: str | None = None

    @property
    def label(self) -> str:
        return CHECKS.get(self.name, self.name)


CHECKS = {
    "assume_role": "LakeSail can assume the role",
    "permission_boundary": "The role has the permission boundary",
    "stack_outputs": "The stack has the expected outputs",
    "region_enabled": "The region is enabled in the account",
}


class ConnectionVerification(Model):
    verified: bool
    checked_at: AwareDatetime
    checks: list[Check]
    connection: Connection


class Region(Model):
    region: str
    name: str
    available: bool


class NetworkConfig(Model):
    cidr: str


class Network(Audit):
    id: str
    connection_id: str
    name: str
    region: str
    provider_network_id: str | None = None
    config: NetworkConfig
    iac_state: dict[str, str] | None = None
    iac_outputs: dict[str, str] = {}
    status: Literal["pending", "provisioning", "active", "destroying", "destroyed", "failed"]
    status_message: str | None = None
    operation_id: str | None = None


class NodeGroup(Model):
    name: str
    role: Literal["management", "compute"]
    instance_types: list[str]
    min_size: int
    max_size: int
    desired_size: int
    capacity_type: Literal["on_demand", "spot"]


class Cluster(Audit):
    id: str
    name: str
    external_cluster_id: str | None = None
    region: str
    connection_id: str | None = None
    network_id: str | None = None
    external_status: Literal["pending", "provisioning", "active", "updating", "destroying", "destroyed", "failed"]
    operation_id: str | None = None
    kind: Literal["provisioned", "self_registered"] = "provisioned"
    kubernetes_version: str
    node_groups: list[NodeGroup] = []
    endpoint: str | None = None
    status_message: str | None = None

    @property
    def nodes(self) -> tuple[int, int]:
        """(desired, maximum) nodes over every node group."""
        return sum(g.desired_size for g in self.node_groups), sum(g.max_size for g in self.node_groups)


class ClusterRow(Model):
    id: str
    external_cluster_id: str | None = None
    connection_id: str | None = None
    team_ids: list[str] = []


class InfraIncluded(Model):
    """The objects infrastructure responses carry once; looked up by id."""

    connections: list[Connection] = []
    networks: list[Network] = []
    clusters: list[Cluster] = []
    operations: list[Operation] = []
    teams: list[TeamSummary] = []
    cluster_rows: list[ClusterRow] = []

    def connection(self, connection_id: str | None) -> Connection | None:
        return next((c for c in self.connections if c.id == connection_id), None)

    def network(self, network_id: str | None) -> Network | None:
        return next((n for n in self.networks if n.id == network_id), None)

    def cluster(self, cluster_id: str | None) -> Cluster | None:
        return next((c for c in self.clusters if c.id == cluster_id), None)

    def operation(self, resource_id: str | None) -> Operation | None:
        """The latest operation on a resource."""
        found = [o for o in self.operations if o.resource_id == resource_id]
        return max(found, key=lambda o: o.created_at) if found else None

    def teams_of(self, cluster_id: str) -> list[TeamSummary]:
        row = next((r for r in self.cluster_rows if r.id == cluster_id), None)
        by_id = {t.team.id: t for t in self.teams}
        return [by_id[t] for t in (row.team_ids if row else []) if t in by_id]


class InfraPage[T](Model):
    """A marker-paged infrastructure list (§1.8) with its `included` objects."""

    items: list[T]
    marker: str | None = None
    included: InfraIncluded = Field(default_factory=InfraIncluded)


class ClusterRowPage(Model):
    """Page<ClusterRow, { clusters, connections, networks, teams }>."""

    total: int
    items: list[ClusterRow]
    included: InfraIncluded = Field(default_factory=InfraIncluded)


class ConnectionDetail(Model):
    connection: Connection
    network_ids: list[str] = []
    cluster_ids: list[str] = []
    included: InfraIncluded = Field(default_factory=InfraIncluded)


class NetworkDetail(Model):
    network: Network
    included: InfraIncluded = Field(default_factory=InfraIncluded)


class ClusterDetail(Model):
    cluster: Cluster
    team_ids: list[str] = []
    included: InfraIncluded = Field(default_factory=InfraIncluded)


class NodeGroupHealth(Model):
    name: str
    status: str
    ready_nodes: int
    desired_nodes: int
    issues: list[str] = []


class ControlPlaneHealth(Model):
    status: str
    version: str


class ClusterHealth(Model):
    status: str
    checked_at: AwareDatetime
    control_plane: ControlPlaneHealth
    node_groups: list[NodeGroupHealth] = []


class MetricPoint(Model):
    timestamp: AwareDatetime
    value: float


class MetricSeries(Model):
    points: list[MetricPoint] = []


class ClusterMetrics(Model):
    period: str
    step_seconds: int
    cpu: MetricSeries
    memory: MetricSeries


class Kubeconfig(Model):
    cluster_id: str
    kubeconfig: str
    expires_at: AwareDatetime


class TeamItems(Model):
    items: list[TeamSummary]
