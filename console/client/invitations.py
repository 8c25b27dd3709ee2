"""invitations: inviting people into the organization, and accepting through the mailed link (contract §3.12)."""

from typing import Any

from console.client.base import Platform, parse
from console.client.models.invitations import Acceptance, Invitation, InvitationPage, InvitationPublic
from console.client.paths import segment


def create_invitation(
    platform: Platform,
    *,
    email: str,
    role_ids: list[str] | None = None,
    teams: list[dict[str, Any]] | None = None,
    account_type: str = "managed",
    message: str | None = None,
) -> Invitation:
    """POST /org/invitations"""
    body: dict[str, Any] = {"email": email, "accountType": account_type}
    if role_ids:
        body["roleIds"] = list(role_ids)
    if teams:
        body["teams"] = teams
    if message:
        body["message"] = message
    return parse(Invitation, platform.call("POST", "/org/invitations", body=body))


def list_invitations(platform: Platform, *, status: str = "pending", page: int = 1, limit: int = 100) -> InvitationPage:
    """GET /org/invitations"""
    params = {"status": status, "page": page, "limit": limit}
    return parse(InvitationPage, platform.call("GET", "/org/invitations", params=params))


def cancel_invitation(platform: Platform, invitation_id: str) -> None:
    """DELETE /org/invitations/{invitation}"""
    platform.call("DELETE", f"/org/invitations/{segment(invitation_id)}")


def resend_invitation(platform: Platform, invitation_id: str) -> Invitation:
    """POST /org/invitations/{invitation}/resend"""
    return parse(Invitation, platform.call("POST", f"/org/invitations/{segment(invitation_id)}/resend"))


def describe_invitation(platform: Platform, token: str) -> InvitationPublic:
    """GET /invitations/{token}"""
    data = platform.call("GET", f"/invitations/{segment(token)}", auth=False, scoped=False)
    return parse(InvitationPublic, data)


def accept_invitation(platform: Platform, token: str, **signup: str) -> Acceptance:
    """POST /invitations/{token}/accept (signed in with a login, or creating the account: pass the signup fields)"""
    path = f"/invitations/{segment(token)}/accept"
    if signup:
        body = {"password": signup["password"], "givenName": signup["given_name"], "familyName": signup["family_name"]}
        return parse(Acceptance, platform.call("POST", path, body=body, auth=False, scoped=False))
    return parse(Acceptance, platform.call("POST", path, body={}, scoped=False))
