"""Notebooks (contract §3.18): the list of mine and my teams', the new-notebook form, and a notebook's page.

The page shows the notebook's state and, while it runs, Marimo in an iframe. The frame's address is a
single-use, five-minute URL the console asks for server-side on every page load (never cached); the page's
Content-Security-Policy allows exactly that frame's origin. While the page is visible, console.js sends a
presence heartbeat through the console (notebook_activity) every LAKESAIL_HEARTBEAT_SECONDS; none while hidden.
The state region polls (notebook_state) and reloads the page when the notebook comes up or goes down.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import notebooks as client
from console.client import workload_configs
from console.client.errors import Conflict, NotFound, PlatformError, ValidationFailed
from console.client.members import describe_member
from console.client.models.workloads import NotebookDetail, NotebookOpen
from console.forms.notebooks import NotebookForm, NotebookQuery
from console.htmx import navigate, render_fragment, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.access import TeamAccess, team_access_of
from console.views.decorators import signed_in

LIST = "console/workloads/notebook_list.html"
NEW = "console/workloads/notebook_new.html"
DETAIL = "console/workloads/notebook_detail.html"
MANAGE, CREATE = "CanManageNotebooks", "CanCreateSessions"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@require_safe
@signed_in
def notebook_list(request: SignedInRequest):
    """GET /workloads/notebooks (mine and my teams'), and GET /me/teams for what may be created (2 calls)."""
    query = NotebookQuery(request.GET)
    page = client.list_notebooks(request.platform, page=query.page_number, limit=query.page_size)
    access = team_access_of(request)
    create_url = reverse("notebook_create") if access.teams_with(CREATE) else ""
    included = page.included
    notebooks = {n.id: n for n in included.notebooks}
    profiles = {c.id: c for c in included.workload_configs}
    teams = {t.team.id: t for t in included.teams}
    rows = [
        (notebooks[r.notebook_id], profiles.get(r.workload_config_id), [teams[t] for t in r.team_ids if t in teams])
        for r in page.items
        if r.notebook_id in notebooks
    ]
    moving = any(n.moving for n, _, _ in rows)
    table = Table(
        id="notebook-table",
        caption="Notebooks, most recently changed first",
        query=query,
        rows=rows,
        total=page.total,
        row=f"{LIST}#notebook-row",
        columns=[
            Column("Notebook"),
            Column("Status"),
            Column("Compute profile"),
            Column("Shared with"),
            Column("Changed"),
        ],
        empty=Empty(
            "No notebooks yet",
            "A notebook is a Marimo notebook with its own Sail (Spark Connect) session, run from here.",
            "journal-code",
            create_url,
            "New notebook",
        ),
        extra={
            "notebook_path": link_prefix("notebook_detail"),
            "team_path": link_prefix("team_detail"),
            "me": access.org.member_id,
        },
        noun=("notebook", "notebooks"),
    )
    context = {"table": table, "create_url": create_url, "moving": moving}
    return render_page(request, LIST, context, partials="notebook-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def notebook_create(request: SignedInRequest):
    """POST /workloads/notebooks (2 calls to draw: the compute profiles, and my teams)."""
    access = team_access_of(request)
    found = workload_configs.list_workload_configs(request.platform, limit=100).items
    profiles = [(c.id, f"{c.name} · {access.names.get(c.team_id, 'another team')}") for c in found
                if access.can_in(CREATE, c.team_id)]  # fmt: skip
    form = NotebookForm(
        request.POST if request.method == "POST" else None, profiles=profiles, teams=access.teams_with(MANAGE)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = client.create_notebook(
                request.platform, name=data["name"], description=data["description"],
                workload_config_id=data["workload_config_id"], team_ids=data["team_ids"],
                idle_timeout_seconds=data["idle_timeout_seconds"],
                detached_timeout_seconds=data["detached_timeout_seconds"],
            )  # fmt: skip
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Notebook “{created.notebook.name}” created. Start it to open it.")
            return navigate(request, reverse("notebook_detail", args=[created.notebook.id]))
    context = {"form": form, "has_profiles": bool(profiles)}
    return render_page(request, NEW, context, partials="notebook-form", status=422 if form.errors else 200)


def can_manage(access: TeamAccess, detail: NotebookDetail) -> bool:
    notebook = detail.notebook
    return notebook.member_id == access.org.member_id or access.can_in_any(MANAGE, detail.team_ids)


def frame_url(request, opened: NotebookOpen) -> str:
    """The open URL, on the host name this page was loaded from when both are loopback names (same site:
    Marimo's proxy cookie is SameSite=Lax, so localhost and 127.0.0.1 must not be mixed)."""
    parts = urlsplit(opened.url)
    here = request.get_host().rsplit(":", 1)[0]
    if parts.hostname in LOOPBACK and here in LOOPBACK and parts.hostname != here:
        return urlunsplit(parts._replace(netloc=f"{here}:{parts.port}"))
    return opened.url


@require_safe
@never_cache
@signed_in
def notebook_detail(request: SignedInRequest, notebook_id: str):
    """GET /workloads/notebooks/{id} and GET /me/teams; when it runs, POST …/open for the frame (3 calls), and
    the owner's name when it is someone else's (GET /org/members/{id})."""
    detail = client.describe_notebook(request.platform, notebook_id)
    access = team_access_of(request)
    notebook = detail.notebook
    mine = notebook.member_id == access.org.member_id
    owner = "You" if mine else owner_name(request, notebook.member_id)
    opened, frame, problem = None, "", ""
    if notebook.up:
        try:
            opened = client.open_notebook(request.platform, notebook_id)
        except Conflict as error:  # it stopped between the two calls
            problem = error.message
        else:
            frame = frame_url(request, opened)
    context = {
        "detail": detail,
        "notebook": notebook,
        "profile": detail.config,
        "session": detail.session,
        "teams": detail.included.teams,
        "owner": owner,
        "manage": can_manage(access, detail),
        "opened": opened,
        "frame": frame,
        "problem": problem,
        "heartbeat_seconds": settings.LAKESAIL_HEARTBEAT_SECONDS,
        "team_path": link_prefix("team_detail"),
    }
    response = render_page(request, DETAIL, context)
    if frame:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(frame))
        response._csp_config = {**settings.SECURE_CSP, "frame-src": [origin]}  # type: ignore[attr-defined]
    return response


def owner_name(request, member_id: str) -> str:
    try:
        return describe_member(request.platform, member_id).member.display_name
    except NotFound:
        return "A former member"


@require_safe
@never_cache
@signed_in
def notebook_state(request: SignedInRequest, notebook_id: str):
    """The state region, polled (GET /workloads/notebooks/{id}, 1 call): the page reloads when the notebook came
    up or went down since it was drawn (`was`), so the frame appears or goes with a fresh address and policy."""
    detail = client.describe_notebook(request.platform, notebook_id)
    notebook = detail.notebook
    was = request.GET.get("was", "")
    if was and phase(notebook.status) != phase(was):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    context = {"notebook": notebook, "session": detail.session}
    return render_fragment(request, f"{DETAIL}#notebook-state", context)


def phase(status: str) -> str:
    """What the page shows: the frame (up), progress (moving), or a stopped notebook (down)."""
    if status in ("running", "idle", "detached"):
        return "up"
    return "moving" if status in ("starting", "stopping") else "down"


@require_POST
@signed_in
def notebook_activity(request: SignedInRequest, notebook_id: str):
    """The page's heartbeat: POST /workloads/notebooks/{id}/activity. 409 says it is no longer up."""
    try:
        client.record_notebook_activity(request.platform, notebook_id)
    except Conflict:
        return HttpResponse(status=409)
    return HttpResponse(status=204)


def act(request, notebook_id: str, call, done: str):
    """Start or stop; a refusal the platform explains (409, 422) is said on the page."""
    try:
        call(request.platform, notebook_id)
    except (Conflict, ValidationFailed) as error:
        messages.error(request, " ".join(error.field_errors.values()) or error.message)
    else:
        messages.success(request, done)
    # A full load, never a swap: the page's policy must name the frame's origin once it runs.
    return navigate(request, reverse("notebook_detail", args=[notebook_id]), reload=True)


@require_POST
@signed_in
def notebook_start(request: SignedInRequest, notebook_id: str):
    return act(request, notebook_id, client.start_notebook, "Starting: Sail and Marimo are on their way.")


@require_POST
@signed_in
def notebook_stop(request: SignedInRequest, notebook_id: str):
    return act(request, notebook_id, client.stop_notebook, "Stopping the notebook.")


@require_POST
@signed_in
def notebook_delete(request: SignedInRequest, notebook_id: str):
    """DELETE /workloads/notebooks/{id}; a running one stops in the background."""
    client.delete_notebook(request.platform, notebook_id)
    messages.success(request, "Notebook deleted.")
    return navigate(request, reverse("notebook_list"))
