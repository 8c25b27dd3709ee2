"""Teams: the list (search, sort, paging, create dialog), a team's page, its settings and its deletion.

Who may do what (§1.13): Owners and Admins manage every team; a Team Admin manages their own team and its
members; everyone else reads. The views decide what is offered; the platform enforces every action.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client.errors import Forbidden, PlatformError
from console.client.members import list_members
from console.client.models.common import Role
from console.client.models.members import MemberEntry
from console.client.roles import list_team_roles
from console.client.teams import create_team, delete_team, describe_team, list_team_members, list_teams, update_team
from console.client.users import list_my_teams
from console.forms.teams import TeamForm, TeamMemberAddForm, TeamMemberQuery, TeamQuery
from console.htmx import navigate, render_page, targets
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix, row_link
from console.views.access import access_of
from console.views.decorators import signed_in

# The team role whose relations include CanManageTeams and CanManageUsers in its team (§1.13; keys are stable).
TEAM_ADMIN = "team_admin"
DEFAULT_ROLE = "contributor"
RANK = ("team_admin", "contributor", "viewer")  # most rights first, wherever team roles are offered
CANDIDATES = 8  # members the add-member picker offers at once
LIST = "console/teams/list.html"
DETAIL = "console/teams/detail.html"


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
    """The fixed team-role catalogue (GET /org/team-roles), most rights first."""
    return ranked([summary.role for summary in list_team_roles(platform).items])


def ranked(roles: list[Role]) -> list[Role]:
    """Team roles in one order on every screen (the platform lists them by name): Team Admin, Contributor, Viewer."""
    return sorted(roles, key=lambda role: RANK.index(role.key) if role.key in RANK else len(RANK))


def default_role_id(roles: list[Role]) -> str | None:
    return next((role.id for role in roles if role.key == DEFAULT_ROLE), roles[0].id if roles else None)


def candidates(platform, text: str) -> list[MemberEntry]:
    """Active organization members matching what was typed, for the add-member picker (GET /org/members)."""
    return list_members(platform, search=text, status="active", limit=CANDIDATES).rows


@require_safe
@signed_in
def team_list(request: SignedInRequest):
    """GET /org/teams: one platform call (the create dialog loads its form when opened)."""
    query = TeamQuery(request.GET)
    page = list_teams(request.platform, **query.params())
    can_create = access_of(request).can("CanManageTeams")
    create_url = reverse("team_create") if can_create else ""  # "" when the user may not create teams
    table = Table(
        id="team-table",
        caption="Teams, with their member counts",
        query=query,
        rows=page.items,
        total=page.total,
        row=f"{LIST}#team-row",
        columns=[Column("Team", sort="name"), Column("Members", css="num"), Column("Created")],
        empty=Empty(
            "No teams yet",
            "Create a team to share catalogs, jobs and notebooks with a group of members."
            if can_create
            else "Owners and Admins create teams. Teams you are added to will appear here.",
            "diagram-3",
            create_url,
            "Create team",
        ),
        # Its link clears the search (the table adds the URL when it shows this).
        filtered_empty=Empty("No teams match", "Try another name, or clear the search.", "search", "", "Clear search"),
        extra={"team_path": link_prefix("team_detail")},
        noun=("team", "teams"),
    )
    return render_page(request, LIST, {"table": table, "create_url": create_url}, partials="team-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def team_create(request: SignedInRequest):
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
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Team “{created.team.name}” created. You are its Team Admin.")
            return navigate(request, reverse("team_detail", args=[created.team.id]))
    status = 422 if form.errors else 200
    return render_page(request, "console/teams/new.html", {"form": form}, partials="team-form", status=status)


@require_safe
@signed_in
def team_detail(request: SignedInRequest, team_id):
    """The members tab: the team and one page of its members (2 calls; GET /me/teams for who is no org admin)."""
    return render_detail(request, team_id)


def render_detail(request, team_id, *, add_form=None, editing=None, status=200):
    """The team page, or the part htmx aims at; `add_form` after a refusal, `editing` for a row's open roles form."""
    platform = request.platform
    summary = describe_team(platform, team_id)
    query = TeamMemberQuery(request.GET)
    members = list_team_members(platform, team_id, **query.params())
    rights = rights_in(request, team_id)
    team = summary.team
    if add_form is None:
        initial = {"find": request.GET.get("find", ""), "role_id": team.default_role_id}
        add_form = TeamMemberAddForm(initial=initial, team_roles=members.team_roles)
    find = str(add_form["find"].value() or "").strip()[:200]
    picker = rights.manage_members and find and not targets(request, "team-members")
    default_role = next((r for r in members.team_roles if r.id == team.default_role_id), None)
    context = {
        "summary": summary,
        "team": team,
        "table": member_table(team, query, members, rights, editing),
        "rights": rights,
        # The header counts the rows the table lists: explicit members and those inherited through an org role.
        "member_total": members.total,
        "inherited_total": members.total - summary.member_count,
        "default_role": default_role,
        "role_hint": f"{default_role.name} is this team's default role." if default_role else "",
        "add_form": add_form,
        "find": find,
        "candidates": candidates(platform, find) if picker else None,
    }
    partials = {"team-members": "team-members", "add-member": "add-member"}
    return render_page(request, DETAIL, context, partials=partials, status=status)


def member_table(team, query, members, rights, editing) -> Table:
    """The team's members: sortable by name and email; the row partial offers the actions the caller has."""
    return Table(
        id="team-members",
        caption=f"Members of {team.name}, with their team role",
        query=query,
        rows=members.rows,
        total=members.total,
        row=f"{DETAIL}#member-row",
        columns=[
            Column("Name", sort="name"),
            Column("Email", sort="email"),
            Column("Team role"),
            Column("Added"),
            Column("Actions", css="actions"),
        ],
        empty=Empty(
            "Nobody on this team yet",
            "Add members above; each gets one team role, the team's default unless you choose another."
            if rights.manage_members
            else "Members the team's admins add will appear here.",
            "people",
        ),
        # `editing`: {"member_id", "form"}, the roles form drawn open in that member's row (asked for without
        # JavaScript, or refused); every other row loads its form when Change is opened.
        extra={
            "team": team,
            "team_roles": ranked(members.team_roles),
            "manage": rights.manage_members,
            "editing": editing,
            "member_path": link_prefix("member_detail"),
            "roles_link": row_link("team_member_roles", team.id),
            "remove_link": row_link("team_member_remove", team.id),
        },
        noun=("member", "members"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def team_settings(request: SignedInRequest, team_id):
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
            except PlatformError as error:
                form.add_platform_error(error)
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
def team_delete(request: SignedInRequest, team_id):
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
