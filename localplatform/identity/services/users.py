"""User accounts (contract §3.3.10-3.3.17): an organization's admins create, edit, disable, reset and delete the
accounts of its members.

The protections of §1.13 hold here as in member administration (members.py, whose guards these are): only
an Owner acts on another Owner (403 owner_role_required), the last Owner is neither disabled nor deleted
(409 last_owner), and nobody disables or deletes themselves (409 invalid_state). An `external` member's
account belongs to their identity provider (409 external_account), and a person who also belongs to another
organization manages their own account (409 in_use, §6 item 13).
"""

import secrets
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from localplatform.accounts.services import addresses, mfa, passwords
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.identity.models import Member, Organization, Role, TemporaryPassword, User
from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from localplatform.identity.services.invitations import resolve_placements, resolve_roles
from localplatform.identity.services.members import (
    emit_joined,
    guard_last_owner,
    guard_owner_target,
    holds_owner,
    lock_organization,
    member_event,
    role_ids_of,
)
from localplatform.identity.services.permissions import Access
from localplatform.identity.services.tokens import revoke_all_logins

TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=72)
PROFILE_FIELDS = ("given_name", "family_name", "display_name")


def list_users(organization: Organization, limit: int, after: list | None) -> tuple[list[Member], bool]:
    """A page of the organization's members with their accounts, by email then id, after a marker's position.

    Returns the page and whether more follow. `after` is [email, member id] of the previous page's last row.
    """
    members = Member.objects.filter(organization=organization).select_related("user")
    if after is not None:
        email, member_id = after
        members = members.filter(Q(sort_email__gt=email) | Q(sort_email=email, id__gt=member_id))
    found = list(members.order_by("sort_email", "id")[: limit + 1])
    return found[:limit], len(found) > limit


def user_in(organization: Organization, user_id: str) -> Member:
    """The membership in this organization of the user with this id (user loaded), or 404 (§3.3.12)."""
    member = (
        Member.objects.select_related("user", "organization").filter(organization=organization, user_id=user_id).first()
    )
    if member is None:
        raise not_found("user")
    return member


def new_temporary_password() -> str:
    """20 characters of base64url (15 random bytes)."""
    return secrets.token_urlsafe(15)


def set_temporary_password(user: User) -> tuple[str, datetime]:
    """Give the user a new temporary password that works for 72 hours; returns it (shown once) and its expiry."""
    password = new_temporary_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    expires_at = timezone.now() + TEMPORARY_PASSWORD_LIFETIME
    TemporaryPassword.objects.update_or_create(
        user=user, defaults={"password_hash": user.password, "expires_at": expires_at}
    )
    return password, expires_at


@transaction.atomic
def create_user(
    access: Access,
    email: str,
    given_name: str,
    family_name: str,
    display_name: str | None,
    password: str | None,
    role_ids: list[str] | None,
    teams: list[dict],
) -> tuple[Member, str | None]:
    """POST /users: a verified account and a managed membership; returns it and the temporary password, if one."""
    by = access.member
    organization = by.organization
    email = addresses.normalize(email)
    roles = resolve_roles(role_ids, Role.ORGANIZATION, "roleIds") or [organization.default_role]
    placements = resolve_placements(organization, teams)
    if {role.id for role in roles} != {organization.default_role_id} and not access.has("CanAssignRoles"):
        raise PlatformError("permission_denied", "Giving roles other than the default one needs CanAssignRoles.")
    if any(role.key == "owner" for role in roles) and not holds_owner(by):
        raise PlatformError("owner_role_required", "Only an Owner can create an Owner.")
    if addresses.is_taken(email):
        raise PlatformError("already_exists", f"{email} already has an account: invite it instead.")
    if password is not None:
        candidate = User(email=email, given_name=given_name, family_name=family_name, display_name=display_name or "")
        errors = passwords.policy_errors(password, candidate, "password")
        if errors:
            raise invalid(errors)
    user = directory.create_user(email, password, given_name, family_name, display_name, email_verified=True)
    temporary = set_temporary_password(user)[0] if password is None else None
    member = directory.add_member(organization, user, roles, Member.MANAGED, by=by)
    for placement in placements:
        team_service.add_member(placement.team, member, placement.roles, by=by)
    emit_joined(member, by.id)
    return member, temporary


