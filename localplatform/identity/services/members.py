"""Member administration (contract §3.13): profile, account type, status, org roles and removal.

The rules that keep an organization from locking itself out live here: only Owners grant or revoke
the Owner role or act on another Owner, any of whose roles included (403 owner_role_required), and the
last active Owner can be neither removed, demoted nor deactivated (409 last_owner).

Every change that can drop an Owner first locks the organization's row (lock_organization), then reads
the Owners and the caller's own roles again: two Owners demoting each other at the same moment run one
after the other, and the second sees that it would leave none (on PostgreSQL as on SQLite).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from localplatform.errors import PlatformError
from localplatform.events import emit
from localplatform.identity.models import Member, Organization, Role, User
from localplatform.identity.services import directory, teams
from localplatform.identity.services.permissions import Access
from localplatform.identity.services.tokens import revoke_all_logins

if TYPE_CHECKING:
    from localplatform.identity.models import CountedTeam

PROFILE_FIELDS = ("given_name", "family_name", "display_name")


@dataclass
class MemberDetail:
    """A member with their teams by name: (team, member count, team role ids, inherited), from teams.teams_of."""

    member: Member
    teams: "list[tuple[CountedTeam, int, list[str], bool]]"


def describe_member(organization: Organization, member_id: str) -> MemberDetail:
    """A member of this organization (404 otherwise) with their team memberships, inherited ones included."""
    member = directory.member_in(organization, member_id)
    return MemberDetail(member, teams.teams_of(member))


def role_ids_of(member: Member) -> list[str]:
    """The member's org role ids in catalogue order."""
    return list(member.roles.order_by("position").values_list("id", flat=True))


def holds_owner(member: Member) -> bool:
    return member.roles.filter(key="owner").exists()


def lock_organization(organization_id: str) -> None:
    """Hold the organization's row lock until the transaction ends; taken first by every path that can drop an Owner."""
    Organization.objects.select_for_update().only("pk").get(pk=organization_id)


def counting_owners(organization_id: str):
    """Owners that count for the last-Owner rule: member and user both active (§1.6 last_owner)."""
    return Member.objects.filter(
        organization_id=organization_id,
        roles__key="owner",
        status=Member.ACTIVE,
        user__status=User.ACTIVE,
    )


def guard_last_owner(member: Member, action: str) -> None:
    """409 last_owner when `member` is the only Owner that counts and would stop being one."""
    owners = counting_owners(member.organization_id)
    if owners.filter(pk=member.pk).exists() and not owners.exclude(pk=member.pk).exists():
        raise PlatformError(
            "last_owner",
            f"{member.user.display_name} is the organization's last Owner and cannot be {action}. "
            "Make another member an Owner first.",
        )


def guard_owner_target(access: Access, member: Member) -> None:
    """403 owner_role_required when a non-Owner acts on another member who holds the Owner role (§1.13).

    Reads the caller's roles again (not the token's snapshot): call it under lock_organization.
    """
    if member.pk != access.member.pk and holds_owner(member) and not holds_owner(access.member):
        raise PlatformError("owner_role_required", "Only an Owner can change or remove another Owner.")


def member_event(member: Member, type: str, actor_id: str | None, role_ids: list[str], **extra) -> None:
    """Emit a member.* event with the §4.1 member data."""
    user = member.user
    emit(
        member.organization_id,
        type,
        "member",
        member.id,
        user.display_name,
        data={
            "memberId": member.id,
            "userId": user.id,
            "email": user.email,
            "displayName": user.display_name,
            "roleIds": role_ids,
            **extra,
            "actorMemberId": actor_id,
        },
        owner_member_id=member.id,
    )


def emit_joined(member: Member, actor_id: str | None) -> None:
    """member.joined for a newly created membership (invitation, SSO provisioning, admin create)."""
    member_event(member, "member.joined", actor_id, role_ids_of(member))


