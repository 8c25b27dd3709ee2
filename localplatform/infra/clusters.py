"""Clusters (contract §3.5): EKS clusters provisioned in a network by Operations, and this machine's own cluster.

A provisioned cluster follows §2.10: pending ─provision─► provisioning ─► active ─update─► updating ─► active,
active|failed ─destroy─► destroying ─► destroyed; a failed operation leaves it failed. A self-registered cluster
(`register_local_cluster`, the demo's "local") is always active and is not part of /infra/clusters*.
Teams linked to a cluster give their members CanUseClusters on it through their team roles.
"""

import base64
import hashlib
import json
import math
import random
import re
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.events import emit
from localplatform.identity.models import Team
from localplatform.identity.services.teams import linked_team_ids
from localplatform.infra import aws, simulation
from localplatform.infra.models import Cluster, ClusterTeam, Connection, Network, Operation
from localplatform.infra.services import save_named

VERSIONS = ("1.29", "1.30", "1.31")
DEFAULT_NODE_GROUPS = [
    {
        "name": "management",
        "role": "management",
        "instanceTypes": ["m7g.large"],
        "minSize": 2,
        "maxSize": 3,
        "desiredSize": 2,
        "capacityType": "on_demand",
    },
    {
        "name": "compute",
        "role": "compute",
        "instanceTypes": ["c8g.2xlarge"],
        "minSize": 0,
        "maxSize": 10,
        "desiredSize": 0,
        "capacityType": "spot",
    },
]
PERIODS = {"1h": (timedelta(hours=1), 60), "6h": (timedelta(hours=6), 300), "24h": (timedelta(hours=24), 900),
           "7d": (timedelta(days=7), 3600)}  # fmt: skip
KUBECONFIG_SALT = "lakesail.kubeconfig"
KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
  - name: {name}
    cluster:
      server: {server}
      certificate-authority-data: {authority}
users:
  - name: {user}
    user:
      token: {token}
contexts:
  - name: {name}
    context:
      cluster: {name}
      user: {user}
current-context: {name}
"""
GROUP_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


# --- Finding -------------------------------------------------------------------------------------


def get_cluster(organization, cluster_id: str, *, provisioned: bool = True, connection=None) -> Cluster:
    """The organization's cluster, or 404; /infra/clusters* see only provisioned ones (§3.5)."""
    found = Cluster.objects.filter(organization=organization, pk=cluster_id)
    if provisioned:
        found = found.filter(kind=Cluster.PROVISIONED)
    if connection is not None:
        found = found.filter(connection=connection)
    cluster = found.first()
    if cluster is None:
        raise not_found("cluster")
    return cluster


def provisioned(organization, connection=None):
    found = Cluster.objects.filter(organization=organization, kind=Cluster.PROVISIONED)
    return found.filter(connection=connection) if connection is not None else found


def team_ids_of(clusters) -> dict[str, list[str]]:
    """cluster id -> its linked team ids (by team name), one query."""
    return linked_team_ids(ClusterTeam.objects.all(), "cluster", [c.id for c in clusters])


def usable_team_ids(access) -> list[str] | None:
    """The teams through which the member may use clusters (CanUseClusters@team); None means every team."""
    if access.all_teams and "CanUseClusters" in access.team_admin_relations:
        return None
    return [team for team, granted in access.team_relations.items() if "CanUseClusters" in granted]


def usable(organization, access):
    """Clusters shared with a team in which the member holds CanUseClusters (§3.5.1, §3.4 shared rules)."""
    teams = usable_team_ids(access)
    found = Cluster.objects.filter(organization=organization, team_links__isnull=False)
    if teams is not None:
        found = found.filter(team_links__team_id__in=teams)
    return Cluster.objects.filter(pk__in=found.values("pk"))


def can(access, relation: str, cluster: Cluster, team_ids: list[str] | None = None) -> bool:
    """R@cluster: an org role, or a team role in any team the cluster is shared with."""
    if access.has(relation):
        return True
    return access.has_on(relation, team_ids if team_ids is not None else team_ids_of([cluster])[cluster.id])


