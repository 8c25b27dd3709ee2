"""Cloud-account connections (contract §3.15): register an AWS account, deploy its role, verify, sync, discover.

AWS is simulated (§7): verification runs its four checks against this record (a check fails when a test or the
demo injected a failure naming it, `simulation.inject_failure(connection, "assume_role")`), and the template sync
and instance-type discovery are Operations on the simulation's clock.
"""

import re
import uuid
from urllib.parse import quote, urlencode

from django.db import transaction
from django.utils import timezone

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.events import emit
from localplatform.infra import aws, simulation
from localplatform.infra.models import Cluster, Connection, Network, Operation
from localplatform.infra.services import save_named

CHECKS = ("assume_role", "permission_boundary", "stack_outputs", "region_enabled")
ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
ROLE_ARN = re.compile(r"^arn:aws:iam::[0-9]{12}:role/[\w+=,.@/-]{1,64}$")
STACK_ARN = re.compile(r"^arn:aws:cloudformation:[a-z0-9-]+:[0-9]{12}:stack/[A-Za-z][A-Za-z0-9-]{0,127}/[0-9a-f-]{36}$")

DISCOVER_PLAN = [
    {
        "stage": "describe-regions",
        "message": "Listing the account's enabled regions (simulated).",
        "seconds": 4,
        "resources": [{"urn": "aws:ec2:regions", "type": "aws:ec2:Regions", "name": "regions", "operation": "same"}],
    },
    {
        "stage": "describe-instance-types",
        "message": "Listing the instance types offered in the region (simulated).",
        "seconds": 8,
        "resources": [
            {
                "urn": "aws:ec2:instance-types",
                "type": "aws:ec2:InstanceTypes",
                "name": "instance types",
                "operation": "same",
            }
        ],
    },
]
SYNC_PLAN = [
    {
        "stage": "update-stack",
        "message": f"Updating the CloudFormation stack to template {aws.TEMPLATE_VERSION} (simulated).",
        "seconds": 45,
        "resources": [
            {"urn": "aws:iam:permission-boundary", "type": "AWS::IAM::ManagedPolicy", "name": "PermissionBoundary",
             "operation": "update"},
            {"urn": "aws:iam:role", "type": "AWS::IAM::Role", "name": "LakeSailRole", "operation": "same"},
        ],
    },
]  # fmt: skip


def get_connection(organization, connection_id: str) -> Connection:
    connection = Connection.objects.filter(organization=organization, pk=connection_id).first()
    if connection is None:
        raise not_found("connection")
    return connection


def connections(organization):
    return Connection.objects.filter(organization=organization)


def latest_operations(rows) -> list[Operation]:
    """Each row's latest operation (its `operation` link), one query."""
    ids = {row.operation_id for row in rows} - {None}
    return list(Operation.objects.filter(pk__in=ids).order_by("-created_at", "id"))


def check_region(region: str, field: str = "region") -> None:
    if region not in aws.REGIONS:
        raise invalid({field: f"“{region}” is not an AWS region LakeSail supports."})
    if not aws.region_available(region):
        raise invalid({field: f"{region} is an opt-in region that is not enabled for LakeSail."})


