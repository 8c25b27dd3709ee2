"""/me: the calling identity and its organizations (contract §3.3)."""

from ninja import Router
from pydantic import Field

from localplatform.accounts.services import profile
from localplatform.api import shapes
from localplatform.api.auth import OPTIONAL, BearerAuth
from localplatform.api.schemas import Input
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
    return me_data(request.auth)


class ProfileIn(Input):
    email: str | None = Field(None, max_length=254)
    givenName: str | None = Field(None, min_length=1, max_length=255)
    familyName: str | None = Field(None, min_length=1, max_length=255)
    displayName: str | None = Field(None, min_length=1, max_length=255)


@router.patch(
    "",
    auth=BearerAuth(org=OPTIONAL),
    response={200: shapes.Me, **shapes.errors(400, 401, 403, 422)},
    summary="Update my profile",
)
def me_update(request, body: ProfileIn):
    """Edits the caller's own name fields and primary email (one of their verified addresses)."""
    actor = request.auth
    profile.update(actor.user, body.email, body.givenName, body.familyName, body.displayName)
    if actor.member is not None:
        actor.member.refresh_from_db()
    return me_data(actor)


def me_data(actor) -> dict:
    """Me (§2.1) for the calling actor."""
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
