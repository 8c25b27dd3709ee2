"""The entities of the infrastructure areas (contract §2.5), shared by connections, networks and clusters.

Each area's module (shapes/connections.py, networks.py, clusters.py) adds its inputs and response envelopes.
"""

from typing import Literal

from ninja import Schema
from pydantic import Field

from localplatform.api.shapes.common import Audited, Id, Timestamp, audit_data
from localplatform.infra.models import Cluster as ClusterRecord
from localplatform.infra.models import Connection as ConnectionRecord
from localplatform.infra.models import Network as NetworkRecord

ConnectionStatus = Literal["pending", "active", "updating", "failed"]


class ProviderConfig(Schema):
    accountId: str
    region: str
    roleArn: str | None
    externalIdSecretArn: str | None
    stackArn: str | None


class Connection(Audited):
    id: Id
    name: str
    provider: Literal["AWS"]
    providerConfig: ProviderConfig
    status: ConnectionStatus
    statusMessage: str | None
    lastUsedAt: Timestamp | None
    templateSyncedAt: Timestamp | None
    templateSyncMessage: str | None


def connection_data(connection: ConnectionRecord) -> dict:
    return {
        "id": connection.id,
        "name": connection.name,
        "provider": connection.provider,
        "providerConfig": {
            "accountId": connection.account_id,
            "region": connection.region,
            "roleArn": connection.role_arn,
            "externalIdSecretArn": connection.external_id_secret_arn,
            "stackArn": connection.stack_arn,
        },
        "status": connection.status,
        "statusMessage": connection.status_message,
        "lastUsedAt": connection.last_used_at,
        "templateSyncedAt": connection.template_synced_at,
        "templateSyncMessage": connection.template_sync_message,
        **audit_data(connection),
    }


NetworkStatus = Literal["pending", "provisioning", "active", "destroying", "destroyed", "failed"]


class NetworkConfig(Schema):
    cidr: str


class IacState(Schema):
    projectName: str
    stackName: str


class Network(Audited):
    id: Id
    connectionId: Id
    name: str
    region: str
    providerNetworkId: str | None
    config: NetworkConfig
    iacState: IacState | None
    iacOutputs: dict[str, str]
    status: NetworkStatus
    statusMessage: str | None
    operationId: Id | None


def network_data(network: NetworkRecord) -> dict:
    return {
        "id": network.id,
        "connectionId": network.connection_id,
        "name": network.name,
        "region": network.region,
        "providerNetworkId": network.provider_network_id,
        "config": {"cidr": network.cidr},
        "iacState": network.iac_state,
        "iacOutputs": network.iac_outputs,
        "status": network.status,
        "statusMessage": network.status_message,
        "operationId": network.operation_id,
        **audit_data(network),
    }


ClusterStatus = Literal["pending", "provisioning", "active", "updating", "destroying", "destroyed", "failed"]


class NodeGroup(Schema):
    name: str = Field(min_length=1, max_length=63)
    role: Literal["management", "compute"]
    instanceTypes: list[str] = Field(min_length=1, max_length=10)
    minSize: int = Field(ge=0)
    maxSize: int = Field(ge=1)
    desiredSize: int = Field(ge=0)
    capacityType: Literal["on_demand", "spot"]


class Cluster(Audited):
    id: Id
    name: str
    externalClusterId: str | None
    region: str
    connectionId: Id | None
    networkId: Id | None
    externalStatus: ClusterStatus
    operationId: Id | None
    kind: Literal["provisioned", "self_registered"]
    kubernetesVersion: str
    nodeGroups: list[NodeGroup]
    endpoint: str | None
    statusMessage: str | None


class ClusterRow(Schema):
    id: Id
    externalClusterId: str | None
    connectionId: Id | None
    teamIds: list[Id]


def cluster_data(cluster: ClusterRecord) -> dict:
    return {
        "id": cluster.id,
        "name": cluster.name,
        "externalClusterId": cluster.external_cluster_id,
        "region": cluster.region,
        "connectionId": cluster.connection_id,
        "networkId": cluster.network_id,
        "externalStatus": cluster.external_status,
        "operationId": cluster.operation_id,
        "kind": cluster.kind,
        "kubernetesVersion": cluster.kubernetes_version,
        "nodeGroups": cluster.node_groups,
        "endpoint": cluster.endpoint,
        "statusMessage": cluster.status_message,
        **audit_data(cluster),
    }


def cluster_row_data(cluster: ClusterRecord, team_ids: list[str]) -> dict:
    return {
        "id": cluster.id,
        "externalClusterId": cluster.external_cluster_id,
        "connectionId": cluster.connection_id,
        "teamIds": team_ids,
    }
