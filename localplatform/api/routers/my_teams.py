"""GET /me/teams: the caller's teams with their team roles (contract §3.3.9)."""

from ninja import Router

from localplatform.api import shapes, team_shapes
from localplatform.api.auth import BearerAuth
from localplatform.identity.services import teams

router = Router(tags=["users"], auth=BearerAuth())


@router.get(
    "/teams",
    response={200: team_shapes.MyTeamList, **shapes.errors(400, 401, 403)},
    summary="List my teams",
)
def my_team_list(request):
    """Lists the teams the caller belongs to in this organization, inherited (allTeams) memberships included."""
    actor = request.auth
    return {
        "items": [
            {**shapes.team_summary_data(team, count), "roleIds": role_ids, "inherited": inherited}
            for team, count, role_ids, inherited in teams.teams_of(actor.member)
        ],
        "included": team_shapes.team_roles_included(actor.organization.id),
    }
