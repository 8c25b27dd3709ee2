"""/infra/connections (contract §3.15): connected AWS accounts, their template, verification and discovery."""

import json

from django.http import HttpResponse
from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import MarkerQuery, marker_page, marker_position
from localplatform.api.shapes import connections as shapes
from localplatform.api.shapes.common import Id, Items, errors
from localplatform.api.shapes.infra import cluster_data, connection_data, network_data
from localplatform.api.shapes.operations import AsyncAccepted, async_accepted_data, operation_data
from localplatform.errors import PlatformError
from localplatform.infra import connections
from localplatform.infra.models import Cluster, Network
from localplatform.paging import newest_first

router = Router(tags=["connections"], auth=BearerAuth())


def connection_detail(connection) -> dict:
    """ConnectionDetail: the connection with the networks and provisioned clusters built in it."""
    networks = list(Network.objects.filter(connection=connection).order_by("name", "id"))
    clusters = list(Cluster.objects.filter(connection=connection).order_by("name", "id"))
    operations = connections.latest_operations([connection, *networks, *clusters])
    return {
        "connection": connection_data(connection),
        "networkIds": [n.id for n in networks],
        "clusterIds": [c.id for c in clusters],
        "catalogIds": [],
        "included": {
            "networks": [network_data(n) for n in networks],
            "clusters": [cluster_data(c) for c in clusters],
            "catalogs": [],
            "operations": [operation_data(o) for o in operations],
        },
    }


def found(request, connection: str, relation: str = "CanViewInfrastructure"):
    """The caller's connection once they hold `relation` (connections have no teams: org roles only)."""
    request.auth.require(relation)
    return connections.get_connection(request.auth.organization, connection)


@router.get(
    "/infra/connections",
    response={200: shapes.ConnectionPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List cloud accounts",
)
def list_connections(request, query: Query[MarkerQuery]):
    """Lists the organization's cloud-account connections, newest first, with each one's latest operation."""
    request.auth.require("CanViewInfrastructure")
    rows, more = newest_first(connections.connections(request.auth.organization), marker_position(query), query.limit)
    included = {"operations": [operation_data(o) for o in connections.latest_operations(rows)]}
    return marker_page(query, [connection_data(c) for c in rows], rows, more, included)


@router.post(
    "/infra/connections",
    response={201: shapes.ConnectionCreated, **errors(400, 401, 403, 409, 422)},
    summary="Create a cloud account",
)
def create_connection(request, body: shapes.ConnectionCreate):
    """Registers an AWS account and returns the CloudFormation template that deploys LakeSail's role in it."""
    actor = request.auth
    actor.require("CanManageInfrastructure")
    connection = connections.create_connection(
        actor.organization,
        actor.member,
        name=body.name,
        region=body.region,
        account_id=body.accountId,
        iam_role_name=body.iamRoleName,
    )
    body_out = {"connection": connection_data(connection), "template": connections.template(connection)}
    return Status(201, body_out)


@router.get(
    "/infra/connections/{connection}",
    response={200: shapes.ConnectionDetail, **errors(400, 401, 403, 404)},
    summary="Describe a cloud account",
)
def describe_connection(request, connection: Id):
    """Shows a connection with the networks and clusters that depend on it."""
    return connection_detail(found(request, connection))


@router.patch(
    "/infra/connections/{connection}",
    response={200: shapes.ConnectionDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a cloud account",
)
def update_connection(request, connection: Id, body: shapes.ConnectionUpdate):
    """Renames a connection."""
    record = found(request, connection, "CanManageInfrastructure")
    if body.name is not None:
        record = connections.rename_connection(record, request.auth.member, body.name)
    return connection_detail(record)


@router.delete(
    "/infra/connections/{connection}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Delete a cloud account",
)
def delete_connection(request, connection: Id):
    """Deletes a connection whose networks and clusters are all destroyed."""
    connections.delete_connection(found(request, connection, "CanManageInfrastructure"))
    return Status(204, None)


@router.get(
    "/infra/connections/{connection}/instance-types",
    response={200: Items[shapes.InstanceType], **errors(400, 401, 403, 404, 409, 422)},
    summary="List available cloud instance types",
)
def list_instance_types(request, connection: Id, query: Query[shapes.InstanceTypeQuery]):
    """Lists the EC2 instance types of a region, by vCPUs then memory; compute-profile authors may read it too."""
    actor = request.auth
    if not (
        actor.can("CanViewInfrastructure")
        or (actor.access and actor.access.has_in_any_team("CanManageWorkloadConfigs"))
    ):
        raise PlatformError("permission_denied")
    record = connections.get_connection(actor.organization, connection)
    if record.status not in ("active", "updating"):
        raise PlatformError("invalid_state", "The connection is not active: verify it first.")
    items = connections.instance_types(
        query.region or record.region,
        architecture=query.architecture,
        min_vcpus=query.minVcpus,
        min_memory_mib=query.minMemoryMiB,
        limit=query.limit,
    )
    return {"items": items}


@router.get(
    "/infra/connections/{connection}/regions",
    response={200: Items[shapes.Region], **errors(400, 401, 403, 404)},
    summary="List available cloud provider regions",
)
def list_regions(request, connection: Id):
    """Lists the regions where networks and clusters can be provisioned."""
    found(request, connection)
    return {"items": connections.regions()}


@router.post(
    "/infra/connections/{connection}/template/sync",
    response={202: AsyncAccepted, **errors(400, 401, 403, 404, 409)},
    summary="Sync cloud account IaC template",
)
def sync_connection_template(request, connection: Id):
    """Updates the deployed CloudFormation stack to the latest template, asynchronously."""
    record = found(request, connection, "CanManageInfrastructure")
    operation = connections.sync_template(record, request.auth.member)
    return Status(202, async_accepted_data(operation))


@router.get(
    "/infra/connections/{connection}/template",
    response={200: shapes.ConnectionTemplate, **errors(400, 401, 403, 404)},
    summary="Get connection template",
)
def describe_connection_template(request, connection: Id):
    """Returns the template URL, the quick-create link and the stack parameters."""
    return connections.template(found(request, connection, "CanManageInfrastructure"))


@router.get(
    "/infra/connections/{connection}/template/download",
    response={200: dict, **errors(400, 401, 403, 404)},
    summary="Download connection template",
)
def download_connection_template(request, connection: Id):
    """Returns the CloudFormation template as a file, its parameter defaults filled in."""
    filename, document = connections.template_file(found(request, connection, "CanManageInfrastructure"))
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post(
    "/infra/connections/{connection}/verify",
    response={200: shapes.ConnectionVerification, **errors(400, 401, 403, 404, 409, 422)},
    summary="Verify a cloud account",
)
def verify_connection(request, connection: Id, body: shapes.VerifyInput | None = None):
    """Checks that the stack is deployed and the role can be assumed; a failed check still answers 200."""
    record = found(request, connection, "CanManageInfrastructure")
    hints = body or shapes.VerifyInput(stackArn=None, roleArn=None)
    result = connections.verify_connection(
        record, request.auth.member, stack_arn=hints.stackArn, role_arn=hints.roleArn
    )
    return {**result, "connection": connection_data(result["connection"])}