@transaction.atomic
def update_member(access: Access, member: Member, changes: dict) -> Member:
    """PATCH /org/members/{member}: profile fields (given_name, family_name, display_name), account_type, status."""
    lock_organization(member.organization_id)
    member.refresh_from_db(fields=["status", "account_type"])
    guard_owner_target(access, member)
    user = member.user
    profile = {name: changes[name] for name in PROFILE_FIELDS if name in changes}
    if profile:
        if member.account_type == Member.EXTERNAL and changes.get("account_type", Member.EXTERNAL) == Member.EXTERNAL:
            raise PlatformError("external_account", "This member's profile is managed by their identity provider.")
        elsewhere = Member.objects.filter(user=user, status=Member.ACTIVE).exclude(
            organization_id=member.organization_id
        )
        if elsewhere.exists():
            raise PlatformError(
                "in_use", "This person also belongs to another organization and manages their own profile."
            )
    status = changes.get("status")
    if status == Member.DEACTIVATED and member.status != Member.DEACTIVATED:
        if member.pk == access.member.pk:
            raise PlatformError("invalid_state", "You cannot deactivate yourself; leave the organization instead.")
        guard_last_owner(member, "deactivated")
    now = timezone.now()
    if profile:
        for name, value in profile.items():
            setattr(user, name, value.strip())
        user.updated_at = now
        user.updated_by = access.member.id
        user.save(update_fields=[*profile, "updated_at", "updated_by"])  # the directory columns follow (signals.py)
    if "account_type" in changes:
        member.account_type = changes["account_type"]
    if status is not None:
        member.status = status
    member.updated_at = now
    member.updated_by = access.member.id
    member.save(update_fields=["account_type", "status", "updated_at", "updated_by"])
    if status == Member.DEACTIVATED:
        revoke_all_logins(user, member.organization)
    return member


@transaction.atomic
def deactivate_member(member: Member, by: Member | None = None) -> Member:
    """Deactivate a membership (not the last Owner) and end the member's logins in that organization."""
    lock_organization(member.organization_id)
    guard_last_owner(member, "deactivated")
    member.status = Member.DEACTIVATED
    member.updated_at = timezone.now()
    member.updated_by = by.id if by else None
    member.save(update_fields=["status", "updated_at", "updated_by"])
    revoke_all_logins(member.user, member.organization)
    return member


@transaction.atomic
def replace_roles(access: Access, member: Member, roles: list[Role]) -> bool:
    """PUT /org/members/{member}/roles: replace every org role; True when the set changed."""
    lock_organization(member.organization_id)
    guard_owner_target(access, member)  # any role of an Owner, not only Owner itself (§1.13, 2026-12)
    previous = role_ids_of(member)
    owner = Role.objects.get(key="owner")
    had_owner, gets_owner = owner.id in previous, any(r.id == owner.id for r in roles)
    if had_owner != gets_owner and not holds_owner(access.member):
        raise PlatformError("owner_role_required", "Only an Owner can grant or revoke the Owner role.")
    if had_owner and not gets_owner:
        guard_last_owner(member, "demoted")
    if {r.id for r in roles} == set(previous):
        return False
    member.roles.set(roles)
    member.updated_at = timezone.now()
    member.updated_by = access.member.id
    member.save(update_fields=["updated_at", "updated_by"])
    member_event(member, "member.roles_changed", access.member.id, role_ids_of(member), previousRoleIds=previous)
    return True


@transaction.atomic
def remove_member(access: Access, member: Member) -> None:
    """DELETE /org/members/{member}: end the membership, its roles, team memberships and logins here."""
    lock_organization(member.organization_id)
    guard_owner_target(access, member)
    guard_last_owner(member, "removed")
    role_ids = role_ids_of(member)
    teams.leave_all(member, access.member)
    member_event(member, "member.removed", access.member.id, role_ids)
    revoke_all_logins(member.user, member.organization)
    member.delete()
