"""clusters: provisioned and self-registered clusters (contract §3.5): lifecycle, health, metrics, team access."""

from console.client.base import Platform, parse
from console.client.connections import path as account_path
from console.client.models.infra import (
    AsyncAccepted,
    Cluster,
    ClusterDetail,
    ClusterHealth,
    ClusterMetrics,
    ClusterRowPage,
    InfraPage,
    Kubeconfig,
    TeamItems,
)
from console.client.paths import page_params, segment


def path(connection_id: str, cluster_id: str) -> str:
    return f"{account_path(connection_id)}/clusters/{segment(cluster_id)}"


def marker_params(limit: int, marker: str | None) -> dict:
    return {"limit": limit, **({"marker": marker} if marker else {})}


def list_my_clusters(platform: Platform, *, page: int = 1, limit: int = 100) -> ClusterRowPage:
    """GET /me/clusters"""
    params = page_params(page, limit, "name", "asc")
    return parse(ClusterRowPage, platform.call("GET", "/me/clusters", params=params))


def describe_my_cluster(platform: Platform, cluster_id: str) -> ClusterDetail:
    """GET /me/clusters/{cluster}"""
    return parse(ClusterDetail, platform.call("GET", f"/me/clusters/{segment(cluster_id)}"))


def list_clusters(platform: Platform, *, limit: int = 50, marker: str | None = None) -> InfraPage[Cluster]:
    """GET /infra/clusters"""
    return parse(InfraPage[Cluster], platform.call("GET", "/infra/clusters", params=marker_params(limit, marker)))


def describe_cluster(platform: Platform, cluster_id: str) -> ClusterDetail:
    """GET /infra/clusters/{cluster}"""
    return parse(ClusterDetail, platform.call("GET", f"/infra/clusters/{segment(cluster_id)}"))


def delete_cluster(platform: Platform, cluster_id: str) -> None:
    """DELETE /infra/clusters/{cluster}"""
    platform.call("DELETE", f"/infra/clusters/{segment(cluster_id)}")


def list_connection_clusters(
    platform: Platform, connection_id: str, *, limit: int = 100, marker: str | None = None
) -> InfraPage[Cluster]:
    """GET /infra/connections/{connection}/clusters"""
    found = platform.call("GET", f"{account_path(connection_id)}/clusters", params=marker_params(limit, marker))
    return parse(InfraPage[Cluster], found)


def create_cluster(
    platform: Platform,
    connection_id: str,
    *,
    name: str,
    network_id: str,
    kubernetes_version: str,
    node_groups: list[dict],
    team_ids: list[str],
) -> ClusterDetail:
    """POST /infra/connections/{connection}/clusters"""
    body = {
        "name": name,
        "networkId": network_id,
        "kubernetesVersion": kubernetes_version,
        "nodeGroups": node_groups,
        "teamIds": team_ids,
    }
    return parse(ClusterDetail, platform.call("POST", f"{account_path(connection_id)}/clusters", body=body))


def describe_connection_cluster(platform: Platform, connection_id: str, cluster_id: str) -> ClusterDetail:
    """GET /infra/connections/{connection}/clusters/{cluster}"""
    return parse(ClusterDetail, platform.call("GET", path(connection_id, cluster_id)))


def update_cluster(
    platform: Platform,
    connection_id: str,
    cluster_id: str,
    *,
    kubernetes_version: str | None = None,
    node_groups: list[dict] | None = None,
) -> AsyncAccepted:
    """PATCH /infra/connections/{connection}/clusters/{cluster}"""
    body: dict = {}
    if kubernetes_version:
        body["kubernetesVersion"] = kubernetes_version
    if node_groups is not None:
        body["nodeGroups"] = node_groups
    return parse(AsyncAccepted, platform.call("PATCH", path(connection_id, cluster_id), body=body))


def destroy_cluster(platform: Platform, connection_id: str, cluster_id: str) -> AsyncAccepted:
    """POST /infra/connections/{connection}/clusters/{cluster}/destroy"""
    return parse(AsyncAccepted, platform.call("POST", f"{path(connection_id, cluster_id)}/destroy"))


def describe_cluster_health(platform: Platform, connection_id: str, cluster_id: str) -> ClusterHealth:
    """GET /infra/connections/{connection}/clusters/{cluster}/health"""
    return parse(ClusterHealth, platform.call("GET", f"{path(connection_id, cluster_id)}/health"))


def describe_cluster_kubeconfig(platform: Platform, connection_id: str, cluster_id: str) -> Kubeconfig:
    """GET /infra/connections/{connection}/clusters/{cluster}/kubeconfig"""
    return parse(Kubeconfig, platform.call("GET", f"{path(connection_id, cluster_id)}/kubeconfig"))


def describe_cluster_metrics(platform: Platform, connection_id: str, cluster_id: str, period: str) -> ClusterMetrics:
    """GET /infra/connections/{connection}/clusters/{cluster}/metrics"""
    found = platform.call("GET", f"{path(connection_id, cluster_id)}/metrics", params={"period": period})
    return parse(ClusterMetrics, found)


def provision_cluster(platform: Platform, connection_id: str, cluster_id: str) -> AsyncAccepted:
    """POST /infra/connections/{connection}/clusters/{cluster}/provision"""
    return parse(AsyncAccepted, platform.call("POST", f"{path(connection_id, cluster_id)}/provision"))


def list_cluster_teams(platform: Platform, cluster_id: str) -> TeamItems:
    """GET /infra/clusters/{cluster}/teams"""
    return parse(TeamItems, platform.call("GET", f"/infra/clusters/{segment(cluster_id)}/teams"))


def add_cluster_teams(platform: Platform, cluster_id: str, team_ids: list[str]) -> TeamItems:
    """POST /infra/clusters/{cluster}/teams"""
    body = {"teamIds": team_ids}
    return parse(TeamItems, platform.call("POST", f"/infra/clusters/{segment(cluster_id)}/teams", body=body))


def remove_cluster_team(platform: Platform, cluster_id: str, team_id: str) -> None:
    """DELETE /infra/clusters/{cluster}/teams/{team}"""
    platform.call("DELETE", f"/infra/clusters/{segment(cluster_id)}/teams/{segment(team_id)}")


def list_team_clusters(platform: Platform, team_id: str, *, page: int = 1, limit: int = 100) -> ClusterRowPage:
    """GET /org/teams/{team}/clusters"""
    params = page_params(page, limit, "name", "asc")
    return parse(ClusterRowPage, platform.call("GET", f"/org/teams/{segment(team_id)}/clusters", params=params))
