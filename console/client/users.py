"""users: the caller's own account: profile, email addresses, logins, trusted devices, password and
teams (contract §3.3)."""

from typing import Any

from console.client.base import Platform, parse
from console.client.models.common import Items
from console.client.models.users import Email, EmailPage, Login, Me, MyTeams, TrustedDevice
from console.client.paths import segment


def describe_me(platform: Platform) -> Me:
    """GET /me"""
    return parse(Me, platform.call("GET", "/me"))


def list_my_teams(platform: Platform) -> MyTeams:
    """GET /me/teams"""
    return parse(MyTeams, platform.call("GET", "/me/teams"))


def update_me(platform: Platform, **fields: str) -> Me:
    """PATCH /me"""
    names = {"email": "email", "given_name": "givenName", "family_name": "familyName", "display_name": "displayName"}
    body: dict[str, Any] = {names[key]: value for key, value in fields.items() if value is not None}
    return parse(Me, platform.call("PATCH", "/me", body=body))


def list_emails(platform: Platform, *, limit: int = 100, marker: str | None = None) -> EmailPage:
    """GET /me/emails"""
    params: dict[str, Any] = {"limit": limit}
    if marker:
        params["marker"] = marker
    return parse(EmailPage, platform.call("GET", "/me/emails", params=params, scoped=False))


def add_email(platform: Platform, *, email: str) -> Email:
    """POST /me/emails"""
    return parse(Email, platform.call("POST", "/me/emails", body={"email": email}, scoped=False))


def remove_email(platform: Platform, email_id: str) -> None:
    """DELETE /me/emails/{emailId}"""
    platform.call("DELETE", f"/me/emails/{segment(email_id)}", scoped=False)


def list_logins(platform: Platform) -> list[Login]:
    """GET /me/logins"""
    return parse(Items[Login], platform.call("GET", "/me/logins", scoped=False)).items


def revoke_login(platform: Platform, login_id: str) -> None:
    """DELETE /me/logins/{loginId}"""
    platform.call("DELETE", f"/me/logins/{segment(login_id)}", scoped=False)


def list_trusted_devices(platform: Platform) -> list[TrustedDevice]:
    """GET /me/trusted-devices"""
    return parse(Items[TrustedDevice], platform.call("GET", "/me/trusted-devices", scoped=False)).items


def revoke_trusted_device(platform: Platform, device_id: str) -> None:
    """DELETE /me/trusted-devices/{trustedDeviceId}"""
    platform.call("DELETE", f"/me/trusted-devices/{segment(device_id)}", scoped=False)


def change_password(platform: Platform, *, current_password: str, new_password: str) -> None:
    """POST /me/password"""
    body = {"currentPassword": current_password, "newPassword": new_password}
    platform.call("POST", "/me/password", body=body, scoped=False)
