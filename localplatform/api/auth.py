"""Who is calling: token authentication (Bearer or DPoP), organization context and the Actor every router checks
(§1.4, §1.13)."""

import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from localplatform.errors import PlatformError
from localplatform.identity.models import Login, Member, Organization, User
from localplatform.identity.services import dpop
from localplatform.identity.services.permissions import Access
from localplatform.identity.services.tokens import needs_mfa_enrollment, read_access_token
from localplatform.ids import is_valid_id

ORG_HEADER = "LakeSail-Organization-Id"
DPOP_HEADER = "DPoP"

# Organization context modes
REQUIRED = "required"  # organization-scoped route
OPTIONAL = "optional"  # GET/PATCH /me: fills organization and member when there is one
NONE = "none"  # not organization-scoped; the header is ignored


@dataclass
class Actor:
    """The authenticated caller of one request."""

    user: User
    login: Login
    organization: Organization | None
    member: Member | None
    access: Access | None

    def require(self, relation: str) -> None:
        """R@org, or 403 permission_denied."""
        if self.access is None or not self.access.has(relation):
            raise PlatformError("permission_denied")

    def can(self, relation: str) -> bool:
        return self.access is not None and self.access.has(relation)


class BearerAuth:
    """ninja auth callable: `auth=BearerAuth()`; the Actor is then `request.auth`."""

    # Read by ninja's OpenAPI generator: the contract's BearerAuth scheme (§1.4).
    openapi_security_schema = {"type": "http", "scheme": "bearer"}

    def __init__(self, org: str = REQUIRED, gate_exempt: bool = False):
        self.org = org
        self.gate_exempt = gate_exempt

    def __call__(self, request) -> Actor:
        header = request.headers.get("Authorization", "")
        if not header.strip():
            raise PlatformError("unauthenticated")
        scheme, _, token = header.strip().partition(" ")
        scheme, token = scheme.lower(), token.strip()
        if scheme not in ("bearer", "dpop") or not token:
            raise PlatformError(
                "invalid_token",
                "Send the access token as 'Authorization: Bearer <token>', or 'DPoP <token>' when bound.",
            )
        login, jkt = read_access_token(token)
        check_binding(request, scheme, token, jkt)
        user = login.user
        if not user.is_active:
            raise PlatformError("account_disabled")
        if login.mfa_enrollment_required and not self.gate_exempt:
            raise PlatformError("mfa_enrollment_required", "Set up multi-factor authentication to continue.")
        organization, member = self.organization_context(request, login)
        if (
            organization is not None
            and organization.pk != login.organization_id
            and not self.gate_exempt
            and needs_mfa_enrollment(user, organization, login.method)
        ):  # an organization picked by header gates an unenrolled user like a login into it (§1.4)
            raise PlatformError("mfa_enrollment_required", "This organization requires multi-factor authentication.")
        if jkt is None and requires_dpop(login.organization, organization):  # read now: applies from the next request
            raise dpop.refusal(
                "dpop_required", "This organization requires DPoP-bound tokens: sign in again with a DPoP proof."
            )
        access = Access.of(member) if member is not None else None
        actor = Actor(user=user, login=login, organization=organization, member=member, access=access)
        request.actor = actor
        return actor

    def organization_context(self, request, login: Login) -> tuple[Organization | None, Member | None]:
        if self.org == NONE:
            return None, None
        org_id = request.headers.get(ORG_HEADER, "").strip() or login.organization_id
        if org_id is None:
            if self.org == REQUIRED:
                raise PlatformError("organization_access_denied", "This request needs an organization.")
            return None, None
        if not is_valid_id(org_id):
            raise PlatformError("invalid_request", f"{ORG_HEADER} is not a valid id.")
        member = (
            Member.objects.select_related("organization", "user")
            .prefetch_related("roles")
            .filter(organization_id=org_id, user=login.user)
            .first()
        )
        if member is None:
            raise PlatformError("organization_access_denied")
        if member.status != Member.ACTIVE:
            raise PlatformError("account_disabled", "Your membership in this organization is deactivated.")
        return member.organization, member


def check_binding(request, scheme: str, token: str, jkt: str | None) -> None:
    """A bound token comes as `DPoP <token>` with a proof signed by its key; an unbound one as `Bearer` (§1.4)."""
    if jkt is None:
        if scheme == "dpop":
            raise PlatformError("invalid_token", "This token is not DPoP-bound: send it as 'Authorization: Bearer'.")
        return
    if scheme == "bearer":
        raise dpop.refusal(
            "invalid_token", "This token is DPoP-bound: send it as 'Authorization: DPoP <token>' with a DPoP proof."
        )
    proof = dpop.verify(request.headers.get(DPOP_HEADER), request.method, request_urls(request), access_token=token)
    if not hmac.compare_digest(proof.jkt, jkt):
        raise dpop.invalid("The DPoP proof is signed with another key than the token is bound to.")


def requires_dpop(*organizations: Organization | None) -> bool:
    """The token's organization or the one in context requires DPoP (requireDpop)."""
    return any(organization is not None and organization.require_dpop for organization in organizations)


def request_urls(request) -> list[str]:
    """The URLs a proof's `htu` may name for this request: the URL it was sent to, and the public one (§7).

    Behind a proxy that does not pass the public host on, LAKESAIL_PUBLIC_BASE_URL names the origin
    clients use; the request's own origin stays valid for clients that reach the platform directly (a
    console calling a platform in another process, whose LAKESAIL_PUBLIC_BASE_URL is the console's).
    """
    own = request.build_absolute_uri(request.path)
    if not settings.LAKESAIL_PUBLIC_BASE_URL:
        return [own]
    public = urlsplit(settings.LAKESAIL_PUBLIC_BASE_URL)
    return [own, f"{public.scheme}://{public.netloc}{urlsplit(own).path}"]


def token_request_proof(request) -> dpop.Proof | None:
    """The verified DPoP proof of a token-issuing request (no `ath`), None when it sent none; 401 when invalid."""
    value = request.headers.get(DPOP_HEADER)
    if value is None:
        return None
    return dpop.verify(value, request.method, request_urls(request))
