"""The clusters operations (contract §3.5): provisioned clusters, their health and metrics, and team access.

/infra/clusters* see provisioned clusters only; the team links, /me/clusters and the team list see both kinds.
"""

from django.db.models.functions import Lower
from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import MarkerQuery, PageQuery, marker_page, marker_position
from localplatform.api.shapes import clusters as shapes
from localplatform.api.shapes.common import Id, errors, team_summaries
from localplatform.api.shapes.infra import cluster_data, cluster_row_data, connection_data, network_data
from localplatform.api.shapes.operations import AsyncAccepted, async_accepted_data, operation_data
from localplatform.errors import PlatformError, not_found
from localplatform.identity.services import teams
from localplatform.infra import clusters, connections
from localplatform.infra.models import Cluster, Connection, Network
from localplatform.paging import newest_first, page_of

router = Router(tags=["clusters"], auth=BearerAuth())
VIEW, MANAGE = "CanViewInfrastructure", "CanManageInfrastructure"


def cluster_for(request, cluster: str, relation: str = VIEW, *, connection: str | None = None, provisioned=True):
    """The cluster, after §1.13's rule: 404 unless the caller may view it, 403 without `relation`."""
    actor = request.auth
    account = connections.get_connection(actor.organization, connection) if connection else None
    record = clusters.get_cluster(actor.organization, cluster, provisioned=provisioned, connection=account)
    team_ids = clusters.team_ids_of([record])[record.id]
    if not clusters.can(actor.access, VIEW, record, team_ids):
        raise not_found("cluster")
    if relation != VIEW and not clusters.can(actor.access, relation, record, team_ids):
        raise PlatformError("permission_denied")
    return record


def cluster_detail(cluster: Cluster) -> dict:
    """ClusterDetail: the cluster with its connection, network, latest operation and teams."""
    team_ids = clusters.team_ids_of([cluster])[cluster.id]
    return {
        "cluster": cluster_data(cluster),
        "teamIds": team_ids,
        "included": {
            "connections": [connection_data(cluster.connection)] if cluster.connection else [],
            "networks": [network_data(cluster.network)] if cluster.network else [],
            "operations": [operation_data(o) for o in connections.latest_operations([cluster])],
            "teams": team_summaries(team_ids),
        },
    }


def references(rows: list[Cluster]) -> dict:
    """The connections and networks the rows name, by name (one query each)."""
    connection_ids = {c.connection_id for c in rows} - {None}
    network_ids = {c.network_id for c in rows} - {None}
    return {
        "connections": [
            connection_data(c) for c in Connection.objects.filter(pk__in=connection_ids).order_by(Lower("name"), "id")
        ],
        "networks": [network_data(n) for n in Network.objects.filter(pk__in=network_ids).order_by(Lower("name"), "id")],
    }


def cluster_list(query: MarkerQuery, found) -> dict:
    rows, more = newest_first(found, marker_position(query), query.limit)
    links = clusters.team_ids_of(rows)
    included = references(rows) | {
        "operations": [operation_data(o) for o in connections.latest_operations(rows)],
        "teams": team_summaries({t for ids in links.values() for t in ids}),
        "clusterRows": [cluster_row_data(c, links[c.id]) for c in rows],
    }
    return marker_page(query, [cluster_data(c) for c in rows], rows, more, included)


def row_page(total: int, rows: list[Cluster], with_references: bool) -> dict:
    links = clusters.team_ids_of(rows)
    included = {"clusters": [cluster_data(c) for c in rows]}
    if with_references:
        included |= references(rows)
    included["teams"] = team_summaries({t for ids in links.values() for t in ids})
    return {"total": total, "items": [cluster_row_data(c, links[c.id]) for c in rows], "included": included}


@router.get(
    "/me/clusters",
    response={200: shapes.MyClusterPage, **errors(400, 401, 403)},
    summary="List my clusters",
)
def list_my_clusters(request, query: Query[shapes.MyClusterQuery]):
    """Lists the clusters the caller can use through a team in which they hold CanUseClusters."""
    actor = request.auth
    order = Lower("name").desc() if query.sortDirection == "desc" else Lower("name")
    found = clusters.usable(actor.organization, actor.access).order_by(order, "id")
    total, rows = page_of(found, query.page, query.limit)
    return row_page(total, rows, with_references=True)


