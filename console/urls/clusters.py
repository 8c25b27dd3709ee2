from django.urls import path

from console.views import clusters

CLUSTER = "infrastructure/clusters/<id:cluster_id>"

urlpatterns = [
    path("infrastructure/clusters", clusters.cluster_list, name="cluster_list"),
    path("infrastructure/clusters/new", clusters.cluster_create, name="cluster_create"),
    path(CLUSTER, clusters.cluster_detail, name="cluster_detail"),
    path(f"{CLUSTER}/provision", clusters.cluster_provision, name="cluster_provision"),
    path(f"{CLUSTER}/upgrade", clusters.cluster_upgrade, name="cluster_upgrade"),
    path(f"{CLUSTER}/destroy", clusters.cluster_destroy, name="cluster_destroy"),
    path(f"{CLUSTER}/delete", clusters.cluster_delete, name="cluster_delete"),
    path(f"{CLUSTER}/kubeconfig", clusters.cluster_kubeconfig, name="cluster_kubeconfig"),
    path(f"{CLUSTER}/teams", clusters.cluster_teams_add, name="cluster_teams_add"),
    path(f"{CLUSTER}/teams/<id:team_id>/remove", clusters.cluster_team_remove, name="cluster_team_remove"),
    path(
        "infrastructure/accounts/<id:connection_id>/clusters/<id:cluster_id>/insights",
        clusters.cluster_insights,
        name="cluster_insights",
    ),
    path("teams/<id:team_id>/clusters", clusters.team_clusters, name="team_clusters"),
    path("teams/<id:team_id>/clusters/add", clusters.team_cluster_add, name="team_cluster_add"),
]
