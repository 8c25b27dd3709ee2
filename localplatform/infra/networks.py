"""Networks (contract §3.16): managed VPCs in a connected account, provisioned and destroyed by Operations.

The lifecycle is §2.10's: pending ─provision─► provisioning ─► active ─destroy─► destroying ─► destroyed, and any
running operation's failure ─► failed (which may be destroyed). Only pending and destroyed records can be deleted.
"""

import hashlib
import ipaddress

from django.db import transaction
from django.utils import timezone

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.events import emit
from localplatform.infra import aws, simulation
from localplatform.infra.connections import check_region
from localplatform.infra.models import Cluster, Connection, Network, Operation
from localplatform.infra.services import save_named

DEFAULT_CIDR = "10.0.0.0/16"
PRIVATE = [ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def get_network(organization, network_id: str, connection: Connection | None = None) -> Network:
    """The organization's network (in `connection` when given), or 404."""
    found = Network.objects.filter(organization=organization, pk=network_id)
    if connection is not None:
        found = found.filter(connection=connection)
    network = found.select_related("connection").first()
    if network is None:
        raise not_found("network")
    return network


def networks(organization, connection: Connection | None = None):
    found = Network.objects.filter(organization=organization)
    return found.filter(connection=connection) if connection is not None else found


def parse_cidr(cidr: str) -> ipaddress.IPv4Network:
    """An IPv4 private network address from /16 to /24, or 422 at config.cidr."""
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError:
        raise invalid({"config.cidr": f"“{cidr}” is not a network address such as 10.0.0.0/16."}) from None
    if not isinstance(network, ipaddress.IPv4Network) or not 16 <= network.prefixlen <= 24:
        raise invalid({"config.cidr": "Use an IPv4 block from /16 to /24."})
    if not any(network.subnet_of(block) for block in PRIVATE):
        raise invalid({"config.cidr": "Use a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16."})
    return network


def create_network(connection: Connection, member, *, name: str, region=None, cidr=None) -> Network:
    """A pending network record in an active connection; building it is `provision_network`."""
    if connection.status != Connection.ACTIVE:
        raise PlatformError("invalid_state", "The cloud account is not active: verify it first.")
    name = name.strip()
    if not name:
        raise invalid({"name": "Enter a name."})
    region = region or connection.region
    check_region(region)
    block = parse_cidr(cidr or DEFAULT_CIDR)
    network = Network(
        organization_id=connection.organization_id,
        connection=connection,
        name=name,
        region=region,
        cidr=str(block),
        status_message="Not provisioned yet.",
        created_by=member.id if member else None,
        updated_by=member.id if member else None,
    )
    return save_named(network)


def rename_network(network: Network, member, name: str) -> Network:
    name = name.strip()
    if not name:
        raise invalid({"name": "Enter a name."})
    network.name, network.updated_by, network.updated_at = name, member.id, timezone.now()
    return save_named(network)


def delete_network(network: Network) -> None:
    if network.status not in (Network.PENDING, Network.DESTROYED):
        raise PlatformError("invalid_state", "Only a network that is pending or destroyed can be deleted; destroy it.")
    with transaction.atomic():
        Cluster.objects.filter(network=network, external_status=Cluster.DESTROYED).delete()
        network.delete()


def subnets(network: Network) -> list[dict]:
    """Three public and three private subnets, one of each per availability zone, carved from the CIDR."""
    block = ipaddress.ip_network(network.cidr)
    size = min(block.prefixlen + 3, 28)
    pieces = list(block.subnets(new_prefix=size))
    result = []
    for index, zone in enumerate(aws.AVAILABILITY_ZONES):
        for public, piece in ((True, pieces[index]), (False, pieces[index + 3])):
            result.append(
                {
                    "subnetId": _aws_id("subnet", network.id, zone, str(public)),
                    "cidr": str(piece),
                    "availabilityZone": f"{network.region}{zone}",
                    "public": public,
                }
            )
    return result


def _aws_id(prefix: str, *parts: str) -> str:
    """A stable AWS-looking id ("vpc-0a1b…", 17 hex digits) for a simulated resource."""
    return f"{prefix}-0" + hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]


def _urn(network: Network, kind: str, name: str) -> str:
    return f"urn:pulumi:network-{network.id.lower()}::lakesail::{kind}::{name}"


def _plan(network: Network, operation: str) -> list[dict]:
    """The stages that build (or, reversed, tear down) the VPC and what it holds."""

    def resource(kind: str, name: str) -> dict:
        return {"urn": _urn(network, kind, name), "type": kind, "name": name, "operation": operation}

    zones = [f"{network.region}{zone}" for zone in aws.AVAILABILITY_ZONES]
    stages = [
        ("vpc", "the VPC", 20, [resource("aws:ec2/vpc:Vpc", "main")]),
        (
            "subnets",
            "public and private subnets in three availability zones",
            40,
            [resource("aws:ec2/subnet:Subnet", f"{side}-{zone}") for zone in zones for side in ("public", "private")],
        ),
        (
            "gateways",
            "the internet gateway and the NAT gateway",
            90,
            [
                resource("aws:ec2/internetGateway:InternetGateway", "igw"),
                resource("aws:ec2/eip:Eip", "nat"),
                resource("aws:ec2/natGateway:NatGateway", "nat"),
            ],
        ),
        (
            "routing",
            "route tables",
            25,
            [resource("aws:ec2/routeTable:RouteTable", name) for name in ("public", "private")],
        ),
        ("endpoints", "the S3 gateway endpoint", 20, [resource("aws:ec2/vpcEndpoint:VpcEndpoint", "s3")]),
    ]
    verb = "Creating" if operation == "create" else "Deleting"
    if operation == "delete":
        stages.reverse()
    return [
        {"stage": stage, "message": f"{verb} {what} (simulated).", "seconds": seconds, "resources": resources}
        for stage, what, seconds, resources in stages
    ]


