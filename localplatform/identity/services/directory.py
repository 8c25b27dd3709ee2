"""Organizations and their member directory: the services every caller (API, seed, tests) goes through.

Creating users, organizations and memberships, the organization's settings, and the directory search
(GET /org/members). Teams are in teams.py, member administration (roles, status, removal) in members.py.
"""

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform.errors import invalid, not_found
from localplatform.identity.models import Member, Organization, Role, Team, TeamMember, User

if TYPE_CHECKING:
    from localplatform.identity.models import CountedTeam


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
    default_role_id: str | None = None,
) -> Organization:
    """Change the given organization settings (None keeps a value); records who changed them."""
    default_role = default_org_role(default_role_id) if default_role_id is not None else None
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


def default_org_role(role_id: str) -> Role:
    """The organization role a `defaultRoleId` names (any but Owner), or 422 at that field."""
    found = Role.objects.filter(id=role_id, scope=Role.ORGANIZATION).exclude(key="owner").first()
    if found is None:
        raise invalid({"defaultRoleId": "must be an organization role other than Owner"})
    return found


def member_in(organization: Organization, member_id: str) -> Member:
    """A member of this organization (user, organization and roles loaded), or 404."""
    member = (
        Member.objects.select_related("user", "organization")
        .prefetch_related("roles")
        .filter(organization=organization, id=member_id)
        .first()
    )
    if member is None:
        raise not_found("member")
    return member


def memberships_of(user: User) -> list[Member]:
    """The user's active memberships with their organizations and roles, by organization name (GET /me)."""
    return list(
        Member.objects.filter(user=user, status=Member.ACTIVE)
        .select_related("organization")
        .prefetch_related("roles")
        .order_by("organization__name", "organization_id")
    )


# --- The member directory (GET /org/members) ------------------------------------------------------


@dataclass
class MemberFilter:
    """The directory's filters (§3.13.1); an unknown id matches nothing (§1.7)."""

    search: str | None = None
    role_id: str | None = None
    team_id: str | None = None
    account_type: str | None = None
    status: str | None = None


@dataclass
class MemberSearch:
    """One page of the directory: its members, with each one's org role ids and explicit team ids."""

    total: int
    members: list[Member]
    role_ids: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    team_ids: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    teams: "list[CountedTeam]" = dataclasses.field(default_factory=list)  # the teams referenced, with member_count


def search_members(
    organization: Organization, where: MemberFilter, sort_by: str, descending: bool, page: int, limit: int
) -> MemberSearch:
    """Filter, sort (by name or email) and page the directory, with role and team assignments, in a few queries."""
    members = filtered_members(organization, where)
    total = members.count()
    found: list[Member] = []
    if limit and (page - 1) * limit < total:
        start = (page - 1) * limit
        ordered = members.order_by(*sort_order(organization, where, sort_by, descending, page * limit, total))
        found = list(ordered.select_related("user")[start : start + limit])
    role_ids, team_ids, teams = assignments([member.id for member in found])
    return MemberSearch(total, found, role_ids, team_ids, teams)


def sort_order(
    organization: Organization, where: MemberFilter, sort_by: str, descending: bool, reach: int, total: int
) -> list:
    """ORDER BY for the page: walk the sort index, or sort only the matches of a sparse search.

    Browsing walks the (organization, sort column, id) index and reads just the page. A search whose
    matches are dense meets the page soon on that walk too; a sparse one (a single email) would read the
    whole organization in sort order looking for them, so it sorts its matches instead: ordering by an
    expression keeps the planner off the sort index. `reach` is the number of rows up to the page's end.
    """
    column = "sort_email" if sort_by == "email" else "sort_name"
    key: F | Lower = F(column)
    if where.search:
        size = Member.objects.filter(organization=organization).count()
        if total * total < reach * size:  # rows walked before the page (reach * size / total) exceed the matches
            key = Lower(column)
    return [key.desc() if descending else key.asc(), "id"]


def filtered_members(organization: Organization, where: MemberFilter) -> QuerySet[Member]:
    """The organization's members matching the filter; an unknown id matches nothing (§1.7)."""
    members = Member.objects.filter(organization=organization)
    if where.search:
        text = where.search.strip().lower()
        members = members.filter(search_text__contains=text)  # lower-cased names and email (models.Member)
    if where.role_id:
        members = members.filter(id__in=Member.roles.through.objects.filter(role_id=where.role_id).values("member_id"))
    if where.team_id:
        if not Team.objects.filter(organization=organization, id=where.team_id).exists():
            return members.none()
        explicit = TeamMember.objects.filter(team_id=where.team_id).values("member_id")
        # Holders of an allTeams org role are implicit Team Admins of every team (§1.13).
        inherited = Member.roles.through.objects.filter(role__all_teams=True).values("member_id")
        members = members.filter(Q(id__in=explicit) | Q(id__in=inherited))
    if where.account_type:
        members = members.filter(account_type=where.account_type)
    if where.status:
        members = members.filter(status=where.status)
    return members


def assignments(member_ids: list[str]) -> "tuple[dict[str, list[str]], dict[str, list[str]], list[CountedTeam]]":
    """Org role ids and explicit team ids per member, and the teams referenced: a fixed number of queries."""
    role_ids: dict[str, list[str]] = {member_id: [] for member_id in member_ids}
    team_ids: dict[str, list[str]] = {member_id: [] for member_id in member_ids}
    if not member_ids:
        return role_ids, team_ids, []
    held = Member.roles.through.objects.filter(member_id__in=member_ids).order_by("role__position")
    for member_id, role_id in held.values_list("member_id", "role_id"):
        role_ids[member_id].append(role_id)
    memberships = list(TeamMember.objects.filter(member_id__in=member_ids).values_list("member_id", "team_id"))
    teams = list(
        Team.objects.filter(id__in={team_id for _, team_id in memberships})
        .annotate(member_count=Count("memberships"))
        .order_by(Lower("name"), "id")
    )
    position = {team.id: n for n, team in enumerate(teams)}
    for member_id, team_id in sorted(memberships, key=lambda row: position[row[1]]):
        team_ids[member_id].append(team_id)
    return role_ids, team_ids, teams
