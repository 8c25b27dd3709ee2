"""Teams and their members (contract §3.10, §1.13): the rules, the permission checks and the team events (§2.7).

The one path for every team creation and team-membership change, whoever the caller (API, invitations,
leaving the organization, seed, tests): the rules, the writes and the `team.*` events with the §4.1
`data` all live here, so no caller creates a team or a membership, or emits a team event, on its own.
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.events import emit
from localplatform.identity.models import Invitation, Member, Organization, Role, Team, TeamMember
from localplatform.identity.services import directory
from localplatform.identity.services.permissions import Access
from localplatform.paging import page_of

if TYPE_CHECKING:
    from localplatform.identity.models import CountedTeam


def get_team(organization: Organization, team_id: str) -> Team:
    """A team of this organization, or 404 (teams are directory data: every member may see every team)."""
    team = Team.objects.filter(organization=organization, id=team_id).first()
    if team is None:
        raise not_found("team")
    return team


def with_member_count(organization: Organization) -> "QuerySet[CountedTeam]":
    """The organization's teams annotated with `member_count` (explicit memberships only, §2.1)."""
    return Team.objects.filter(organization=organization).annotate(member_count=Count("memberships"))


def member_count(team: Team) -> int:
    return TeamMember.objects.filter(team=team).count()


def list_teams(
    organization: Organization, search: str, descending: bool, page: int, limit: int
) -> "tuple[int, list[CountedTeam]]":
    """The teams matching `search` in name or description, by name, with `member_count` (GET /org/teams)."""
    found = with_member_count(organization)
    if search:
        found = found.filter(Q(name__icontains=search) | Q(description__icontains=search))
    name = Lower("name")
    return page_of(found.order_by(name.desc() if descending else name.asc(), "id"), page, limit)


def list_team_members(
    team: Team, sort_by: str, descending: bool, page: int, limit: int
) -> tuple[int, list[Member], dict[str, TeamMember]]:
    """A page of the team's members (inherited Team Admins included) by name or email, with their memberships."""
    column = "sort_email" if sort_by == "email" else "sort_name"
    members = members_of(team).order_by(f"-{column}" if descending else column, "id")
    total, found = page_of(members.select_related("user"), page, limit)
    return total, found, memberships_of(team, [member.id for member in found])


def linked_team_ids(links: QuerySet, owner: str, owner_ids: Iterable[str]) -> dict[str, list[str]]:
    """owner id -> the ids of the teams linked to it, by team name (one query).

    `links` is a team-link model's queryset (ClusterTeam, SecretTeam, NotebookTeam) and `owner` its other
    foreign key's name: linked_team_ids(SecretTeam.objects.all(), "secret", ids)."""
    result: dict[str, list[str]] = {owner_id: [] for owner_id in owner_ids}
    found = links.filter(**{f"{owner}_id__in": list(result)}).select_related("team")
    for link in sorted(found, key=lambda link: (link.team.name.lower(), link.team_id)):
        result[getattr(link, f"{owner}_id")].append(link.team_id)
    return result


def require_in_team(access: Access, relation: str, team: Team) -> None:
    """R@team(T) (§1.13), or 403 permission_denied; call after the team was found (404 comes first)."""
    if not access.has_in_team(relation, team.id):
        raise PlatformError("permission_denied")


def team_roles(role_ids: Iterable[str], field: str = "roleIds") -> list[Role]:
    """The team roles with these ids, in order; 422 for a repeated id, or at `field[n]` for one that is no team role."""
    role_ids = list(role_ids)
    if len(set(role_ids)) != len(role_ids):
        raise invalid({field: "must not repeat a role"})
    found = {role.id: role for role in Role.objects.filter(id__in=role_ids, scope=Role.TEAM)}
    for n, role_id in enumerate(role_ids):
        if role_id not in found:
            raise invalid({f"{field}[{n}]": "must be a team role"})
    return [found[role_id] for role_id in role_ids]


def default_role(role_id: str) -> Role:
    """The team role a `defaultRoleId` names, or 422 at that field (an org role is the wrong kind, §1.2)."""
    role = Role.objects.filter(id=role_id, scope=Role.TEAM).first()
    if role is None:
        raise invalid({"defaultRoleId": "must be a team role"})
    return role


def _check_name(organization: Organization, name: str, team: Team | None = None) -> None:
    clash = Team.objects.filter(organization=organization, name__iexact=name)
    if team is not None:
        clash = clash.exclude(pk=team.pk)
    if clash.exists():
        raise PlatformError("already_exists", f"A team named “{name}” already exists in this organization.")


def _event(team: Team, type: str, by: Member | None, member: Member | None = None) -> None:
    data: dict[str, str | None] = {"teamId": team.id, "teamName": team.name}
    if member is not None:
        data["memberId"] = member.id
    data["actorMemberId"] = by.id if by else None
    emit(team.organization_id, type, "team", team.id, team.name, data=data, team_ids=[team.id])


@transaction.atomic
def create_team(
    organization: Organization,
    name: str,
    by: Member | None,
    description: str | None = None,
    default_role: Role | None = None,
) -> Team:
    """A new team: the name is unique per organization in any letter case; the creator joins as Team Admin."""
    name = name.strip()
    _check_name(organization, name)
    now = timezone.now()
    try:
        with transaction.atomic():
            team = Team.objects.create(
                organization=organization,
                name=name,
                description=(description or "").strip() or None,
                default_role=default_role or directory.role("contributor"),
                created_at=now,
                updated_at=now,
                created_by=by.id if by else None,
                updated_by=by.id if by else None,
            )
    except IntegrityError:  # a concurrent create took the name between the check and the insert
        raise PlatformError("already_exists", f"A team named “{name}” already exists in this organization.") from None
    _event(team, "team.created", by)
    if by is not None:
        add_member(team, by, [directory.role("team_admin")], by=by)
    return team


