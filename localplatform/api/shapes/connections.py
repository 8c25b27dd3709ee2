"""Wire shapes of /infra/connections (contract §3.15): inputs and envelopes; the entities are in shapes/infra.py."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from localplatform.api.shapes.common import Id, Input, Timestamp
from localplatform.api.shapes.infra import Cluster, Connection, Network
from localplatform.api.shapes.operations import Operation


class ConnectionCreate(Input):
    name: str = Field(min_length=1, max_length=255)
    provider: Literal["AWS"]
    region: str = Field(max_length=32)
    accountId: str = Field(max_length=12)
    iamRoleName: str | None = Field(None, min_length=1, max_length=64)


class ConnectionUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=255)


class VerifyInput(Input):
    stackArn: str | None = Field(None, max_length=255)
    roleArn: str | None = Field(None, max_length=255)


class InstanceTypeQuery(Schema):
    region: str | None = None
    limit: int = Field(100, ge=0, le=100)
    architecture: Literal["x86_64", "arm64"] | None = None
    minVcpus: int | None = Field(None, ge=1)
    minMemoryMiB: int | None = Field(None, ge=1)


class TemplateParameters(Schema):
    IamRoleName: str
    IamPermissionBoundaryName: str
    LakeSailAccountID: str
    LakeSailVPCID: str
    LakeSailTenantID: str
    LakeSailConnectionID: str
    LakeSailExternalID: str | None
    LakeSailPrincipal: str


class ConnectionTemplate(Schema):
    connectionId: Id
    provider: Literal["AWS"]
    region: str
    stackName: str
    templateUrl: str
    templateVersion: str
    quickCreateUrl: str
    parameters: TemplateParameters


class ConnectionCreated(Schema):
    connection: Connection
    template: ConnectionTemplate


class Check(Schema):
    name: Literal["assume_role", "permission_boundary", "stack_outputs", "region_enabled"]
    status: Literal["passed", "failed"]
    message: str | None


class ConnectionVerification(Schema):
    verified: bool
    checkedAt: Timestamp
    checks: list[Check]
    connection: Connection


class InstanceType(Schema):
    provider: Literal["AWS"]
    instanceType: str
    vCpus: int
    memoryMiB: int
    architecture: Literal["x86_64", "arm64"]
    gpuCount: int
    instanceFamily: str
    maxPods: int
    group: str
    allocatableMilliCpu: int


class Region(Schema):
    provider: Literal["AWS"]
    region: str
    name: str
    available: bool


class ConnectionsIncluded(Schema):
    operations: list[Operation]


class ConnectionPage(Schema):
    """MarkerPage<Connection, { operations }>: each connection's latest operation."""

    items: list[Connection]
    marker: str | None = None
    included: ConnectionsIncluded


class ConnectionDetailIncluded(Schema):
    networks: list[Network]
    clusters: list[Cluster]
    catalogs: list[dict]
    operations: list[Operation]


class ConnectionDetail(Schema):
    connection: Connection
    networkIds: list[Id]
    clusterIds: list[Id]
    catalogIds: list[Id]
    included: ConnectionDetailIncluded