def create_connection(organization, member, *, name: str, region: str, account_id: str, iam_role_name=None):
    """A pending connection; its template carries the external id until a verification passes."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name."
    if not ACCOUNT_ID.match(account_id or ""):
        errors["accountId"] = "An AWS account id is 12 digits."
    if errors:
        raise invalid(errors)
    check_region(region)
    if iam_role_name is not None and not re.match(r"^[\w+=,.@-]{1,64}$", iam_role_name):
        raise invalid({"iamRoleName": "Use up to 64 letters, digits and + = , . @ _ -."})
    connection = Connection(
        organization=organization,
        name=name,
        account_id=account_id,
        region=region,
        external_id=str(uuid.uuid4()),
        status_message="Waiting for the CloudFormation stack to be deployed (simulated).",
        created_by=member.id if member else None,
        updated_by=member.id if member else None,
    )
    connection.iam_role_name = iam_role_name or f"LakeSail-{connection.id}"
    return save_named(connection)


def rename_connection(connection: Connection, member, name: str) -> Connection:
    name = name.strip()
    if not name:
        raise invalid({"name": "Enter a name."})
    connection.name, connection.updated_by, connection.updated_at = name, member.id, timezone.now()
    return save_named(connection)


def delete_connection(connection: Connection) -> None:
    """Refused while a network or cluster of it still exists in the account (409 in_use)."""
    live = Network.objects.filter(connection=connection).exclude(status=Network.DESTROYED).exists() or (
        Cluster.objects.filter(connection=connection).exclude(external_status=Cluster.DESTROYED).exists()
    )
    if live:
        raise PlatformError("in_use", "Destroy this account's networks and clusters before deleting the connection.")
    with transaction.atomic():
        Cluster.objects.filter(connection=connection).delete()
        Network.objects.filter(connection=connection).delete()
        connection.delete()


def stack_name(connection: Connection) -> str:
    return f"lakesail-connection-{connection.id.lower()}"


def template(connection: Connection) -> dict:
    """ConnectionTemplate (§2.5): the stack parameters and the AWS console's quick-create link."""
    parameters = {
        "IamRoleName": connection.iam_role_name,
        "IamPermissionBoundaryName": aws.PERMISSION_BOUNDARY,
        "LakeSailAccountID": aws.LAKESAIL_ACCOUNT_ID,
        "LakeSailVPCID": aws.LAKESAIL_VPC_ID,
        "LakeSailTenantID": connection.organization_id,
        "LakeSailConnectionID": connection.id,
        "LakeSailExternalID": connection.external_id if connection.verified_at is None else None,
        "LakeSailPrincipal": aws.LAKESAIL_PRINCIPAL,
    }
    query = {"templateURL": aws.TEMPLATE_URL, "stackName": stack_name(connection)}
    query |= {f"param_{key}": value for key, value in parameters.items() if value is not None}
    region = connection.region
    return {
        "connectionId": connection.id,
        "provider": "AWS",
        "region": region,
        "stackName": stack_name(connection),
        "templateUrl": aws.TEMPLATE_URL,
        "templateVersion": aws.TEMPLATE_VERSION,
        "quickCreateUrl": f"https://{region}.console.aws.amazon.com/cloudformation/home?region={region}"
        f"#/stacks/quickcreate?{urlencode(query, quote_via=quote)}",
        "parameters": parameters,
    }


def template_file(connection: Connection) -> tuple[str, dict]:
    """The file name and CloudFormation document of the connection's template, Defaults pre-filled."""
    return f"lakesail-connection-{connection.id}.template.json", aws.template_document(
        template(connection)["parameters"]
    )


def verify_connection(connection: Connection, member, *, stack_arn=None, role_arn=None) -> dict:
    """Run the four checks; passing all makes the connection active and starts discovery (§3.15.11)."""
    if connection.status == Connection.UPDATING:
        raise PlatformError("invalid_state", "The connection's template is being synced; verify it afterwards.")
    errors = {}
    if stack_arn and not STACK_ARN.match(stack_arn):
        errors["stackArn"] = "Not a CloudFormation stack ARN (arn:aws:cloudformation:<region>:<account>:stack/…)."
    if role_arn and not ROLE_ARN.match(role_arn):
        errors["roleArn"] = "Not an IAM role ARN (arn:aws:iam::<account>:role/<name>)."
    if errors:
        raise invalid(errors)
    now = timezone.now()
    failing, message = connection.sim_fail_stage, connection.sim_fail_message
    checks = [_check(name, connection, failing, message, role_arn, stack_arn) for name in CHECKS]
    verified = all(check["status"] == "passed" for check in checks)
    connection.sim_fail_stage = connection.sim_fail_message = None
    connection.updated_at, connection.updated_by = now, member.id if member else None
    if verified:
        connection.status, connection.verified_at = Connection.ACTIVE, connection.verified_at or now
        connection.role_arn = role_arn or f"arn:aws:iam::{connection.account_id}:role/{connection.iam_role_name}"
        connection.stack_arn = (
            stack_arn
            or connection.stack_arn
            or (
                f"arn:aws:cloudformation:{connection.region}:{connection.account_id}:stack/"
                f"{stack_name(connection)}/{uuid.uuid4()}"
            )
        )
        connection.external_id_secret_arn = (
            f"arn:aws:secretsmanager:{connection.region}:{aws.LAKESAIL_ACCOUNT_ID}:secret:"
            f"lakesail/connections/{connection.id.lower()}/external-id"
        )
        connection.status_message = "Verified: LakeSail can assume the role (simulated)."
        with transaction.atomic():
            connection.save()
            operation = simulation.start_for(connection, member, "connection.discover", "connection", DISCOVER_PLAN)
            connection.operation = operation
            connection.save(update_fields=["operation"])
            _event(connection, "connection.verified", {"checks": [c["name"] for c in checks]})
    else:
        first = next(check for check in checks if check["status"] == "failed")
        connection.status = Connection.FAILED
        connection.status_message = f"Verification failed at {first['name']}: {first['message']}"
        with transaction.atomic():
            connection.save()
            _event(connection, "connection.failed", {"check": first["name"], "message": first["message"]})
    return {"verified": verified, "checkedAt": now, "checks": checks, "connection": connection}


