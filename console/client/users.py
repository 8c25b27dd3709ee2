"""users: the caller's own account (profile, email addresses, logins, trusted devices, password, teams) and the
organization's user accounts for administrators (contract §3.3)."""

from typing import Any

from pydantic.alias_generators import to_camel

from console.client.base import Platform, parse
from console.client.models.common import Items, User
from console.client.models.users import (
    CreatedUser,
    Email,
    EmailPage,
    Login,
    Me,
    MyTeams,
    TemporaryPassword,
    TrustedDevice,
    UserPage,
)
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


# --- /users: account administration (§3.3.10-3.3.17) ----------------------------------------------


def list_users(platform: Platform, *, limit: int = 100, marker: str | None = None) -> UserPage:
    """GET /users"""
    params: dict[str, Any] = {"limit": limit}
    if marker:
        params["marker"] = marker
    return parse(UserPage, platform.call("GET", "/users", params=params))


def create_user(
    platform: Platform,
    *,
    email: str,
    given_name: str,
    family_name: str,
    display_name: str | None = None,
    password: str | None = None,
    role_ids: list[str] | None = None,
    teams: list[dict[str, Any]] | None = None,
) -> CreatedUser:
    """POST /users"""
    body: dict[str, Any] = {"email": email, "givenName": given_name, "familyName": family_name}
    if display_name:
        body["displayName"] = display_name
    if password:
        body["password"] = password
    if role_ids:
        body["roleIds"] = list(role_ids)
    if teams:
        body["teams"] = teams  # [{"teamId": ..., "roleIds": [...]}], as for invitations
    return parse(CreatedUser, platform.call("POST", "/users", body=body))


def describe_user(platform: Platform, user_id: str) -> User:
    """GET /users/{user}"""
    return parse(User, platform.call("GET", f"/users/{segment(user_id)}"))


def update_user(platform: Platform, user_id: str, **changes: str) -> User:
    """PATCH /users/{user}"""
    body = {to_camel(name): value for name, value in changes.items()}
    return parse(User, platform.call("PATCH", f"/users/{segment(user_id)}", body=body))


def delete_user(platform: Platform, user_id: str) -> None:
    """DELETE /users/{user}"""
    platform.call("DELETE", f"/users/{segment(user_id)}")


def reset_user_mfa(platform: Platform, user_id: str) -> None:
    """POST /users/{user}/mfa/reset"""
    platform.call("POST", f"/users/{segment(user_id)}/mfa/reset")


def reset_user_password(platform: Platform, user_id: str) -> TemporaryPassword:
    """POST /users/{user}/password/reset"""
    return parse(TemporaryPassword, platform.call("POST", f"/users/{segment(user_id)}/password/reset"))
