"""Clusters (contract §3.5): the list with team access, the create form with node groups, and a cluster's page:
its live operation, lifecycle actions, node groups, health and a CPU/memory chart, kubeconfig, and team access.

Reads need CanViewInfrastructure; every change, the kubeconfig and team links need CanManageInfrastructure
(§1.13). The views decide what is offered; the platform enforces every action.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.charts import line_chart
from console.client import clusters as client
from console.client import networks as network_client
from console.client.errors import Conflict, PlatformError
from console.client.models.infra import ClusterDetail
from console.client.teams import list_teams
from console.forms.clusters import VERSIONS, ClusterForm, ClusterQuery, ClusterTeamsForm
from console.htmx import navigate, render_fragment, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.access import access_of
from console.views.connections import MANAGE, VIEW, require
from console.views.decorators import signed_in

LIST = "console/infrastructure/cluster_list.html"
NEW = "console/infrastructure/cluster_new.html"
DETAIL = "console/infrastructure/cluster_detail.html"
READERS = "Only Owners, Admins, Billing Viewers and Auditors can see clusters."
PERIODS = (("1h", "1 hour"), ("6h", "6 hours"), ("24h", "24 hours"), ("7d", "7 days"))


@require_safe
@signed_in
def cluster_list(request: SignedInRequest):
    """GET /infra/clusters: provisioned clusters with their account, network and teams (1 call)."""
    access = require(request, VIEW, READERS)
    query = ClusterQuery(request.GET)
    page = client.list_clusters(request.platform, **query.params())
    create_url = reverse("cluster_create") if access.can(MANAGE) else ""
    included = page.included
    rows = [
        (c, included.connection(c.connection_id), included.network(c.network_id), included.teams_of(c.id))
        for c in page.items
    ]
    table = Table(
        id="cluster-table",
        caption="Provisioned clusters, newest first",
        query=query,
        rows=rows,
        next_marker=page.marker,
        row=f"{LIST}#cluster-row",
        columns=[Column("Cluster"), Column("Status"), Column("Where"), Column("Nodes", css="num"), Column("Teams")],
        empty=Empty(
            "No provisioned clusters yet",
            "A cluster is an EKS cluster LakeSail builds in one of your networks; teams you give access run on it.",
            "hdd-stack",
            create_url,
            "Create a cluster",
        ),
        extra={"team_path": link_prefix("team_detail"), "cluster_path": link_prefix("cluster_detail")},
        noun=("cluster", "clusters"),
    )
    return render_page(request, LIST, {"table": table, "create_url": create_url}, partials="cluster-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def cluster_create(request: SignedInRequest):
    """POST /infra/connections/{connection}/clusters in an active network (2 calls to draw: networks, teams)."""
    require(request, MANAGE, "Only Owners and Admins can create clusters.")
    found = network_client.list_networks(request.platform, limit=100)
    active = [n for n in found.items if n.status == "active"]
    choices = []
    for network in active:
        account = found.included.connection(network.connection_id)
        choices.append((network.id, f"{network.name} · {account.name if account else ''} ({network.region})"))
    teams = [(s.team.id, s.team.name) for s in list_teams(request.platform, limit=100).items]
    form = ClusterForm(request.POST if request.method == "POST" else None, networks=choices, teams=teams)
    if form.is_valid():
        network = next(n for n in active if n.id == form.cleaned_data["network_id"])
        try:
            created = client.create_cluster(
                request.platform,
                network.connection_id,
                name=form.cleaned_data["name"],
                network_id=network.id,
                kubernetes_version=form.cleaned_data["kubernetes_version"],
                node_groups=form.node_groups(),
                team_ids=form.cleaned_data["team_ids"],
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Cluster “{created.cluster.name}” created. Provision it to build it.")
            return navigate(request, reverse("cluster_detail", args=[created.cluster.id]))
    context = {"form": form, "has_networks": bool(active)}
    return render_page(request, NEW, context, partials="cluster-form", status=422 if form.errors else 200)


@require_safe
@never_cache
@signed_in
def cluster_detail(request: SignedInRequest, cluster_id: str):
    """The cluster (GET /infra/clusters/{id}); a manager's page adds the teams to offer (GET /org/teams).

    Health and the chart come with the page's own request for them (cluster_insights), so the page itself
    stays at two calls."""
    return render_detail(request, cluster_id)


def render_detail(request, cluster_id: str, *, teams_form: ClusterTeamsForm | None = None, status: int = 200):
    access = require(request, VIEW, READERS)
    detail = client.describe_cluster(request.platform, cluster_id)
    manage = access.can(MANAGE)
    linked = {t.team.id for t in detail.included.teams}
    offered = []
    if manage:
        offered = [(s.team.id, s.team.name) for s in list_teams(request.platform, limit=100).items]
        offered = [(team_id, name) for team_id, name in offered if team_id not in linked]
    context = detail_context(request, detail, manage)
    context["teams_form"] = teams_form or (ClusterTeamsForm(teams=offered) if offered else None)
    return render_page(request, DETAIL, context, partials="cluster-page", status=status)


def detail_context(request, detail: ClusterDetail, manage: bool) -> dict:
    cluster = detail.cluster
    versions = [v for v, _ in VERSIONS]
    current = versions.index(cluster.kubernetes_version) if cluster.kubernetes_version in versions else 0
    return {
        "cluster": cluster,
        "account": detail.included.connection(cluster.connection_id),
        "network": detail.included.network(cluster.network_id),
        "operation": detail.included.operation(cluster.id),
        "teams": detail.included.teams,
        "manage": manage,
        "upgrade": versions[current - 1] if current > 0 else None,  # VERSIONS is newest first
        "running": cluster.external_status in ("active", "updating"),
        "period": period_of(request),
        "periods": PERIODS,
    }


def period_of(request) -> str:
    period = request.GET.get("period", "1h")
    return period if period in dict(PERIODS) else "1h"


@require_safe
@never_cache
@signed_in
def cluster_insights(request: SignedInRequest, cluster_id: str, connection_id: str):
    """Health and the CPU/memory chart for ?period= (2 calls), the part of the page its period tabs swap."""
    require(request, VIEW, READERS)
    period = period_of(request)
    health = client.describe_cluster_health(request.platform, connection_id, cluster_id)
    metrics = client.describe_cluster_metrics(request.platform, connection_id, cluster_id, period)
    label = dict(PERIODS)[period]
    chart = line_chart(
        f"CPU and memory use, last {label}",
        [
            ("CPU", [(p.timestamp, p.value) for p in metrics.cpu.points]),
            ("Memory", [(p.timestamp, p.value) for p in metrics.memory.points]),
        ],
    )
    context = {
        "health": health,
        "chart": chart,
        "period": period,
        "periods": PERIODS,
        "cluster_id": cluster_id,
        "connection_id": connection_id,
    }
    return render_fragment(request, f"{DETAIL}#cluster-insights", context)


def act(request, cluster_id: str, call, done: str):
    """A lifecycle action on the cluster's account path; a 409 is said on the page."""
    detail = client.describe_cluster(request.platform, cluster_id)
    try:
        call(detail)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return navigate(request, reverse("cluster_detail", args=[cluster_id]))