@transaction.atomic
def update_team(team: Team, by: Member | None, changes: dict) -> Team:
    """Apply `name`, `description` and `default_role` from `changes` (absent keys keep their value)."""
    if "name" in changes:
        name = changes["name"].strip()
        _check_name(team.organization, name, team)
        team.name = name
    if "description" in changes:
        team.description = (changes["description"] or "").strip() or None
    if "default_role" in changes:
        team.default_role = changes["default_role"]
    team.updated_at = timezone.now()
    team.updated_by = by.id if by else None
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError:
        raise PlatformError(
            "already_exists", f"A team named “{team.name}” already exists in this organization."
        ) from None
    return team


@transaction.atomic
def delete_team(team: Team, by: Member | None) -> None:
    """Delete the team and every assignment in it; pending invitations drop their placement in it (§3.10.4).

    Only `team.deleted` fires (§2.7).
    """
    _event(team, "team.deleted", by)
    pending = Invitation.objects.filter(organization_id=team.organization_id, status=Invitation.PENDING)
    for invitation in pending:
        kept = [placement for placement in invitation.teams if placement.get("teamId") != team.id]
        if len(kept) != len(invitation.teams):
            invitation.teams = kept
            invitation.save(update_fields=["teams"])
    TeamMember.objects.filter(team=team).delete()
    team.delete()


@transaction.atomic
def add_member(team: Team, member: Member, roles: list[Role] | None = None, by: Member | None = None) -> TeamMember:
    """An explicit membership (roles default to the team's default role); 409 when it exists or the member is off."""
    if member.status != Member.ACTIVE:
        raise PlatformError("invalid_state", "The member is deactivated; reactivate them before adding them to a team.")
    if TeamMember.objects.filter(team=team, member=member).exists():
        raise PlatformError("already_exists", "The member is already on this team; change their roles instead.")
    membership = TeamMember.objects.create(team=team, member=member, added_at=timezone.now())
    membership.roles.set(roles or [team.default_role])
    _event(team, "team.member_added", by, member)
    return membership


@transaction.atomic
def remove_member(team: Team, member: Member, by: Member | None) -> None:
    """End an explicit membership; an inherited-only membership (allTeams org role) cannot be removed here."""
    deleted, _ = TeamMember.objects.filter(team=team, member=member).delete()
    if not deleted:
        if inherits(member):
            raise PlatformError(
                "invalid_state", "The membership comes from an organization role; change the member's roles instead."
            )
        raise not_found("team member")
    _event(team, "team.member_removed", by, member)


@transaction.atomic
def replace_roles(team: Team, member: Member, roles: list[Role]) -> TeamMember:
    """Replace every team role of an explicit membership."""
    membership = TeamMember.objects.filter(team=team, member=member).first()
    if membership is None:
        if inherits(member):
            raise PlatformError(
                "invalid_state", "The membership comes from an organization role; add the member to the team first."
            )
        raise not_found("team member")
    membership.roles.set(roles)
    return membership


@transaction.atomic
def leave_all(member: Member, by: Member | None) -> None:
    """End every explicit team membership of a member who leaves or is removed from the organization."""
    for team in Team.objects.filter(memberships__member=member).order_by("name"):
        remove_member(team, member, by)


def inherits(member: Member) -> bool:
    """True when an allTeams org role makes the member an implicit Team Admin of every team (§1.13)."""
    return member.roles.filter(all_teams=True).exists()


def members_of(team: Team) -> QuerySet[Member]:
    """Everyone on the team: explicit members and the holders of an allTeams org role."""
    explicit = TeamMember.objects.filter(team=team).values("member_id")
    inherited = Member.roles.through.objects.filter(role__all_teams=True).values("member_id")
    return Member.objects.filter(organization_id=team.organization_id).filter(Q(id__in=explicit) | Q(id__in=inherited))


def memberships_of(team: Team, member_ids: list[str]) -> dict[str, TeamMember]:
    """member id -> explicit membership (roles prefetched), for these members."""
    rows = TeamMember.objects.filter(team=team, member_id__in=member_ids).prefetch_related("roles")
    return {row.member_id: row for row in rows}


def inheriting(member_ids: list[str]) -> set[str]:
    """The members among these who hold an allTeams org role."""
    rows = Member.roles.through.objects.filter(member_id__in=member_ids, role__all_teams=True)
    return set(rows.values_list("member_id", flat=True))


def teams_of(member: Member) -> "list[tuple[CountedTeam, int, list[str], bool]]":
    """The member's teams by name: (team, member count, team role ids, inherited), as GET /me/teams lists them."""
    explicit = {
        row.team_id: [role.id for role in sorted(row.roles.all(), key=lambda role: role.position)]
        for row in TeamMember.objects.filter(member=member).prefetch_related("roles")
    }
    all_teams = inherits(member)
    teams = with_member_count(member.organization)
    if not all_teams:
        teams = teams.filter(id__in=list(explicit))
    admin_id = directory.role("team_admin").id
    result = []
    for team in sorted(teams, key=lambda team: (team.name.lower(), team.id)):
        if team.id in explicit:
            result.append((team, team.member_count, explicit[team.id], False))
        else:
            result.append((team, team.member_count, [admin_id], True))
    return result