# --- Creating and changing -----------------------------------------------------------------------


def check_node_groups(groups: list[dict]) -> None:
    """The rules of §2.5 NodeGroup and §3.5.7, each failure at its field (nodeGroups[i].field)."""
    errors: dict[str, str] = {}
    if not groups:
        errors["nodeGroups"] = "Add at least one node group."
    elif len(groups) > 10:
        errors["nodeGroups"] = "Use at most 10 node groups."
    if groups and not any(g["role"] == "management" for g in groups):
        errors["nodeGroups"] = "A cluster needs a management node group."
    names: set[str] = set()
    for index, group in enumerate(groups):
        at = f"nodeGroups[{index}]"
        if not GROUP_NAME.match(group["name"]):
            errors[f"{at}.name"] = "Use lowercase letters, digits and hyphens (up to 63)."
        elif group["name"] in names:
            errors[f"{at}.name"] = "Another node group has this name."
        names.add(group["name"])
        unknown = [t for t in group["instanceTypes"] if t not in aws.INSTANCE_TYPE_NAMES]
        if unknown:
            errors[f"{at}.instanceTypes"] = f"Unknown instance type: {', '.join(unknown)}."
        if not group["minSize"] <= group["desiredSize"] <= group["maxSize"]:
            errors[f"{at}.desiredSize"] = "The desired size must be between the minimum and the maximum."
        if group["minSize"] > group["maxSize"]:
            errors[f"{at}.minSize"] = "The minimum cannot exceed the maximum."
        if group["role"] == "management":
            if group["minSize"] < 1:
                errors[f"{at}.minSize"] = "A management group keeps at least one node."
            if group["capacityType"] != "on_demand":
                errors[f"{at}.capacityType"] = "A management group runs on on-demand capacity."
    if errors:
        raise invalid(errors)


def teams_by_id(organization, team_ids: list[str], field: str = "teamIds") -> list[Team]:
    teams = {t.id: t for t in Team.objects.filter(organization=organization, id__in=set(team_ids))}
    missing = [i for i in team_ids if i not in teams]
    if missing:
        raise invalid({field: f"Unknown team: {', '.join(missing)}."})
    return [teams[i] for i in dict.fromkeys(team_ids)]


def create_cluster(connection: Connection, member, *, name, network_id, region=None, kubernetes_version=None,
                   node_groups=None, team_ids=()) -> Cluster:  # fmt: skip
    """A pending cluster record in an active network of the connection; provisioning builds it (§3.5.7)."""
    name = name.strip()
    if not name:
        raise invalid({"name": "Enter a name."})
    network = Network.objects.filter(organization_id=connection.organization_id, pk=network_id).first()
    if network is None:
        raise invalid({"networkId": "Unknown network."})
    if network.connection_id != connection.id:
        raise invalid({"networkId": "The network belongs to another cloud account."})
    if region and region != network.region:
        raise invalid({"region": f"The cluster must be in its network's region, {network.region}."})
    version = kubernetes_version or VERSIONS[-1]
    if version not in VERSIONS:
        raise invalid({"kubernetesVersion": f"Use one of {', '.join(VERSIONS)}."})
    groups = [dict(g) for g in (node_groups if node_groups is not None else DEFAULT_NODE_GROUPS)]
    check_node_groups(groups)
    teams = teams_by_id(connection.organization, list(team_ids))
    if connection.status != Connection.ACTIVE:
        raise PlatformError("invalid_state", "The cloud account is not active.")
    if network.status != Network.ACTIVE:
        raise PlatformError("invalid_state", "The network is not active: provision it first.")
    cluster = Cluster(
        organization_id=connection.organization_id,
        name=name,
        connection=connection,
        network=network,
        region=network.region,
        kubernetes_version=version,
        node_groups=groups,
        status_message="Not provisioned yet.",
        created_by=member.id if member else None,
        updated_by=member.id if member else None,
    )
    with transaction.atomic():
        save_named(cluster)
        ClusterTeam.objects.bulk_create([ClusterTeam(cluster=cluster, team=team) for team in teams])
    return cluster


