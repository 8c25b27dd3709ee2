"""Wire shapes of the networks operations (contract §3.16): inputs and envelopes; entities in shapes/infra.py."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from localplatform.api.shapes.common import Input
from localplatform.api.shapes.infra import Connection, Network
from localplatform.api.shapes.operations import Operation


class NetworkConfigIn(Input):
    cidr: str | None = Field(None, max_length=18)


class NetworkCreate(Input):
    name: str = Field(min_length=1, max_length=255)
    region: str | None = Field(None, max_length=32)
    config: NetworkConfigIn | None = None


class NetworkUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=255)


class RegionQuery(Schema):
    region: str | None = None


class Subnet(Schema):
    subnetId: str
    cidr: str
    availabilityZone: str
    public: bool


class ProviderNetwork(Schema):
    provider: Literal["AWS"]
    vpcId: str
    cidr: str
    name: str | None
    azCount: int
    state: str
    tags: dict[str, str]
    subnets: list[Subnet]


class NetworkOperations(Schema):
    operations: list[Operation]


class NetworksIncluded(NetworkOperations):
    connections: list[Connection]


class NetworkPage(Schema):
    """MarkerPage<Network, { connections, operations }>."""

    items: list[Network]
    marker: str | None = None
    included: NetworksIncluded


class ConnectionNetworkPage(Schema):
    """MarkerPage<Network, { operations }>."""

    items: list[Network]
    marker: str | None = None
    included: NetworkOperations


class NetworkDetail(Schema):
    network: Network
    included: NetworksIncluded
