"""/org/teams: the organization's teams (contract §3.10)."""

from typing import Literal

from django.db.models import Count, Q
from django.db.models.functions import Lower
from ninja import Query, Router

from localplatform.api import shapes
from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import PageQuery, page_slice
from localplatform.identity.models import Team

router = Router(tags=["teams"], auth=BearerAuth())


class TeamQuery(PageQuery):
    search: str = ""
    sortBy: Literal["name", "email"] = "name"  # teams have no email: "email" sorts by name (docs)


@router.get(
    "/teams",
    response={200: shapes.TeamPage, **shapes.errors(400, 401, 403)},
    summary="List teams",
)
def team_list(request, query: Query[TeamQuery]):
    """Lists the organization's teams with their member counts."""
    actor = request.auth
    actor.require("CanViewOrganization")
    teams = Team.objects.filter(organization=actor.organization)
    if query.search:
        teams = teams.filter(Q(name__icontains=query.search) | Q(description__icontains=query.search))
    name = Lower("name")
    teams = teams.annotate(member_count=Count("memberships")).order_by(
        name.desc() if query.sortDirection == "desc" else name.asc(), "id"
    )
    total, page = page_slice(teams, query)
    return {"total": total, "items": [shapes.team_summary_data(team, team.member_count) for team in page]}
