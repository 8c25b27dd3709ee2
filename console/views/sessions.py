"""Sessions (contract §3.19): Spark Connect sessions, each on its own Sail server, and notebooks' sessions.

The list filters by team, type and status (in the URL) and pages by marker. A session's page shows its
endpoint to its owner, with the lines a Spark Connect client needs; Close is offered to the owner, a team
admin of its team and org-level managers, Relaunch to the owner of a closed or failed one.
"""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import sessions as client
from console.client import workload_configs
from console.client.errors import Conflict, PlatformError, ValidationFailed
from console.forms.notebooks import SessionForm, SessionQuery
from console.htmx import navigate, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.access import team_access_of
from console.views.decorators import signed_in

LIST = "console/workloads/session_list.html"
NEW = "console/workloads/session_new.html"
DETAIL = "console/workloads/session_detail.html"
CREATE, CLOSE = "CanCreateSessions", "CanManageSessions"
REASONS = {
    "user_closed": "Closed by its owner",
    "closed_by_admin": "Closed by an admin",
    "idle_timeout": "Closed after its idle timeout",
    "notebook_stopped": "Its notebook stopped",
    "provisioning_failed": "Sail did not start",
    "compute_lost": "Its Sail server stopped",
}


@require_safe
@signed_in
def session_list(request: SignedInRequest):
    """GET /workloads/sessions with the URL's filters, and GET /me/teams for the team filter (2 calls)."""
    access = team_access_of(request)
    teams = sorted(access.names.items(), key=lambda pair: pair[1].lower())
    query = SessionQuery(request.GET, teams=teams)
    page = client.list_sessions(request.platform, **query.params())
    create_url = reverse("session_create") if access.teams_with(CREATE) else ""
    table = Table(
        id="session-table",
        caption="Sessions, newest first",
        query=query,
        rows=[(s, access.names.get(s.team_id, "")) for s in page.included.sessions],
        total=page.total,
        next_marker=page.marker,
        row=f"{LIST}#session-row",
        columns=[
            Column("Session"),
            Column("Status"),
            Column("Type"),
            Column("Team"),
            Column("Started"),
            Column("Last Spark activity"),
        ],
        empty=Empty(
            "No sessions",
            "A session is a Sail (Spark Connect) server of your own: point a Spark client at it and run SQL.",
            "terminal",
            create_url,
            "New session",
        ),
        filtered_empty=Empty("No session matches", "Try another team, type or status.", "search"),
        extra={"session_path": link_prefix("session_detail"), "me": access.org.member_id},
        noun=("session", "sessions"),
    )
    return render_page(request, LIST, {"table": table, "create_url": create_url}, partials="session-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def session_create(request: SignedInRequest):
    """POST /workloads/sessions on a compute profile of a team where the caller may create sessions (2 calls)."""
    access = team_access_of(request)
    found = [c for c in workload_configs.list_workload_configs(request.platform, limit=100).items
             if access.can_in(CREATE, c.team_id)]  # fmt: skip
    profiles = [(c.id, f"{c.name} · {access.names.get(c.team_id, 'another team')}") for c in found]
    form = SessionForm(request.POST if request.method == "POST" else None, profiles=profiles)
    if form.is_valid():
        data = form.cleaned_data
        profile = next(c for c in found if c.id == data["workload_config_id"])
        try:
            created = client.create_session(
                request.platform, team_id=profile.team_id, workload_config_id=profile.id, name=data["name"],
                idle_timeout_seconds=data["idle_timeout_seconds"],
            )  # fmt: skip
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Session “{created.name}” is starting.")
            return navigate(request, reverse("session_detail", args=[created.id]))
    context = {"form": form, "has_profiles": bool(profiles)}
    return render_page(request, NEW, context, partials="session-form", status=422 if form.errors else 200)


@require_safe
@never_cache
@signed_in
def session_detail(request: SignedInRequest, session_id: str):
    """GET /workloads/sessions/{id} and GET /me/teams (who may close it) (2 calls)."""
    session = client.describe_session(request.platform, session_id)
    access = team_access_of(request)
    mine = session.member_id == access.org.member_id
    context = {
        "session": session,
        "mine": mine,
        "team_name": access.names.get(session.team_id, ""),
        "can_close": session.live and session.endpoint_type == "spark_connect"
        and (mine or access.can_in(CLOSE, session.team_id)),
        "can_relaunch": mine and not session.live and session.endpoint_type == "spark_connect",
        "reason": REASONS.get(session.termination_reason or "", ""),
    }  # fmt: skip
    return render_page(request, DETAIL, context, partials="session-state")


@require_POST
@signed_in
def session_close(request: SignedInRequest, session_id: str):
    """DELETE /workloads/sessions/{id}: closed at once; Sail stops in the background."""
    try:
        client.close_session(request.platform, session_id)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Session closed.")
    return navigate(request, reverse("session_detail", args=[session_id]))


@require_POST
@signed_in
def session_relaunch(request: SignedInRequest, session_id: str):
    """POST /workloads/sessions/{id}/relaunch: a new session like this one."""
    try:
        fresh = client.relaunch_session(request.platform, session_id)
    except (Conflict, ValidationFailed) as error:
        messages.error(request, " ".join(error.field_errors.values()) or error.message)
        return navigate(request, reverse("session_detail", args=[session_id]))
    messages.success(request, f"Relaunched as a new session, “{fresh.name}”.")
    return navigate(request, reverse("session_detail", args=[fresh.id]))
