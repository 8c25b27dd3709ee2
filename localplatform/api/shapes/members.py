"""Wire shapes of /org/members (contract §3.13): the directory search and member administration."""

from typing import Literal

from ninja import Schema
from pydantic import Field, field_validator

from localplatform.api.pagination import PageQuery
from localplatform.api.shapes.common import (
    Id,
    Input,
    Member,
    Name,
    Page,
    Role,
    TeamSummary,
    catalogue,
    member_data,
    team_summary_data,
)
from localplatform.identity import models
from localplatform.identity.services.directory import MemberFilter, MemberSearch
from localplatform.identity.services.members import MemberDetail as Detail

# --- Requests -------------------------------------------------------------------------------------

FILTER_KEYS = ("filter[search]", "filter[roleId]", "filter[teamId]", "filter[accountType]", "filter[status]")


class MemberQuery(PageQuery):
    """Paging, sort, and the deepObject filter of §1.7 (`filter[search]=ann&filter[status]=active`)."""

    sortBy: Literal["name", "email"] = "name"
    search: str | None = Field(None, alias="filter[search]")
    roleId: Id | None = Field(None, alias="filter[roleId]")
    teamId: Id | None = Field(None, alias="filter[teamId]")
    accountType: Literal["managed", "external"] | None = Field(None, alias="filter[accountType]")
    status: Literal["active", "deactivated"] | None = Field(None, alias="filter[status]")

    @field_validator("search", "roleId", "teamId", "accountType", "status", mode="before")
    @classmethod
    def empty_is_absent(cls, value):
        # `filter[status]=` (an "All" choice in a form) means no filter, not an invalid value.
        return value or None

    def where(self) -> MemberFilter:
        return MemberFilter(self.search, self.roleId, self.teamId, self.accountType, self.status)


class MemberPatch(Input):
    givenName: Name | None = None
    familyName: Name | None = None
    displayName: Name | None = None
    accountType: Literal["managed", "external"] | None = None
    status: Literal["active", "deactivated"] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def not_null(cls, value):
        if value is None:
            raise ValueError("must not be null")
        return value

    def changes(self) -> dict:
        """The fields present in the body, by model field name."""
        return {PATCH_FIELDS[name]: value for name, value in self.model_dump(exclude_unset=True).items()}


PATCH_FIELDS = {
    "givenName": "given_name",
    "familyName": "family_name",
    "displayName": "display_name",
    "accountType": "account_type",
    "status": "status",
}


class RolesPut(Input):
    roleIds: list[Id] = Field(min_length=1, max_length=10)

    @field_validator("roleIds")
    @classmethod
    def unique(cls, value):
        if len(set(value)) != len(value):
            raise ValueError("duplicate role ids")
        return value


# --- Responses ------------------------------------------------------------------------------------


class MemberRow(Schema):
    memberId: Id
    roleIds: list[Id]
    teamIds: list[Id]


class MemberSearchIncluded(Schema):
    members: list[Member]
    roles: list[Role]
    teams: list[TeamSummary]


class MemberPage(Page[MemberRow]):
    included: MemberSearchIncluded


class TeamMembership(Schema):
    teamId: Id
    roleIds: list[Id]
    inherited: bool


class MemberDetailIncluded(Schema):
    roles: list[Role]
    teamRoles: list[Role]
    teams: list[TeamSummary]


class MemberDetail(Schema):
    member: Member
    roleIds: list[Id]
    teamMemberships: list[TeamMembership]
    included: MemberDetailIncluded


# --- Model -> wire ---------------------------------------------------------------------------------


def member_page_data(found: MemberSearch, organization_id: str) -> dict:
    """MemberPage: a row per member (role and team ids), the members, the org roles and the teams referenced."""
    return {
        "total": found.total,
        "items": [
            {"memberId": m.id, "roleIds": found.role_ids[m.id], "teamIds": found.team_ids[m.id]} for m in found.members
        ],
        "included": {
            "members": [member_data(member) for member in found.members],
            "roles": catalogue(models.Role.ORGANIZATION, organization_id),
            "teams": [team_summary_data(team, team.member_count) for team in found.teams],
        },
    }


def member_detail_data(detail: Detail) -> dict:
    """MemberDetail: org roles, one team membership per team (explicit wins over inherited), by team name."""
    member, organization_id = detail.member, detail.member.organization_id
    return {
        "member": member_data(member),
        "roleIds": [role.id for role in sorted(member.roles.all(), key=lambda role: role.position)],
        "teamMemberships": [
            {"teamId": team.id, "roleIds": role_ids, "inherited": inherited}
            for team, _, role_ids, inherited in detail.teams
        ],
        "included": {
            "roles": catalogue(models.Role.ORGANIZATION, organization_id),
            "teamRoles": catalogue(models.Role.TEAM, organization_id),
            "teams": [team_summary_data(team, count) for team, count, _, _ in detail.teams],
        },
    }
