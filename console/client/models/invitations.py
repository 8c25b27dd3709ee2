"""invitations: pending invitations, the public invitation and its acceptance (contract §3.12)."""

from dataclasses import dataclass
from typing import Literal

from pydantic import AwareDatetime, PrivateAttr, model_validator

from console.client.models.common import Audit, Lookup, Member, Model, Organization, Page, Role, TeamSummary, User

InvitationStatus = Literal["pending", "accepted", "cancelled", "expired"]


class InvitationTeam(Model):
    team_id: str
    role_ids: list[str] = []


class Invitation(Audit):
    id: str
    organization_id: str
    email: str
    role_ids: list[str] = []
    teams: list[InvitationTeam] = []
    account_type: Literal["managed", "external"] = "managed"
    status: InvitationStatus
    message: str | None = None
    expires_at: AwareDatetime
    invited_by: str
    accepted_at: AwareDatetime | None = None
    accepted_by: str | None = None


@dataclass(frozen=True)
class InvitationEntry(Lookup):
    """One invitation joined with its roles, team placements and inviter."""

    invitation: Invitation
    roles: list[Role]
    teams: list[tuple[TeamSummary, list[Role]]]
    invited_by: Member | None


class InvitationPage(Page[Invitation]):
    """GET /org/invitations: invitations joined with `included` by id."""

    _rows: list[InvitationEntry] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _join(self) -> "InvitationPage":
        rows = []
        for invitation in self.items:
            teams = []
            for placement in invitation.teams:
                team = self.included.team(placement.team_id)
                if team is not None:
                    teams.append((team, self.included.roles_of(placement.role_ids)))
            rows.append(
                InvitationEntry(
                    invitation,
                    self.included.roles_of(invitation.role_ids),
                    teams,
                    self.included.member(invitation.invited_by),
                )
            )
        self._rows = rows
        return self

    @property
    def rows(self) -> list[InvitationEntry]:
        return self._rows


class Inviter(Model):
    display_name: str


class InvitationPublic(Model):
    """GET /invitations/{token}: what the invitee may see before signing in."""

    id: str
    email: str
    organization: Organization
    invited_by: Inviter
    status: InvitationStatus
    expires_at: AwareDatetime
    account_exists: bool


class Acceptance(Model):
    """POST /invitations/{token}/accept."""

    member: Member
    organization: Organization
    user: User