def register_local_cluster(organization, member=None, *, name: str = "local") -> Cluster:
    """This machine as a self-registered cluster: where sessions and notebooks really run (idempotent)."""
    found = Cluster.objects.filter(organization=organization, kind=Cluster.SELF_REGISTERED, name__iexact=name).first()
    if found:
        return found
    cluster = Cluster(
        organization=organization,
        name=name,
        kind=Cluster.SELF_REGISTERED,
        region="local",
        external_status=Cluster.ACTIVE,
        kubernetes_version=VERSIONS[-1],
        node_groups=[
            {
                "name": "this-machine",
                "role": "management",
                "instanceTypes": ["local"],
                "minSize": 1,
                "maxSize": 1,
                "desiredSize": 1,
                "capacityType": "on_demand",
            }
        ],
        status_message="This machine, registered by the local platform: sessions and notebooks run here.",
        created_by=member.id if member else None,
        updated_by=member.id if member else None,
    )
    return save_named(cluster)


def add_teams(cluster: Cluster, team_ids: list[str]) -> None:
    """Link teams (idempotent: linked ones are ignored)."""
    teams = teams_by_id(cluster.organization, team_ids)
    ClusterTeam.objects.bulk_create([ClusterTeam(cluster=cluster, team=t) for t in teams], ignore_conflicts=True)


def remove_team(cluster: Cluster, team_id: str) -> None:
    deleted, _ = ClusterTeam.objects.filter(cluster=cluster, team_id=team_id).delete()
    if not deleted:
        raise not_found("team link")


def provision_cluster(cluster: Cluster, member) -> Operation:
    """Start building a pending cluster in its active network (§3.5.14)."""
    if cluster.external_status != Cluster.PENDING:
        raise PlatformError("invalid_state", f"Only a pending cluster can be provisioned ({cluster.external_status}).")
    if cluster.network is None or cluster.network.status != Network.ACTIVE:
        raise PlatformError("invalid_state", "The cluster's network is not active.")
    cluster.external_cluster_id = f"lakesail-{slugify(cluster.name)[:40] or 'cluster'}-{cluster.id.lower()[-6:]}"
    plan = _plan(cluster, "create", cluster.node_groups)
    return _begin(cluster, member, "cluster.provision", plan, Cluster.PROVISIONING, "Provisioning the EKS cluster")


def update_cluster(cluster: Cluster, member, *, kubernetes_version=None, node_groups=None) -> Operation:
    """Start changing the version (one minor up) and/or the node groups; applied when the operation ends."""
    if kubernetes_version is None and node_groups is None:
        raise invalid({"kubernetesVersion": "Change the version or the node groups."})
    if cluster.external_status != Cluster.ACTIVE:
        raise PlatformError("invalid_state", f"Only an active cluster can be updated ({cluster.external_status}).")
    change: dict = {}
    if kubernetes_version is not None and kubernetes_version != cluster.kubernetes_version:
        if kubernetes_version not in VERSIONS:
            raise invalid({"kubernetesVersion": f"Use one of {', '.join(VERSIONS)}."})
        if VERSIONS.index(kubernetes_version) != VERSIONS.index(cluster.kubernetes_version) + 1:
            raise invalid({"kubernetesVersion": "Upgrade one minor version at a time, and never down."})
        change["kubernetesVersion"] = kubernetes_version
    if node_groups is not None:
        groups = [dict(g) for g in node_groups]
        check_node_groups(groups)
        change["nodeGroups"] = groups
    cluster.pending_update = change
    plan = _update_plan(cluster, change)
    return _begin(cluster, member, "cluster.update", plan, Cluster.UPDATING, "Updating the cluster")


