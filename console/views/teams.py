"""Teams: the list (search, sort, paging, create dialog), a team's page, its settings and its deletion.

Who may do what (§1.13): Owners and Admins manage every team; a Team Admin manages their own team and its
members; everyone else reads. The views decide what is offered; the platform enforces every action.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client.errors import Conflict, Forbidden, ValidationFailed
from console.client.members import list_members
from console.client.models.common import Role
from console.client.models.members import MemberEntry
from console.client.roles import list_team_roles
from console.client.teams import create_team, delete_team, describe_team, list_team_members, list_teams, update_team
from console.client.users import list_my_teams
from console.forms.teams import MEMBER_SORTS, ListQueryForm, TeamForm
from console.htmx import navigate, render_page
from console.views.access import access_of
from console.views.decorators import signed_in

# The team role whose relations include CanManageTeams and CanManageUsers in its team (§1.13; keys are stable).
TEAM_ADMIN = "team_admin"
DEFAULT_ROLE = "contributor"
CANDIDATES = 8  # members the add-member picker offers at once


@dataclass(frozen=True)
class TeamRights:
    manage_team: bool  # CanManageTeams@team: rename, settings, delete
    manage_members: bool  # CanManageUsers@team: add and remove members, change their team roles


def rights_in(request, team_id: str) -> TeamRights:
    """The caller's rights in one team: from their org roles, else from their own roles in that team."""
    access = access_of(request)
    org_teams, org_users = access.can("CanManageTeams"), access.can("CanManageUsers")
    if org_teams and org_users:
        return TeamRights(True, True)
    mine = list_my_teams(request.platform)
    entry = next((item for item in mine.items if item.team.id == team_id), None)
    admin = entry is not None and (entry.inherited or any(r.key == TEAM_ADMIN for r in mine.roles_of(entry)))
    return TeamRights(org_teams or admin, org_users or admin)


def team_roles(platform) -> list[Role]:
    """The fixed team-role catalogue (GET /org/team-roles)."""
    return [summary.role for summary in list_team_roles(platform).items]


def default_role_id(roles: list[Role]) -> str | None:
    return next((role.id for role in roles if role.key == DEFAULT_ROLE), roles[0].id if roles else None)


def candidates(platform, text: str) -> list[MemberEntry]:
    """Active organization members matching what was typed, for the add-member picker (GET /org/members)."""
    return list_members(platform, search=text, status="active", limit=CANDIDATES).rows


@require_safe
@signed_in
def team_list(request):
    """GET /org/teams: one platform call (the create dialog loads its form when opened)."""
    query = ListQueryForm(request.GET)
    search = (query.value("q") or "").strip()
    page = list_teams(request.platform, search=search or None, **query.params())
    can_create = access_of(request).can("CanManageTeams")
    context = {
        "page": page,
        "search": search,
        "sort": query.value("sort") or "name",
        "page_number": query.params()["page"],
        "page_size": query.params()["limit"],
        "can_create": can_create,
        "columns": [
            {"key": "name", "label": "Team"},
            {"key": "", "label": "Members", "css": "num"},
            {"key": "", "label": "Created"},
        ],
    }
    return render_page(request, "console/teams/list.html", context, partials="team-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def team_create(request):
    """The create form (a page, or the dialog's content); POST /org/teams, mistakes shown at their field."""
    if not access_of(request).can("CanManageTeams"):
        raise Forbidden("Only Owners and Admins can create teams.")
    roles = team_roles(request.platform)
    data = request.POST if request.method == "POST" else None
    form = TeamForm(data, team_roles=roles, initial={"default_role_id": default_role_id(roles)})
    if form.is_valid():
        try:
            created = create_team(
                request.platform,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                default_role_id=form.cleaned_data["default_role_id"],
            )
        except (Conflict, ValidationFailed) as error:
            if not form.add_platform_error(error):
                raise
        else:
            messages.success(request, f"Team “{created.team.name}” created. You are its Team Admin.")
            return navigate(request, reverse("team_detail", args=[created.team.id]))
    status = 422 if form.errors else 200
    return render_page(request, "console/teams/new.html", {"form": form}, partials="team-form", status=status)


@require_safe
@signed_in
def team_detail(request, team_id):
    """The members tab: the team, one page of its members, and the caller's rights in it (3 or 4 calls)."""
    platform = request.platform
    summary = describe_team(platform, team_id)
    query = ListQueryForm(request.GET, sorts=MEMBER_SORTS)
    members = list_team_members(platform, team_id, **query.params())
    rights = rights_in(request, team_id)
    context = {
        "summary": summary,
        "team": summary.team,
        "members": members,
        "rights": rights,
        "default_role": next((r for r in members.team_roles if r.id == summary.team.default_role_id), None),
        "sort": query.value("sort") or "name",
        "page_number": query.params()["page"],
        "page_size": query.params()["limit"],
        "find": request.GET.get("find", "").strip()[:200],
        "columns": [
            {"key": "name", "label": "Name"},
            {"key": "email", "label": "Email"},
            {"key": "", "label": "Team roles"},
            {"key": "", "label": "Added"},
            {"key": "", "label": ""},
        ],
    }
    if rights.manage_members and context["find"]:
        context["candidates"] = candidates(platform, context["find"])
    return render_page(request, "console/teams/detail.html", context, partials="team-members")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def team_settings(request, team_id):
    """The settings tab: name, description and default role (PATCH /org/teams/{team}); read-only without rights."""
    platform = request.platform
    summary = describe_team(platform, team_id)
    roles = team_roles(platform)
    rights = rights_in(request, team_id)
    team = summary.team
    initial = {"name": team.name, "description": team.description or "", "default_role_id": team.default_role_id}
    form = TeamForm(request.POST if request.method == "POST" else None, team_roles=roles, initial=initial)
    if request.method == "POST":
        if not rights.manage_team:
            raise Forbidden("Only this team's admins, and Owners and Admins, can change its settings.")
        if form.is_valid():
            try:
                update_team(
                    platform,
                    team_id,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"] or None,
                    default_role_id=form.cleaned_data["default_role_id"],
                )
            except (Conflict, ValidationFailed) as error:
                if not form.add_platform_error(error):
                    raise
            else:
                messages.success(request, "Team settings saved.")
                return navigate(request, reverse("team_settings", args=[team_id]))
    context = {
        "summary": summary,
        "team": team,
        "form": form,
        "rights": rights,
        "default_role": next((r for r in roles if r.id == team.default_role_id), None),
    }
    status = 422 if form.errors else 200
    return render_page(request, "console/teams/settings.html", context, partials="team-settings-form", status=status)


@require_POST
@signed_in
def team_delete(request, team_id):
    """DELETE /org/teams/{team}, after the confirmation on the settings tab; back to the list."""
    summary = describe_team(request.platform, team_id)
    delete_team(request.platform, team_id)
    lost = summary.member_count
    messages.success(
        request,
        f"Team “{summary.team.name}” deleted. {lost} member{'' if lost == 1 else 's'} lost "
        "their roles in it and access to what was shared only with it.",
    )
    return navigate(request, reverse("team_list"))
