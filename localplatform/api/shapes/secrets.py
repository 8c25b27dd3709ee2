"""Wire shapes of the secrets operations (contract §3.17): inputs and envelopes; entities in shapes/workloads.py."""

from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from localplatform.api.shapes.common import Id, Input, TeamSummary
from localplatform.api.shapes.workloads import Secret, SecretRow

Value = Annotated[str, StringConstraints(min_length=1, max_length=65536)]


class SecretCreate(Input):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    value: Value
    teamIds: list[Id] = Field(min_length=1, max_length=50)
    metadata: dict[str, str] | None = None


class SecretUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    metadata: dict[str, str] | None = None
    teamIds: list[Id] | None = Field(None, min_length=1, max_length=50)


class SecretValue(Input):
    value: Value


class SecretIncluded(Schema):
    teams: list[TeamSummary]


class SecretDetail(Schema):
    secret: Secret
    teamIds: list[Id]
    included: SecretIncluded


class SecretsIncluded(Schema):
    secrets: list[Secret]
    teams: list[TeamSummary]


class SecretPage(Schema):
    """Page<SecretRow, { secrets, teams }>."""

    total: int
    items: list[SecretRow]
    included: SecretsIncluded
