"""Dashboard: the organization at a glance for every member, each number a link to the list it counts.

Four platform calls, whoever looks: the settings, the org-role catalogue (member counts per role), the
member total, and one call for the teams. Owners and Admins are Team Admins of every team, so their teams
are the organization's (GET /org/teams, first page); everyone else sees their own (GET /me/teams).
"""

from dataclasses import dataclass

from django.views.decorators.http import require_safe

from console.client.members import list_members
from console.client.models.common import Role, Team
from console.client.organization import describe_settings
from console.client.roles import list_roles
from console.client.teams import list_teams
from console.client.users import list_my_teams
from console.htmx import render_page
from console.requests import SignedInRequest
from console.sessions import read_identity
from console.views.decorators import signed_in

TEAMS_SHOWN = 6


@dataclass(frozen=True)
class TeamLine:
    """One team on the dashboard, with the caller's role in it (none shown for Owners and Admins: Team Admin)."""

    team: Team
    member_count: int
    roles: list[Role]


@require_safe
@signed_in
def dashboard_show(request: SignedInRequest):
    """Organization, members by role, the caller's access and teams, security settings (four calls)."""
    platform = request.platform
    identity = read_identity(request.session)
    settings = describe_settings(platform)
    roles = list_roles(platform).items  # the whole fixed catalogue, with member counts
    members_total = list_members(platform, limit=0).total
    role_ids = set(identity.role_ids) if identity else set()
    my_roles = [summary for summary in roles if summary.role.id in role_ids]
    every_team = any(summary.role.all_teams for summary in my_roles)
    if every_team:
        page = list_teams(platform, limit=TEAMS_SHOWN)
        teams = [TeamLine(s.team, s.member_count, []) for s in page.items]
        teams_total = page.total
    else:
        mine = list_my_teams(platform)
        teams = [TeamLine(e.team, e.member_count, mine.roles_of(e)) for e in mine.items]
        teams_total = len(teams)
    context = {
        "settings": settings,
        "roles": sorted(roles, key=lambda summary: (-summary.member_count, summary.role.name.lower())),
        "default_role": next((s.role for s in roles if s.role.id == settings.default_role_id), None),
        "members_total": members_total,
        "every_team": every_team,
        "teams": teams,
        "teams_total": teams_total,
        "my_member_id": my_member_id(identity),
        "my_roles": my_roles,
        "my_role_names": ", ".join(summary.role.name for summary in my_roles),
        "break_glass": any(summary.role.break_glass for summary in my_roles),
    }
    return render_page(request, "console/dashboard/show.html", context, partials="overview")


def my_member_id(identity) -> str | None:
    """The caller's membership in the organization in context, for the link to their own member page."""
    if identity is None:
        return None
    return next((o.member_id for o in identity.organizations if o.id == identity.organization_id), None)