@router.get(
    "/me/clusters/{cluster}",
    response={200: shapes.ClusterDetail, **errors(400, 401, 403, 404)},
    summary="Describe an accessible cluster",
)
def describe_my_cluster(request, cluster: Id):
    """Shows one cluster the caller can use through a team; 404 when none of their teams reaches it."""
    actor = request.auth
    record = clusters.usable(actor.organization, actor.access).filter(pk=cluster).first()
    if record is None:
        raise not_found("cluster")
    return cluster_detail(record)


@router.get(
    "/infra/clusters",
    response={200: shapes.ClusterPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List provisioned clusters",
)
def list_clusters(request, query: Query[MarkerQuery]):
    """Lists the provisioned clusters of every connection, newest first, with the teams that may use each."""
    request.auth.require(VIEW)
    return cluster_list(query, clusters.provisioned(request.auth.organization))


@router.get(
    "/infra/clusters/{cluster}",
    response={200: shapes.ClusterDetail, **errors(400, 401, 403, 404)},
    summary="Describe a provisioned cluster",
)
def describe_cluster(request, cluster: Id):
    """Shows one provisioned cluster with its connection, network, latest operation and teams."""
    return cluster_detail(cluster_for(request, cluster))


@router.delete(
    "/infra/clusters/{cluster}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Delete a provisioned cluster record",
)
def delete_cluster(request, cluster: Id):
    """Deletes the record of a cluster that was never built or has been destroyed."""
    clusters.delete_cluster(cluster_for(request, cluster, MANAGE))
    return Status(204, None)


@router.get(
    "/infra/connections/{connection}/clusters",
    response={200: shapes.ClusterPage, **errors(400, 401, 403, 404)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List provisioned clusters by connection",
)
def list_connection_clusters(request, connection: Id, query: Query[MarkerQuery]):
    """Lists the provisioned clusters in one cloud account, newest first."""
    request.auth.require(VIEW)
    account = connections.get_connection(request.auth.organization, connection)
    return cluster_list(query, clusters.provisioned(account.organization, account))


@router.post(
    "/infra/connections/{connection}/clusters",
    response={201: shapes.ClusterDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Create a provisioned cluster",
)
def create_cluster(request, connection: Id, body: shapes.ClusterCreate):
    """Creates the cluster record in pending; provisioning builds it."""
    actor = request.auth
    actor.require(MANAGE)
    account = connections.get_connection(actor.organization, connection)
    groups = [g.model_dump() for g in body.nodeGroups] if body.nodeGroups is not None else None
    record = clusters.create_cluster(
        account,
        actor.member,
        name=body.name,
        network_id=body.networkId,
        region=body.region,
        kubernetes_version=body.kubernetesVersion,
        node_groups=groups,
        team_ids=body.teamIds,
    )
    return Status(201, cluster_detail(record))


@router.get(
    "/infra/connections/{connection}/clusters/{cluster}",
    response={200: shapes.ClusterDetail, **errors(400, 401, 403, 404)},
    summary="Describe a provisioned cluster by connection",
)
def describe_connection_cluster(request, connection: Id, cluster: Id):
    """Shows a provisioned cluster through its connection; 404 when it is in another one."""
    return cluster_detail(cluster_for(request, cluster, connection=connection))


@router.patch(
    "/infra/connections/{connection}/clusters/{cluster}",
    response={202: AsyncAccepted, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a provisioned cluster",
)
def update_cluster(request, connection: Id, cluster: Id, body: shapes.ClusterUpdate):
    """Starts changing the Kubernetes version (one minor up) and/or the node groups."""
    record = cluster_for(request, cluster, MANAGE, connection=connection)
    groups = [g.model_dump() for g in body.nodeGroups] if body.nodeGroups is not None else None
    operation = clusters.update_cluster(
        record, request.auth.member, kubernetes_version=body.kubernetesVersion, node_groups=groups
    )
    return Status(202, async_accepted_data(operation))


@router.post(
    "/infra/connections/{connection}/clusters/{cluster}/destroy",
    response={202: AsyncAccepted, **errors(400, 401, 403, 404, 409)},
    summary="Destroy a provisioned cluster",
)
def destroy_cluster(request, connection: Id, cluster: Id):
    """Tears down the cluster's cloud infrastructure and keeps the record as destroyed."""
    record = cluster_for(request, cluster, MANAGE, connection=connection)
    return Status(202, async_accepted_data(clusters.destroy_cluster(record, request.auth.member)))


@router.get(
    "/infra/connections/{connection}/clusters/{cluster}/health",
    response={200: shapes.ClusterHealth, **errors(400, 401, 403, 404, 409)},
    summary="Get provisioned cluster health status",
)
def describe_cluster_health(request, connection: Id, cluster: Id):
    """Reports the health of the control plane and of each node group."""
    return clusters.health(cluster_for(request, cluster, connection=connection))


@router.get(
    "/infra/connections/{connection}/clusters/{cluster}/kubeconfig",
    response={200: shapes.Kubeconfig, **errors(400, 401, 403, 404, 409)},
    summary="Get provisioned cluster kubeconfig",
)
def describe_cluster_kubeconfig(request, connection: Id, cluster: Id):
    """Returns a kubeconfig whose embedded token is valid for one hour."""
    record = cluster_for(request, cluster, MANAGE, connection=connection)
    return clusters.kubeconfig(record, request.auth.member)


@router.get(
    "/infra/connections/{connection}/clusters/{cluster}/metrics",
    response={200: shapes.ClusterMetrics, **errors(400, 401, 403, 404, 409)},
    summary="Get provisioned cluster metrics",
)
def describe_cluster_metrics(request, connection: Id, cluster: Id, query: Query[shapes.MetricsQuery]):
    """Returns CPU and memory utilization over 1h, 6h, 24h or 7d."""
    if query.period not in clusters.PERIODS:
        raise PlatformError("invalid_request", "period must be one of 1h, 6h, 24h, 7d.")
    return clusters.metrics(cluster_for(request, cluster, connection=connection), query.period)


@router.post(
    "/infra/connections/{connection}/clusters/{cluster}/provision",
    response={202: AsyncAccepted, **errors(400, 401, 403, 404, 409)},
    summary="Provision a cluster",
)
def provision_cluster(request, connection: Id, cluster: Id):
    """Starts building a pending cluster: provisioning, then active or failed."""
    record = cluster_for(request, cluster, MANAGE, connection=connection)
    return Status(202, async_accepted_data(clusters.provision_cluster(record, request.auth.member)))


@router.get(
    "/infra/clusters/{cluster}/teams",
    response={200: shapes.TeamItems, **errors(400, 401, 403, 404)},
    summary="List cluster teams",
)
def list_cluster_teams(request, cluster: Id):
    """Lists the teams whose members may use the cluster (either kind)."""
    record = cluster_for(request, cluster, provisioned=False)
    return {"items": team_summaries(clusters.team_ids_of([record])[record.id])}


@router.post(
    "/infra/clusters/{cluster}/teams",
    response={200: shapes.TeamItems, **errors(400, 401, 403, 404, 422)},
    summary="Add teams to a cluster",
)
def add_cluster_teams(request, cluster: Id, body: shapes.TeamIdsIn):
    """Links teams to a cluster so that their members can use it; already linked teams are ignored."""
    record = cluster_for(request, cluster, MANAGE, provisioned=False)
    clusters.add_teams(record, body.teamIds)
    return {"items": team_summaries(clusters.team_ids_of([record])[record.id])}


@router.delete(
    "/infra/clusters/{cluster}/teams/{team}",
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Remove a team from a cluster",
)
def remove_cluster_team(request, cluster: Id, team: Id):
    """Unlinks one team from the cluster; 404 when it was not linked."""
    clusters.remove_team(cluster_for(request, cluster, MANAGE, provisioned=False), team)
    return Status(204, None)


@router.get(
    "/org/teams/{team}/clusters",
    response={200: shapes.TeamClusterPage, **errors(400, 401, 403, 404)},
    summary="List team clusters",
)
def list_team_clusters(request, team: Id, query: Query[PageQuery]):
    """Extension: lists the clusters (either kind) a team's members may use, by name."""
    actor = request.auth
    actor.require("CanViewOrganization")
    found = teams.get_team(actor.organization, team)
    total, rows = page_of(clusters.team_clusters(found), query.page, query.limit)
    return row_page(total, rows, with_references=False)
