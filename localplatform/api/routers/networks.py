"""The networks operations (contract §3.16): managed VPCs in connected accounts, built by Operations."""

from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import MarkerQuery, marker_page, marker_position
from localplatform.api.shapes import networks as shapes
from localplatform.api.shapes.common import Id, Items, errors
from localplatform.api.shapes.infra import connection_data, network_data
from localplatform.api.shapes.operations import AsyncAccepted, async_accepted_data, operation_data
from localplatform.errors import PlatformError
from localplatform.infra import connections, networks
from localplatform.infra.models import Connection
from localplatform.paging import newest_first

router = Router(tags=["networks"], auth=BearerAuth())


def network_detail(network) -> dict:
    """NetworkDetail: the network, its connection and its latest operation."""
    operations = connections.latest_operations([network])
    return {
        "network": network_data(network),
        "included": {
            "connections": [connection_data(network.connection)],
            "operations": [operation_data(o) for o in operations],
        },
    }


def account(request, connection: str, relation: str = "CanViewInfrastructure") -> Connection:
    """The caller's connection once they hold `relation` (networks have no teams: org roles only)."""
    request.auth.require(relation)
    return connections.get_connection(request.auth.organization, connection)


def in_account(request, connection: str, network: str, relation: str = "CanViewInfrastructure"):
    return networks.get_network(request.auth.organization, network, account(request, connection, relation))


@router.get(
    "/infra/connections/{connection}/provider-networks",
    response={200: Items[shapes.ProviderNetwork], **errors(400, 401, 403, 404, 409, 422)},
    summary="List available cloud provider networks",
)
def list_provider_networks(request, connection: Id, query: Query[shapes.RegionQuery]):
    """Lists the VPCs and subnets that exist in the connected account's region."""
    record = account(request, connection)
    if record.status not in (Connection.ACTIVE, Connection.UPDATING):
        raise PlatformError("invalid_state", "The cloud account is not active: verify it first.")
    return {"items": networks.provider_networks(record, query.region or record.region)}


@router.get(
    "/infra/networks",
    response={200: shapes.NetworkPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List cloud networks",
)
def list_networks(request, query: Query[MarkerQuery]):
    """Lists every managed network across the organization's connections, newest first."""
    request.auth.require("CanViewInfrastructure")
    found = networks.networks(request.auth.organization).select_related("connection")
    rows, more = newest_first(found, marker_position(query), query.limit)
    accounts = {n.connection_id: n.connection for n in rows}.values()
    included = {
        "connections": [connection_data(c) for c in sorted(accounts, key=lambda c: (c.name.lower(), c.id))],
        "operations": [operation_data(o) for o in connections.latest_operations(rows)],
    }
    return marker_page(query, [network_data(n) for n in rows], rows, more, included)


@router.delete(
    "/infra/networks/{network}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Delete a cloud network record",
)
def delete_network(request, network: Id):
    """Deletes the record of a network that was never built or has been destroyed."""
    request.auth.require("CanManageInfrastructure")
    networks.delete_network(networks.get_network(request.auth.organization, network))
    return Status(204, None)


@router.get(
    "/infra/connections/{connection}/networks",
    response={200: shapes.ConnectionNetworkPage, **errors(400, 401, 403, 404)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List cloud networks by connection",
)
def list_connection_networks(request, connection: Id, query: Query[MarkerQuery]):
    """Lists the managed networks of one connection, newest first."""
    record = account(request, connection)
    rows, more = newest_first(networks.networks(record.organization, record), marker_position(query), query.limit)
    included = {"operations": [operation_data(o) for o in connections.latest_operations(rows)]}
    return marker_page(query, [network_data(n) for n in rows], rows, more, included)


@router.post(
    "/infra/connections/{connection}/networks",
    response={201: shapes.NetworkDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Create a cloud network",
)
def create_network(request, connection: Id, body: shapes.NetworkCreate):
    """Creates a network record in pending; provisioning builds it."""
    record = account(request, connection, "CanManageInfrastructure")
    cidr = body.config.cidr if body.config else None
    network = networks.create_network(record, request.auth.member, name=body.name, region=body.region, cidr=cidr)
    return Status(201, network_detail(network))


@router.get(
    "/infra/connections/{connection}/networks/{network}",
    response={200: shapes.NetworkDetail, **errors(400, 401, 403, 404)},
    summary="Describe a cloud network",
)
def describe_network(request, connection: Id, network: Id):
    """Shows a network's VPC settings, IaC state and outputs, and its provisioning status."""
    return network_detail(in_account(request, connection, network))


@router.post(
    "/infra/connections/{connection}/networks/{network}/destroy",
    response={202: AsyncAccepted, **errors(400, 401, 403, 404, 409)},
    summary="Destroy a cloud network",
)
def destroy_network(request, connection: Id, network: Id):
    """Tears down the network's cloud resources and keeps the record as destroyed."""
    record = in_account(request, connection, network, "CanManageInfrastructure")
    return Status(202, async_accepted_data(networks.destroy_network(record, request.auth.member)))


@router.patch(
    "/infra/connections/{connection}/networks/{network}",
    response={200: shapes.NetworkDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a cloud network",
)
def update_network(request, connection: Id, network: Id, body: shapes.NetworkUpdate):
    """Renames a network."""
    record = in_account(request, connection, network, "CanManageInfrastructure")
    if body.name is not None:
        record = networks.rename_network(record, request.auth.member, body.name)
    return network_detail(record)


@router.post(
    "/infra/connections/{connection}/networks/{network}/provision",
    response={202: AsyncAccepted, **errors(400, 401, 403, 404, 409)},
    summary="Provision a cloud network",
)
def provision_network(request, connection: Id, network: Id):
    """Starts building a pending network: provisioning, then active or failed."""
    record = in_account(request, connection, network, "CanManageInfrastructure")
    return Status(202, async_accepted_data(networks.provision_network(record, request.auth.member)))