@require_POST
@signed_in
def cluster_provision(request: SignedInRequest, cluster_id: str):
    def call(d):
        return client.provision_cluster(request.platform, d.cluster.connection_id, cluster_id)

    return act(request, cluster_id, call, "Provisioning started.")


@require_POST
@signed_in
def cluster_upgrade(request: SignedInRequest, cluster_id: str):
    """PATCH the Kubernetes version one minor up (the only upgrade the platform allows)."""
    version = request.POST.get("kubernetes_version", "")

    def call(d):
        return client.update_cluster(request.platform, d.cluster.connection_id, cluster_id, kubernetes_version=version)

    return act(request, cluster_id, call, f"Upgrading to Kubernetes {version}.")


@require_POST
@signed_in
def cluster_destroy(request: SignedInRequest, cluster_id: str):
    def call(d):
        return client.destroy_cluster(request.platform, d.cluster.connection_id, cluster_id)

    return act(request, cluster_id, call, "Destroying the cluster.")


@require_POST
@signed_in
def cluster_delete(request: SignedInRequest, cluster_id: str):
    """DELETE /infra/clusters/{id}: only a pending or destroyed record."""
    try:
        client.delete_cluster(request.platform, cluster_id)
    except Conflict as error:
        messages.error(request, f"Not deleted. {error.message}")
        return navigate(request, reverse("cluster_detail", args=[cluster_id]))
    messages.success(request, "Cluster record deleted.")
    return navigate(request, reverse("cluster_list"))


