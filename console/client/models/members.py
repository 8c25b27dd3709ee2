"""members: the directory page joined with `included`, and one member's detail (contract §3.13)."""

from dataclasses import dataclass

from pydantic import Field, PrivateAttr, model_validator

from console.client.models.common import Included, Lookup, Member, Model, Page, Role, TeamSummary


class MemberRow(Model):
    member_id: str
    role_ids: list[str] = []
    team_ids: list[str] = []


@dataclass(frozen=True)
class MemberEntry(Lookup):
    """One row of the member directory joined with its member, org roles and explicit teams."""

    row: MemberRow
    member: Member
    roles: list[Role]
    teams: list[TeamSummary]

    @property
    def all_teams(self) -> bool:
        """True when an org role makes the member an implicit Team Admin of every team."""
        return any(role.all_teams for role in self.roles)


class MemberPage(Page[MemberRow]):
    """GET /org/members: rows joined with `included` by id."""

    _rows: list[MemberEntry] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _join(self) -> "MemberPage":
        rows = []
        for row in self.items:
            member = self.included.member(row.member_id)
            if member is None:
                raise ValueError(f"row {row.member_id} has no member in included.members")
            rows.append(
                MemberEntry(row, member, self.included.roles_of(row.role_ids), self.included.teams_of(row.team_ids))
            )
        self._rows = rows
        return self

    @property
    def rows(self) -> list[MemberEntry]:
        return self._rows


class TeamMembership(Model):
    team_id: str
    role_ids: list[str] = []
    inherited: bool = False


class MemberDetail(Model):
    """GET /org/members/{member}: the member, org roles, team memberships, and the catalogues to name them."""

    member: Member
    role_ids: list[str] = []
    team_memberships: list[TeamMembership] = []
    included: Included = Field(default_factory=Included)

    @property
    def roles(self) -> list[Role]:
        return self.included.roles_of(self.role_ids)

    @property
    def memberships(self) -> list["MembershipEntry"]:
        """Team memberships joined with their team and team roles, by team name."""
        entries = []
        for membership in self.team_memberships:
            team = self.included.team(membership.team_id)
            if team is not None:
                entries.append(MembershipEntry(team, self.included.roles_of(membership.role_ids), membership.inherited))
        return sorted(entries, key=lambda entry: entry.team.team.name.lower())


@dataclass(frozen=True)
class MembershipEntry(Lookup):
    team: TeamSummary
    roles: list[Role]
    inherited: bool