def _check(name: str, connection: Connection, failing, message, role_arn, stack_arn) -> dict:
    """One named check: passes unless it is the injected failure or a hint names another account."""
    accounts = {arn.split(":")[4] for arn in (role_arn, stack_arn) if arn}
    if name == "assume_role" and accounts - {connection.account_id}:
        return {"name": name, "status": "failed", "message": "The ARNs given belong to another AWS account."}
    if name == failing:
        return {"name": name, "status": "failed", "message": message or FAILURES[name].format(c=connection)}
    return {"name": name, "status": "passed", "message": None}


FAILURES = {
    "assume_role": "LakeSail could not assume role {c.iam_role_name}: the stack is not deployed or the external id "
    "does not match (simulated).",
    "permission_boundary": f"The role has no {aws.PERMISSION_BOUNDARY} permission boundary (simulated).",
    "stack_outputs": "The stack has no RoleArn output: deploy the template's current version (simulated).",
    "region_enabled": "Region {c.region} is not enabled in this account (simulated).",
}


def sync_template(connection: Connection, member) -> Operation:
    """Update the deployed stack to the current template, asynchronously (§3.15.8)."""
    if connection.status != Connection.ACTIVE or not connection.stack_arn:
        raise PlatformError("invalid_state", "Only an active connection with a deployed stack can be synced.")
    with transaction.atomic():
        operation = simulation.start_for(connection, member, "connection.template_sync", "connection", SYNC_PLAN)
        connection.status, connection.operation = Connection.UPDATING, operation
        connection.status_message = "Updating the CloudFormation stack (simulated)."
        connection.updated_at, connection.updated_by = timezone.now(), member.id if member else None
        connection.save()
    return operation


@simulation.finisher("connection.discover")
def _discovered(operation: Operation) -> None:
    connection = Connection.objects.filter(pk=operation.resource_id).first()
    if connection is None or operation.status != Operation.SUCCEEDED:
        return
    operation.result = {"items": list(aws.INSTANCE_TYPES), "metadata": aws.DISCOVERY_METADATA}
    operation.save(update_fields=["result"])
    Connection.objects.filter(pk=connection.pk).update(last_used_at=operation.completed_at)


@simulation.finisher("connection.template_sync")
def _synced(operation: Operation) -> None:
    connection = Connection.objects.filter(pk=operation.resource_id).first()
    if connection is None:
        return
    if operation.status == Operation.SUCCEEDED:
        connection.status, connection.template_synced_at = Connection.ACTIVE, operation.completed_at
        connection.template_sync_message = f"Stack updated to template {aws.TEMPLATE_VERSION} (simulated)."
        connection.status_message = "Verified: LakeSail can assume the role (simulated)."
        connection.last_used_at = operation.completed_at
        _event(connection, "connection.verified", {"sync": True})
    else:
        message = (operation.error or {}).get("message", "The stack update failed (simulated).")
        connection.status, connection.template_sync_message = Connection.FAILED, message
        connection.status_message = f"Template sync failed: {message}"
        _event(connection, "connection.failed", {"sync": True, "message": message})
    connection.updated_at = operation.completed_at or timezone.now()
    connection.save()


def instance_types(region=None, *, architecture=None, min_vcpus=None, min_memory_mib=None, limit=100) -> list[dict]:
    """The fixture's instance types matching the filters, by vCPUs, memory, then name (§3.15.6)."""
    if region is not None:
        check_region(region)
    found = [
        t
        for t in aws.INSTANCE_TYPES
        if (architecture is None or t["architecture"] == architecture)
        and (min_vcpus is None or t["vCpus"] >= min_vcpus)
        and (min_memory_mib is None or t["memoryMiB"] >= min_memory_mib)
    ]
    found.sort(key=lambda t: (t["vCpus"], t["memoryMiB"], t["instanceType"]))
    return found[:limit]


def regions() -> list[dict]:
    return [
        {"provider": "AWS", "region": code, "name": name, "available": available}
        for code, (name, available) in aws.REGIONS.items()
    ]


def _event(connection: Connection, kind: str, data: dict) -> None:
    data = {"connectionId": connection.id, "accountId": connection.account_id, "region": connection.region, **data}
    emit(connection.organization_id, kind, "connection", connection.id, connection.name, data=data)
