"""Wire shapes of /org/teams (contract §3.10): teams, their members and their team roles."""

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StringConstraints, field_validator

from localplatform.api.pagination import PageQuery
from localplatform.api.shapes.common import (
    Id,
    Input,
    Member,
    Name,
    Page,
    TeamRolesIncluded,
    TeamSummary,
    Timestamp,
    member_data,
)
from localplatform.identity import models

Description = Annotated[str, StringConstraints(max_length=1023)]

# --- Requests -------------------------------------------------------------------------------------


class TeamQuery(PageQuery):
    search: str = ""
    sortBy: Literal["name", "email"] = "name"  # teams have no email: "email" sorts by name (docs)


class TeamMemberQuery(PageQuery):
    sortBy: Literal["name", "email"] = "name"


class TeamCreate(Input):
    name: Name
    description: Description | None = None
    defaultRoleId: Id | None = None
    organizationId: Id | None = None


class TeamPatch(Input):
    name: Name | None = None
    description: Description | None = None
    defaultRoleId: Id | None = None

    @field_validator("name", "defaultRoleId", mode="before")
    @classmethod
    def not_null(cls, value):
        # A team always has a name and a default role: only `description` may be cleared with null (§1.5).
        if value is None:
            raise ValueError("must not be null")
        return value


class TeamMemberAdd(Input):
    roleIds: list[Id] = Field(default_factory=list, max_length=10)


class TeamMemberRoles(Input):
    roleIds: list[Id] = Field(min_length=1, max_length=10)


# --- Responses ------------------------------------------------------------------------------------


class TeamPage(Page[TeamSummary]):
    pass


class TeamMember(Schema):
    member: Member
    roleIds: list[Id]
    inherited: bool
    addedAt: Timestamp | None


class TeamMemberPage(Page[TeamMember]):
    included: TeamRolesIncluded


def team_member_data(member: models.Member, membership: models.TeamMember | None, admin_role_id: str) -> dict:
    """TeamMember: the explicit membership when there is one, else the inherited Team Admin row."""
    if membership is None:
        return {"member": member_data(member), "roleIds": [admin_role_id], "inherited": True, "addedAt": None}
    role_ids = [role.id for role in sorted(membership.roles.all(), key=lambda role: role.position)]
    return {"member": member_data(member), "roleIds": role_ids, "inherited": False, "addedAt": membership.added_at}