def destroy_cluster(cluster: Cluster, member) -> Operation:
    """Tear the cluster down and keep the record as destroyed (§3.5.10)."""
    if cluster.external_status not in (Cluster.ACTIVE, Cluster.FAILED):
        raise PlatformError(
            "invalid_state", f"Only an active or failed cluster can be destroyed ({cluster.external_status})."
        )
    # §3.5.10: not while a session or notebook runs on it (the workloads' reverse relations; no import needed).
    sessions = cluster.sessions.filter(status__in=("pending", "active", "idle"))
    notebooks = cluster.workload_configs.exclude(notebooks__status="stopped").filter(notebooks__isnull=False)
    if sessions.exists() or notebooks.exists():
        raise PlatformError("in_use", "Sessions or notebooks are running on this cluster: close or stop them first.")
    plan = _plan(cluster, "delete", cluster.node_groups)
    return _begin(cluster, member, "cluster.destroy", plan, Cluster.DESTROYING, "Destroying the EKS cluster")


def delete_cluster(cluster: Cluster) -> None:
    if cluster.external_status not in (Cluster.PENDING, Cluster.DESTROYED):
        raise PlatformError("invalid_state", "Only a pending or destroyed cluster record can be deleted; destroy it.")
    cluster.delete()


def _begin(cluster: Cluster, member, kind: str, plan: list[dict], status: str, doing: str) -> Operation:
    with transaction.atomic():
        operation = simulation.start_for(cluster, member, kind, "cluster", plan)
        cluster.external_status, cluster.operation = status, operation
        cluster.status_message = f"{doing} (simulated)."
        cluster.updated_at, cluster.updated_by = timezone.now(), member.id if member else None
        cluster.save()
    return operation


def _urn(cluster: Cluster, kind: str, name: str) -> str:
    return f"urn:pulumi:cluster-{cluster.id.lower()}::lakesail::{kind}::{name}"