@require_safe
@never_cache
@signed_in
def cluster_kubeconfig(request: SignedInRequest, cluster_id: str):
    """GET .../kubeconfig as a file: the token in it lasts an hour; never cached."""
    detail = client.describe_cluster(request.platform, cluster_id)
    config = client.describe_cluster_kubeconfig(request.platform, detail.cluster.connection_id or "", cluster_id)
    response = HttpResponse(config.kubeconfig, content_type="application/yaml")
    name = detail.cluster.external_cluster_id or cluster_id
    response["Content-Disposition"] = f'attachment; filename="{name}.kubeconfig.yaml"'
    return response


@require_POST
@signed_in
def cluster_teams_add(request: SignedInRequest, cluster_id: str):
    """POST /infra/clusters/{id}/teams: the chosen teams' members may use the cluster."""
    teams = [(s.team.id, s.team.name) for s in list_teams(request.platform, limit=100).items]
    form = ClusterTeamsForm(request.POST, teams=teams)
    if form.is_valid():
        try:
            client.add_cluster_teams(request.platform, cluster_id, form.cleaned_data["team_ids"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            count = len(form.cleaned_data["team_ids"])
            messages.success(request, f"{count} team{'s' if count != 1 else ''} can now use this cluster.")
            return navigate(request, reverse("cluster_detail", args=[cluster_id]))
    return render_detail(request, cluster_id, teams_form=form, status=422)


@require_POST
@signed_in
def cluster_team_remove(request: SignedInRequest, cluster_id: str, team_id: str):
    """DELETE /infra/clusters/{id}/teams/{team}: back where the removal was asked (cluster or team page)."""
    client.remove_cluster_team(request.platform, cluster_id, team_id)
    messages.success(request, "Team access removed.")
    back = reverse("team_detail", args=[team_id]) if request.POST.get("from") == "team" else None
    return navigate(request, back or reverse("cluster_detail", args=[cluster_id]))


@require_safe
@signed_in
def team_clusters(request: SignedInRequest, team_id: str):
    """The team page's Clusters panel (GET /org/teams/{team}/clusters), loaded after the page; for infrastructure
    managers also the provisioned clusters it could be given (GET /infra/clusters), with Add and Remove."""
    page = client.list_team_clusters(request.platform, team_id)
    rows = [c for c in (page.included.cluster(row.id) for row in page.items) if c]
    manage = access_of(request).can(MANAGE)
    linked = {c.id for c in rows}
    offered = (
        [c for c in client.list_clusters(request.platform, limit=100).items if c.id not in linked] if manage else []
    )
    context = {"clusters": rows, "team_id": team_id, "manage": manage, "offered": offered}
    return render_fragment(request, "console/infrastructure/team_clusters.html", context)


@require_POST
@signed_in
def team_cluster_add(request: SignedInRequest, team_id: str):
    """From a team's page: POST /infra/clusters/{cluster}/teams with this team; back to the team page."""
    cluster_id = request.POST.get("cluster_id", "")
    if cluster_id:
        client.add_cluster_teams(request.platform, cluster_id, [team_id])
        messages.success(request, "The team can now use the cluster.")
    return navigate(request, reverse("team_detail", args=[team_id]))
