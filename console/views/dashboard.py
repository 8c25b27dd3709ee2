"""Dashboard: what the organization is at a glance, for every member (five platform calls)."""

from django.views.decorators.http import require_safe

from console.client.members import list_members
from console.client.organization import describe_settings
from console.client.roles import list_roles
from console.client.teams import list_teams
from console.htmx import render_page
from console.requests import SignedInRequest
from console.sessions import read_identity
from console.views.decorators import signed_in

TEAMS_SHOWN = 6


@require_safe
@signed_in
def dashboard_show(request: SignedInRequest):
    """Organization, member counts, members by role, teams, the caller's access and security settings."""
    platform = request.platform
    identity = read_identity(request.session)
    settings = describe_settings(platform)
    roles = list_roles(platform).items  # the whole fixed catalogue, with member counts
    by_count = sorted(roles, key=lambda summary: (-summary.member_count, summary.role.name.lower()))
    teams = list_teams(platform, limit=TEAMS_SHOWN)
    members_total = list_members(platform, limit=0).total
    members_active = list_members(platform, limit=0, status="active").total
    role_ids = set(identity.role_ids) if identity else set()
    my_roles = [summary for summary in roles if summary.role.id in role_ids]
    context = {
        "settings": settings,
        "roles": by_count,
        "default_role": next((s.role for s in roles if s.role.id == settings.default_role_id), None),
        "teams": teams,
        "members_total": members_total,
        "members_active": members_active,
        "members_deactivated": members_total - members_active,
        "my_roles": my_roles,
        "my_role_names": ", ".join(summary.role.name for summary in my_roles),
        "break_glass": any(summary.role.break_glass for summary in my_roles),
    }
    return render_page(request, "console/dashboard/show.html", context, partials="overview")