def _stages(cluster: Cluster, groups: list[dict]) -> list[tuple[str, str, int, list[tuple[str, str]]]]:
    """(stage, what, seconds, [(type, name)]) of an EKS cluster, in build order."""
    return [
        ("iam", "IAM roles", 20, [("aws:iam/role:Role", "cluster"), ("aws:iam/role:Role", "nodes")]),
        ("security", "security groups", 15, [("aws:ec2/securityGroup:SecurityGroup", "cluster")]),
        ("control-plane", "the EKS control plane", 150, [("aws:eks/cluster:Cluster", "control-plane")]),
        (
            "addons",
            "cluster add-ons",
            40,
            [("aws:eks/addon:Addon", a) for a in ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver")],
        ),
        ("node-groups", "node groups", 90, [("aws:eks/nodeGroup:NodeGroup", g["name"]) for g in groups]),
        (
            "platform",
            "Karpenter and the LakeSail agent",
            45,
            [("kubernetes:helm.sh/v3:Release", "karpenter"), ("kubernetes:helm.sh/v3:Release", "lakesail-agent")],
        ),
    ]


def _plan(cluster: Cluster, operation: str, groups: list[dict]) -> list[dict]:
    stages = _stages(cluster, groups)
    verb = "Creating" if operation == "create" else "Deleting"
    if operation == "delete":
        stages.reverse()
    return [
        {
            "stage": stage,
            "message": f"{verb} {what} (simulated).",
            "seconds": seconds,
            "resources": [
                {"urn": _urn(cluster, kind, name), "type": kind, "name": name, "operation": operation}
                for kind, name in resources
            ],
        }
        for stage, what, seconds, resources in stages
    ]


def _update_plan(cluster: Cluster, change: dict) -> list[dict]:
    """Every resource, marked update where the change touches it and same elsewhere."""
    new_groups = {g["name"]: g for g in change.get("nodeGroups", cluster.node_groups)}
    old_groups = {g["name"]: g for g in cluster.node_groups}
    upgrading = "kubernetesVersion" in change
    plan = []
    for stage, what, seconds, resources in _stages(cluster, list(new_groups.values())):
        entries = []
        for kind, name in resources:
            if stage == "node-groups":
                old = old_groups.get(name)
                action = "create" if old is None else ("update" if upgrading or old != new_groups[name] else "same")
            elif stage in ("control-plane", "addons"):
                action = "update" if upgrading else "same"
            else:
                action = "same"
            entries.append({"urn": _urn(cluster, kind, name), "type": kind, "name": name, "operation": action})
        if stage == "node-groups":
            entries += [
                {"urn": _urn(cluster, kind, name), "type": kind, "name": name, "operation": "delete"}
                for kind, name in [("aws:eks/nodeGroup:NodeGroup", n) for n in old_groups if n not in new_groups]
            ]
        busy = any(e["operation"] != "same" for e in entries)
        plan.append(
            {
                "stage": stage,
                "message": f"{'Updating' if busy else 'Checking'} {what} (simulated).",
                "seconds": seconds if busy else 3,
                "resources": entries,
            }
        )
    return plan


@simulation.finisher("cluster.provision")
def _provisioned(operation: Operation) -> None:
    cluster = Cluster.objects.filter(pk=operation.resource_id).first()
    if cluster is None:
        return
    if operation.status == Operation.SUCCEEDED:
        token = hashlib.sha256(cluster.id.encode()).hexdigest()[:32].upper()
        cluster.external_status = Cluster.ACTIVE
        cluster.endpoint = f"https://{token}.gr7.{cluster.region}.eks.amazonaws.com"
        cluster.status_message = "Active (simulated)."
        _event(cluster, "cluster.provisioned", {})
    else:
        _failed(cluster, operation)
    cluster.updated_at = operation.completed_at or timezone.now()
    cluster.save()


@simulation.finisher("cluster.update")
def _updated(operation: Operation) -> None:
    cluster = Cluster.objects.filter(pk=operation.resource_id).first()
    if cluster is None:
        return
    if operation.status == Operation.SUCCEEDED:
        change = cluster.pending_update or {}
        cluster.kubernetes_version = change.get("kubernetesVersion", cluster.kubernetes_version)
        cluster.node_groups = change.get("nodeGroups", cluster.node_groups)
        cluster.external_status, cluster.status_message = Cluster.ACTIVE, "Active (simulated)."
    else:
        _failed(cluster, operation)
    cluster.pending_update = None
    cluster.updated_at = operation.completed_at or timezone.now()
    cluster.save()


@simulation.finisher("cluster.destroy")
def _destroyed(operation: Operation) -> None:
    cluster = Cluster.objects.filter(pk=operation.resource_id).first()
    if cluster is None:
        return
    if operation.status == Operation.SUCCEEDED:
        cluster.external_status, cluster.endpoint = Cluster.DESTROYED, None
        cluster.status_message = "Destroyed; its nodes and control plane were deleted (simulated)."
        _event(cluster, "cluster.destroyed", {})
    else:
        _failed(cluster, operation)
    cluster.updated_at = operation.completed_at or timezone.now()
    cluster.save()


def _failed(cluster: Cluster, operation: Operation) -> None:
    stage = simulation.stage_name(operation)
    message = (operation.error or {}).get("message", "")
    cluster.external_status = Cluster.FAILED
    cluster.status_message = f"Failed at the {stage} stage: {message}"
    _event(cluster, "cluster.failed", {"operation": operation.operation, "stage": stage, "message": message})


def _event(cluster: Cluster, kind: str, data: dict) -> None:
    data = {"clusterId": cluster.id, "connectionId": cluster.connection_id, "region": cluster.region, **data}
    team_ids = team_ids_of([cluster])[cluster.id]
    emit(cluster.organization_id, kind, "cluster", cluster.id, cluster.name, data=data, team_ids=team_ids)


# --- Watching a running cluster ------------------------------------------------------------------


def require_running(cluster: Cluster) -> None:
    if cluster.external_status not in (Cluster.ACTIVE, Cluster.UPDATING):
        raise PlatformError("invalid_state", f"The cluster is {cluster.external_status}, not active.")


def health(cluster: Cluster, now: datetime | None = None) -> dict:
    """ClusterHealth: every node ready while active; a rolling update leaves node groups degraded."""
    require_running(cluster)
    updating = cluster.external_status == Cluster.UPDATING
    groups = []
    for group in cluster.node_groups:
        desired = group["desiredSize"]
        ready = max(desired - 1, 0) if updating and desired else desired
        issues = (
            [f"Rolling update: {desired - ready} of {desired} nodes being replaced (simulated)."]
            if ready < desired
            else []
        )
        status = "degraded" if issues else "healthy"
        groups.append(
            {"name": group["name"], "status": status, "readyNodes": ready, "desiredNodes": desired, "issues": issues}
        )
    overall = "degraded" if any(g["status"] != "healthy" for g in groups) else "healthy"
    return {
        "clusterId": cluster.id,
        "status": overall,
        "checkedAt": now or timezone.now(),
        "controlPlane": {"status": "healthy", "version": cluster.kubernetes_version},
        "nodeGroups": groups,
    }


def metrics(cluster: Cluster, period: str, now: datetime | None = None) -> dict:
    """ClusterMetrics: CPU and memory in percent, one point per step, the same for the same moment."""
    require_running(cluster)
    span, step = PERIODS[period]
    now = now or timezone.now()
    end = datetime.fromtimestamp(math.floor(now.timestamp() / step) * step, tz=now.tzinfo)
    count = int(span.total_seconds() // step)
    moments = [end - timedelta(seconds=step * i) for i in range(count - 1, -1, -1)]
    return {
        "clusterId": cluster.id,
        "period": period,
        "stepSeconds": step,
        "cpu": {"unit": "percent", "points": [_point(cluster.id, "cpu", t) for t in moments]},
        "memory": {"unit": "percent", "points": [_point(cluster.id, "memory", t) for t in moments]},
    }


def _point(cluster_id: str, series: str, moment: datetime) -> dict:
    """A working-day curve (busy 09:00 to 18:00 UTC on weekdays), with noise seeded by the cluster and the moment."""
    hour = moment.hour + moment.minute / 60
    weekday = moment.weekday() < 5
    day = math.exp(-(((hour - 13.5) / 4) ** 2)) if weekday else 0.15
    seed = f"{cluster_id}/{series}/{int(moment.timestamp())}"
    noise = random.Random(seed).uniform(-1, 1)  # noqa: S311 (simulated metrics, not a secret)
    value = 12 + 55 * day + 9 * noise if series == "cpu" else 38 + 22 * day + 3 * noise
    return {"timestamp": moment, "value": round(min(max(value, 0.0), 100.0), 1)}


def kubeconfig(cluster: Cluster, member, now: datetime | None = None) -> dict:
    """A kubeconfig for the cluster whose bearer token (signed, for this member) expires in an hour."""
    require_running(cluster)
    now = now or timezone.now()
    expires = now + timedelta(hours=1)
    token = signing.dumps(
        {"cluster": cluster.id, "member": member.id if member else None, "exp": int(expires.timestamp())},
        salt=KUBECONFIG_SALT,
    )
    authority = base64.b64encode(hashlib.sha512(f"ca/{cluster.id}".encode()).digest()).decode()
    name = json.dumps(cluster.external_cluster_id or cluster.name)  # a JSON string is a YAML scalar
    user = json.dumps("lakesail")
    document = KUBECONFIG.format(
        name=name, user=user, server=json.dumps(cluster.endpoint), authority=authority, token=json.dumps(token)
    )
    return {"clusterId": cluster.id, "kubeconfig": document, "expiresAt": expires}


def team_clusters(team: Team):
    """The clusters (both kinds) linked to a team, by name."""
    return Cluster.objects.filter(team_links__team=team).order_by(Lower("name"), "id")
