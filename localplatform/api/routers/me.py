"""/me: the calling identity and its organizations (contract §3.3)."""

from ninja import Router

from localplatform.api import shapes
from localplatform.api.auth import OPTIONAL, BearerAuth
from localplatform.identity.models import Member

router = Router(tags=["users"])


@router.get(
    "",
    auth=BearerAuth(org=OPTIONAL, gate_exempt=True),
    response={200: shapes.Me, **shapes.errors(400, 401, 403)},
    summary="Get current user profile",
)
def me_show(request):
    """Returns the calling identity, its membership in the organization in context and all its organizations."""
    actor = request.auth
    memberships = (
        Member.objects.filter(user=actor.user, status=Member.ACTIVE)
        .select_related("organization")
        .prefetch_related("roles")
        .order_by("organization__name", "organization_id")
    )
    return {
        "root": {},
        "user": shapes.user_data(actor.user, actor.member),
        "serviceAccount": None,
        "organization": shapes.organization_data(actor.organization) if actor.organization else None,
        "member": shapes.member_data(actor.member) if actor.member else None,
        "organizations": [
            {
                "organization": shapes.organization_data(m.organization),
                "memberId": m.id,
                "roleIds": [role.id for role in m.roles.all()],
            }
            for m in memberships
        ],
    }
