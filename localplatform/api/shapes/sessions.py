"""Wire shapes of the sessions operations (contract §3.19); entities in shapes/workloads.py."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from localplatform.api.pagination import MarkerQuery
from localplatform.api.shapes.common import Id, Input, Timestamp
from localplatform.api.shapes.workloads import ConfigBody, Session, SessionRow, SessionStatus


class InlineConfig(Input):
    clusterId: Id
    config: ConfigBody


class SessionCreate(Input):
    teamId: Id
    name: str | None = Field(None, min_length=1, max_length=255)
    endpointType: Literal["spark_connect", "marimo"] = "spark_connect"
    workloadConfigId: Id | None = None
    workloadConfig: InlineConfig | None = None
    idleTimeoutSeconds: int = Field(1800, ge=300, le=86400)


class SessionQuery(MarkerQuery):
    teamId: Id | None = None
    endpoint_type: Literal["spark_connect", "marimo"] | None = None
    status: SessionStatus | None = None


class SessionsIncluded(Schema):
    sessions: list[Session]


class SessionPage(Schema):
    """MarkerPage<SessionRow, { sessions }> with `total` (docs)."""

    total: int
    items: list[SessionRow]
    marker: str | None = None
    included: SessionsIncluded


class TokenIn(Input):
    ttlSeconds: int = Field(900, ge=60, le=3600)


class SessionToken(Schema):
    token: str
    tokenType: Literal["Bearer"]
    expiresIn: int
    expiresAt: Timestamp
    grpcEndpoint: str