def guard_managed(member: Member) -> None:
    """409 external_account: an external member's account is their identity provider's (§1.6)."""
    if member.account_type == Member.EXTERNAL:
        raise PlatformError("external_account", "This account is managed by the member's identity provider.")


def guard_only_here(member: Member) -> None:
    """409 in_use: someone with an active membership elsewhere manages their own account (§6 item 13)."""
    elsewhere = Member.objects.filter(user_id=member.user_id, status=Member.ACTIVE)
    if elsewhere.exclude(organization_id=member.organization_id).exists():
        raise PlatformError("in_use", "This person also belongs to another organization and manages their own account.")


def guard_administrable(access: Access, member: Member) -> None:
    """Lock the organization, re-read the target, then the Owner rule and the external-account rule."""
    lock_organization(member.organization_id)
    member.refresh_from_db(fields=["status", "account_type"])
    guard_owner_target(access, member)
    guard_managed(member)


@transaction.atomic
def update_user(access: Access, member: Member, changes: dict) -> Member:
    """PATCH /users/{user}: names, email (becomes the verified primary) and status; disabling ends every login."""
    if not changes:
        return member
    guard_administrable(access, member)
    guard_only_here(member)
    user = member.user
    status = changes.get("status")
    if status == User.DISABLED and user.status != User.DISABLED:
        if member.pk == access.member.pk:
            raise PlatformError("invalid_state", "You cannot disable your own account.")
        guard_last_owner(member, "disabled")
    email = addresses.normalize(changes["email"]) if "email" in changes else None
    theirs = EmailAddress.objects.filter(user=user, email__iexact=email).exists() if email else False
    if email is not None and email != user.email and addresses.is_taken(email) and not theirs:
        raise PlatformError("already_exists", f"{email} belongs to another account.")
    fields = [name for name in PROFILE_FIELDS if name in changes]
    for name in fields:
        setattr(user, name, changes[name].strip())
    if email is not None and email != user.email:
        previous = user.email
        user.email, user.email_verified = email, True
        fields += ["email", "email_verified"]
    else:
        previous = None
    if status is not None:
        user.status = status
        fields.append("status")
    user.updated_at = timezone.now()
    user.updated_by = access.member.user_id
    user.save(update_fields=[*fields, "updated_at", "updated_by"])  # the addresses and directory columns follow
    if previous is not None:
        EmailAddress.objects.filter(user=user, email__iexact=previous).delete()
    if status == User.DISABLED:
        revoke_all_logins(user)
    return member


@transaction.atomic
def delete_user(access: Access, member: Member) -> None:
    """DELETE /users/{user}: the account, its logins, memberships and team assignments."""
    if member.pk == access.member.pk:
        raise PlatformError("invalid_state", "You cannot delete your own account.")
    guard_administrable(access, member)
    if Member.objects.filter(user_id=member.user_id).exclude(organization_id=member.organization_id).exists():
        raise PlatformError("in_use", "This person belongs to other organizations: remove them from this one instead.")
    guard_last_owner(member, "deleted")
    team_service.leave_all(member, access.member)
    member_event(member, "member.removed", access.member.id, role_ids_of(member))
    user = member.user
    revoke_all_logins(user)
    user.delete()


@transaction.atomic
def reset_user_mfa(access: Access, member: Member) -> None:
    """POST /users/{user}/mfa/reset: TOTP, recovery codes and trusted devices go, and every login ends."""
    guard_administrable(access, member)
    mfa.reset(member.user)


@transaction.atomic
def reset_user_password(access: Access, member: Member) -> tuple[str, datetime]:
    """POST /users/{user}/password/reset: a temporary password for 72 hours (shown once); every login ends."""
    guard_administrable(access, member)
    password, expires_at = set_temporary_password(member.user)
    revoke_all_logins(member.user)
    return password, expires_at