def provision_network(network: Network, member) -> Operation:
    """Start building a pending network: provisioning ─► active, or failed (§3.16.9)."""
    if network.status != Network.PENDING:
        raise PlatformError("invalid_state", f"Only a pending network can be provisioned; it is {network.status}.")
    return _begin(network, member, "network.provision", "create", Network.PROVISIONING, "Provisioning the VPC")


def destroy_network(network: Network, member) -> Operation:
    """Tear the network down, keeping the record as destroyed (§3.16.7)."""
    if network.status not in (Network.ACTIVE, Network.FAILED):
        raise PlatformError("invalid_state", f"Only an active or failed network can be destroyed ({network.status}).")
    if Cluster.objects.filter(network=network).exclude(external_status=Cluster.DESTROYED).exists():
        raise PlatformError("in_use", "Destroy the clusters in this network first.")
    return _begin(network, member, "network.destroy", "delete", Network.DESTROYING, "Destroying the VPC")


def _begin(network: Network, member, kind: str, action: str, status: str, doing: str) -> Operation:
    with transaction.atomic():
        operation = simulation.start_for(network, member, kind, "network", _plan(network, action))
        network.status, network.operation = status, operation
        network.status_message = f"{doing} (simulated)."
        network.updated_at, network.updated_by = timezone.now(), member.id if member else None
        network.save()
    return operation


@simulation.finisher("network.provision")
def _provisioned(operation: Operation) -> None:
    network = Network.objects.filter(pk=operation.resource_id).first()
    if network is None:
        return
    if operation.status == Operation.SUCCEEDED:
        found = subnets(network)
        network.status, network.provider_network_id = Network.ACTIVE, _aws_id("vpc", network.id)
        network.iac_state = {"projectName": "lakesail", "stackName": f"network-{network.id.lower()}"}
        network.iac_outputs = {
            "vpcId": network.provider_network_id,
            "vpcCidr": network.cidr,
            "publicSubnetIds": ",".join(s["subnetId"] for s in found if s["public"]),
            "privateSubnetIds": ",".join(s["subnetId"] for s in found if not s["public"]),
            "internetGatewayId": _aws_id("igw", network.id),
            "natGatewayId": _aws_id("nat", network.id),
            "s3EndpointId": _aws_id("vpce", network.id),
        }
        network.status_message = "Provisioned (simulated)."
        _event(network, "network.provisioned", {})
    else:
        _failed(network, operation)
    network.updated_at = operation.completed_at or timezone.now()
    network.save()


@simulation.finisher("network.destroy")
def _destroyed(operation: Operation) -> None:
    network = Network.objects.filter(pk=operation.resource_id).first()
    if network is None:
        return
    if operation.status == Operation.SUCCEEDED:
        network.status, network.iac_outputs = Network.DESTROYED, {}
        network.status_message = "Destroyed; the VPC and everything in it were deleted (simulated)."
        _event(network, "network.destroyed", {})
    else:
        _failed(network, operation)
    network.updated_at = operation.completed_at or timezone.now()
    network.save()


def _failed(network: Network, operation: Operation) -> None:
    stage = simulation.stage_name(operation)
    message = (operation.error or {}).get("message", "")
    network.status = Network.FAILED
    network.status_message = f"Failed at the {stage} stage: {message}"
    _event(network, "network.failed", {"operation": operation.operation, "stage": stage, "message": message})


def _event(network: Network, kind: str, data: dict) -> None:
    data = {"networkId": network.id, "connectionId": network.connection_id, "region": network.region, **data}
    emit(network.organization_id, kind, "network", network.id, network.name, data=data)


def provider_networks(connection: Connection, region: str) -> list[dict]:
    """The VPCs in the account's region: the default VPC and each managed network that exists there (§3.16.1)."""
    check_region(region)
    default_subnets = [
        {
            "subnetId": _aws_id("subnet", connection.account_id, region, zone),
            "cidr": f"172.31.{index * 16}.0/20",
            "availabilityZone": f"{region}{zone}",
            "public": True,
        }
        for index, zone in enumerate(aws.AVAILABILITY_ZONES)
    ]
    found: list[dict] = [
        {
            "provider": "AWS",
            "vpcId": _aws_id("vpc", connection.account_id, region),
            "cidr": "172.31.0.0/16",
            "name": None,
            "azCount": len(aws.AVAILABILITY_ZONES),
            "state": "available",
            "tags": {},
            "subnets": default_subnets,
        }
    ]
    built = Network.objects.filter(connection=connection, region=region, status__in=[Network.ACTIVE, Network.FAILED])
    for network in built.exclude(provider_network_id=None).order_by("created_at", "id"):
        found.append(
            {
                "provider": "AWS",
                "vpcId": network.provider_network_id,
                "cidr": network.cidr,
                "name": network.name,
                "azCount": len(aws.AVAILABILITY_ZONES),
                "state": "available",
                "tags": {"Name": network.name, "lakesail:network": network.id},
                "subnets": subnets(network),
            }
        )
    return found
