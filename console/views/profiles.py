"""Compute profiles, which the API calls workload configs (contract §3.20): the list, the create and edit form,
and a profile's page.

A profile belongs to one team and runs on one cluster linked to that team; its team and cluster never change.
CanViewWorkloadConfigs reads, CanManageWorkloadConfigs (in the profile's team or the organization) changes it.
The views decide what is offered; the platform enforces every action.
"""

from collections.abc import Sequence

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import workload_configs as client
from console.client.clusters import list_my_clusters
from console.client.errors import Conflict, Forbidden, PlatformError
from console.client.models.infra import ClusterRowPage
from console.client.models.workloads import WorkloadConfig
from console.client.secrets import list_secrets
from console.client.teams import list_teams
from console.forms.profiles import INSTANCE_TYPES, ProfileForm, ProfileQuery, instance_size
from console.htmx import navigate, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.access import team_access_of
from console.views.decorators import signed_in

LIST = "console/workloads/profile_list.html"
FORM = "console/workloads/profile_form.html"
DETAIL = "console/workloads/profile_detail.html"
MANAGE = "CanManageWorkloadConfigs"
MANAGERS = "Only Contributors and Team Admins (in their teams), Owners and Admins manage compute profiles."


def cluster_names(found: ClusterRowPage) -> dict[str, str]:
    return {c.id: c.name for c in found.included.clusters}


@require_safe
@signed_in
def profile_list(request: SignedInRequest):
    """GET /workloads/configs (?teamId, marker), my teams and my clusters for their names (3 calls)."""
    access = team_access_of(request)
    query = ProfileQuery(request.GET, teams=sorted(access.names.items(), key=lambda pair: pair[1].lower()))
    page = client.list_workload_configs(request.platform, **query.params())
    clusters = cluster_names(list_my_clusters(request.platform))
    teams = dict(access.names)
    if any(p.team_id not in teams for p in page.items):  # an org-level reader outside the team
        teams |= {s.team.id: s.team.name for s in list_teams(request.platform, limit=100).items}
    create_url = reverse("profile_create") if access.teams_with(MANAGE) else ""
    rows = [
        (
            p,
            teams.get(p.team_id, ""),
            clusters.get(p.cluster_id, ""),
            instance_size(p.sail.compute.driver.instance_type),
        )
        for p in page.items
    ]
    table = Table(
        id="profile-table",
        caption="Compute profiles, by name",
        query=query,
        rows=rows,
        next_marker=page.marker,
        row=f"{LIST}#profile-row",
        columns=[
            Column("Profile"),
            Column("Team"),
            Column("Cluster"),
            Column("Mode"),
            Column("Driver"),
            Column("Env. vars", css="num"),
            Column("Updated"),
        ],
        empty=Empty(
            "No compute profiles yet",
            "A compute profile says where and with what a session or notebook runs: the cluster, the driver and "
            "worker sizes, Python libraries, settings and environment variables (secrets included).",
            "cpu",
            create_url,
            "New compute profile",
        ),
        filtered_empty=Empty("No compute profile for this team", "No profile runs on a cluster this team may use."),
        extra={
            "team_path": link_prefix("team_detail"),
            "profile_path": link_prefix("profile_detail"),
        },
        noun=("compute profile", "compute profiles"),
    )
    return render_page(request, LIST, {"table": table, "create_url": create_url}, partials="profile-table")


def cluster_choices(found: ClusterRowPage) -> list[tuple[str, str]]:
    """Each usable cluster with the teams it is linked to: "local · Data Platform, ML"."""
    teams = {t.team.id: t.team.name for t in found.included.teams}
    names = cluster_names(found)
    choices = []
    for row in found.items:
        linked = ", ".join(teams[t] for t in row.team_ids if t in teams) or "no team"
        choices.append((row.id, f"{names.get(row.id, row.id)} · teams: {linked}"))
    return choices


