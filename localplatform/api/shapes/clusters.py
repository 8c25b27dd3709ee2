"""Wire shapes of the clusters operations (contract §3.5): inputs and envelopes; entities in shapes/infra.py."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from localplatform.api.pagination import PageQuery
from localplatform.api.shapes.common import Id, Input, TeamSummary, Timestamp
from localplatform.api.shapes.infra import Cluster, ClusterRow, Connection, Network, NodeGroup
from localplatform.api.shapes.operations import Operation


class NodeGroupIn(Input, NodeGroup):
    pass


class ClusterCreate(Input):
    name: str = Field(min_length=1, max_length=255)
    networkId: Id
    region: str | None = Field(None, max_length=32)
    kubernetesVersion: Literal["1.29", "1.30", "1.31"] = "1.31"
    nodeGroups: list[NodeGroupIn] | None = Field(None, min_length=1, max_length=10)
    teamIds: list[Id] = Field(default_factory=list, max_length=50)


class ClusterUpdate(Input):
    kubernetesVersion: Literal["1.29", "1.30", "1.31"] | None = None
    nodeGroups: list[NodeGroupIn] | None = Field(None, min_length=1, max_length=10)


class TeamIdsIn(Input):
    teamIds: list[Id] = Field(min_length=1, max_length=50)


class MyClusterQuery(PageQuery):
    sortBy: Literal["name"] = "name"


class MetricsQuery(Schema):
    period: str = "1h"  # "1h" | "6h" | "24h" | "7d"; anything else is a 400 (§3.5.13)


class TeamItems(Schema):
    items: list[TeamSummary]


class ClusterDetailIncluded(Schema):
    connections: list[Connection]
    networks: list[Network]
    operations: list[Operation]
    teams: list[TeamSummary]


class ClusterDetail(Schema):
    cluster: Cluster
    teamIds: list[Id]
    included: ClusterDetailIncluded


class ClustersIncluded(Schema):
    """The contract's keys, and (extension) the listed clusters' team links with their teams."""

    connections: list[Connection]
    networks: list[Network]
    operations: list[Operation]
    teams: list[TeamSummary]
    clusterRows: list[ClusterRow]


class ClusterPage(Schema):
    """MarkerPage<Cluster, { connections, networks, operations }> plus teams and clusterRows (extension)."""

    items: list[Cluster]
    marker: str | None = None
    included: ClustersIncluded


class MyClustersIncluded(Schema):
    clusters: list[Cluster]
    connections: list[Connection]
    networks: list[Network]
    teams: list[TeamSummary]


class MyClusterPage(Schema):
    """Page<ClusterRow, { clusters, connections, networks, teams }>."""

    total: int
    items: list[ClusterRow]
    included: MyClustersIncluded


class TeamClustersIncluded(Schema):
    clusters: list[Cluster]
    teams: list[TeamSummary]


class TeamClusterPage(Schema):
    """Page<ClusterRow, { clusters, teams }> (extension, modelled on §3.4.11)."""

    total: int
    items: list[ClusterRow]
    included: TeamClustersIncluded


class ControlPlaneHealth(Schema):
    status: Literal["healthy", "unhealthy", "unknown"]
    version: str


class NodeGroupHealth(Schema):
    name: str
    status: Literal["healthy", "degraded", "unhealthy"]
    readyNodes: int
    desiredNodes: int
    issues: list[str]


class ClusterHealth(Schema):
    clusterId: Id
    status: Literal["healthy", "degraded", "unhealthy", "unknown"]
    checkedAt: Timestamp
    controlPlane: ControlPlaneHealth
    nodeGroups: list[NodeGroupHealth]


class Kubeconfig(Schema):
    clusterId: Id
    kubeconfig: str
    expiresAt: Timestamp


class MetricPoint(Schema):
    timestamp: Timestamp
    value: float


class MetricSeries(Schema):
    unit: Literal["percent"]
    points: list[MetricPoint]


class ClusterMetrics(Schema):
    clusterId: Id
    period: Literal["1h", "6h", "24h", "7d"]
    stepSeconds: int
    cpu: MetricSeries
    memory: MetricSeries
