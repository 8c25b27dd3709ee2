"""Organizations and their members: the services every caller (API, seed, tests) goes through; teams are in teams.py."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from localplatform.identity.models import Member, Organization, Role, User


def role(key: str) -> Role:
    """A built-in role by its stable key."""
    return Role.objects.get(key=key)


def create_user(
    email: str,
    password: str | None,
    given_name: str,
    family_name: str,
    display_name: str | None = None,
    email_verified: bool = False,
    password_hash: str | None = None,
) -> User:
    """A new platform account (emails are stored lower-cased, §1.10); `password_hash` may replace `password`."""
    # Hashing is deliberately slow: accounts sharing one password (demo data) pass make_password()'s result once.
    given_name, family_name = given_name.strip(), family_name.strip()
    user = User.objects.create_user(
        email=email,
        password=None if password_hash else password,
        given_name=given_name,
        family_name=family_name,
        display_name=(display_name or f"{given_name} {family_name}").strip(),
        email_verified=email_verified,
    )
    if password_hash:
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def create_organization(name: str, owner: User) -> tuple[Organization, Member]:
    """A new organization with `owner` as its first member, holding the Owner role."""
    organization = Organization.objects.create(name=name.strip(), default_role=role("member"))
    member = add_member(organization, owner, [role("owner")], by=None)
    Member.objects.filter(pk=member.pk).update(created_by=member.id, updated_by=member.id)
    return organization, member


@transaction.atomic
def add_member(
    organization: Organization,
    user: User,
    roles: Iterable[Role] | None = None,
    account_type: str = Member.MANAGED,
    by: Member | None = None,
) -> Member:
    """Make `user` a member; roles default to the organization's default role."""
    roles = list(roles) if roles else [organization.default_role]
    now = timezone.now()
    member = Member.objects.create(
        organization=organization,
        user=user,
        account_type=account_type,
        joined_at=now,
        created_at=now,
        updated_at=now,
        created_by=by.id if by else None,
        updated_by=by.id if by else None,
        **Member.directory_columns(user),
    )
    member.roles.set(roles)
    return member


def update_settings(
    organization: Organization,
    by: Member | None,
    name: str | None = None,
    require_dpop: bool | None = None,
    require_mfa: bool | None = None,
    session_lifetime_minutes: int | None = None,
    invitation_expiry_hours: int | None = None,
    trusted_device_lifetime_days: int | None = None,
    default_role: Role | None = None,
) -> Organization:
    """Change the given organization settings (None keeps a value); records who changed them."""
    changes = {
        "name": name.strip() if name is not None else None,
        "require_dpop": require_dpop,
        "require_mfa": require_mfa,
        "session_lifetime_minutes": session_lifetime_minutes,
        "invitation_expiry_hours": invitation_expiry_hours,
        "trusted_device_lifetime_days": trusted_device_lifetime_days,
        "default_role": default_role,
    }
    changes = {field: value for field, value in changes.items() if value is not None}
    if not changes:
        return organization
    for field, value in changes.items():
        setattr(organization, field, value)
    organization.updated_at = timezone.now()
    organization.updated_by = by.id if by else None
    organization.save(update_fields=[*changes, "updated_at", "updated_by"])
    return organization