def secret_choices(request, kept: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The secrets the caller may reference (GET /workloads/secrets), and any already referenced (`kept`)."""
    found = list_secrets(request.platform, limit=100)
    choices = [(s.id, f"{s.name}{' (revoked)' if s.revoked else ''}") for s in found.included.secrets]
    known = {secret_id for secret_id, _ in choices}
    return choices + [(secret_id, secret_id) for secret_id in kept if secret_id not in known]


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def profile_create(request: SignedInRequest):
    """POST /workloads/configs (3 calls to draw: my teams, my clusters, the secrets)."""
    teams = team_access_of(request).teams_with(MANAGE)
    if not teams:
        raise Forbidden(MANAGERS)
    clusters = cluster_choices(list_my_clusters(request.platform))
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, teams=teams, clusters=clusters, secrets=secret_choices(request))
    if form.is_valid():
        try:
            created = client.create_workload_config(
                request.platform,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                team_id=form.cleaned_data["team_id"],
                cluster_id=form.cleaned_data["cluster_id"],
                sail=form.sail(),
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Compute profile “{created.name}” created.")
            return navigate(request, reverse("profile_detail", args=[created.id]))
    context = {"form": form, "profile": None, "instance_types": INSTANCE_TYPES, "has_clusters": bool(clusters)}
    return render_page(request, FORM, context, partials="profile-form", status=422 if form.errors else 200)


def fixed_names(request, profile: WorkloadConfig) -> tuple[str, str]:
    """The names of the profile's team and cluster (GET /me/clusters, which carries the linked teams too)."""
    found = list_my_clusters(request.platform)
    teams = {t.team.id: t.team.name for t in found.included.teams}
    return teams.get(profile.team_id, ""), cluster_names(found).get(profile.cluster_id, "")


@require_safe
@never_cache
@signed_in
def profile_detail(request: SignedInRequest, config_id: str):
    """GET /workloads/configs/{id}, my teams and my clusters (3 calls); the secrets' names when it uses any (4)."""
    profile = client.describe_workload_config(request.platform, config_id)
    access = team_access_of(request)
    team_name, cluster_name = fixed_names(request, profile)
    sail = profile.sail
    used = [v.secret_id for v in sail.environment if v.source == "secret" and v.secret_id]
    secrets = dict(secret_choices(request, used)) if used else {}
    context = {
        "profile": profile,
        "sail": sail,
        "team_name": team_name or access.names.get(profile.team_id, ""),
        "cluster_name": cluster_name,
        "driver_size": instance_size(sail.compute.driver.instance_type),
        "worker_size": instance_size(sail.compute.worker.instance_type) if sail.compute.worker else "",
        "environment": [(v, secrets.get(v.secret_id or "", "")) for v in sail.environment],
        "manage": access.can_in(MANAGE, profile.team_id),
    }
    return render_page(request, DETAIL, context, partials="profile-page")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def profile_update(request: SignedInRequest, config_id: str):
    """PATCH /workloads/configs/{id}: everything but the team and cluster; applies to the next start (4 calls to
    draw: the profile, my teams, my clusters, the secrets)."""
    profile = client.describe_workload_config(request.platform, config_id)
    access = team_access_of(request)
    if not access.can_in(MANAGE, profile.team_id):
        raise Forbidden(MANAGERS)
    team_name, cluster_name = fixed_names(request, profile)
    sail = profile.sail
    used = [v.secret_id for v in sail.environment if v.secret_id]
    initial = {"name": profile.name, "description": profile.description or "", **ProfileForm.initial_of(sail)}
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        secrets=secret_choices(request, used),
        rows=len(sail.environment) + 3,
        editing=True,
    )
    if form.is_valid():
        try:
            client.update_workload_config(
                request.platform,
                config_id,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"] or None,
                config={"sail": form.sail(base=sail)},
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, "Compute profile saved. Sessions and notebooks use it from their next start.")
            return navigate(request, reverse("profile_detail", args=[config_id]))
    context = {
        "form": form,
        "profile": profile,
        "team_name": team_name or access.names.get(profile.team_id, ""),
        "cluster_name": cluster_name,
        "instance_types": INSTANCE_TYPES,
        "has_clusters": True,
    }
    return render_page(request, FORM, context, partials="profile-form", status=422 if form.errors else 200)


@require_POST
@signed_in
def profile_delete(request: SignedInRequest, config_id: str):
    """DELETE /workloads/configs/{id}: only a profile no notebook or open session uses (else 409 in_use)."""
    try:
        client.delete_workload_config(request.platform, config_id)
    except Conflict as error:
        messages.error(request, f"Not deleted. {error.message}")
        return navigate(request, reverse("profile_detail", args=[config_id]))
    messages.success(request, "Compute profile deleted.")
    return navigate(request, reverse("profile_list"))
