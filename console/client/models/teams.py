"""teams: a team's members joined with their team roles (contract §3.10)."""

from dataclasses import dataclass

from pydantic import AwareDatetime, PrivateAttr, model_validator

from console.client.models.common import Lookup, Member, Model, Page, Role


class TeamMember(Model):
    member: Member
    role_ids: list[str] = []
    inherited: bool = False  # implicit Team Admin through an allTeams org role: not removable or re-roled here
    added_at: AwareDatetime | None = None


@dataclass(frozen=True)
class TeamMemberEntry(Lookup):
    """One row of a team's member list with its team roles."""

    row: TeamMember
    roles: list[Role]

    @property
    def member(self) -> Member:
        return self.row.member

    @property
    def role_ids(self) -> list[str]:
        return self.row.role_ids


class TeamMemberPage(Page[TeamMember]):
    """GET /org/teams/{team}/members: rows joined with `included.teamRoles` (the whole team-role catalogue)."""

    _rows: list[TeamMemberEntry] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _join(self) -> "TeamMemberPage":
        self._rows = [TeamMemberEntry(row, self.included.roles_of(row.role_ids)) for row in self.items]
        return self

    @property
    def rows(self) -> list[TeamMemberEntry]:
        return self._rows

    @property
    def team_roles(self) -> list[Role]:
        return self.included.team_roles
