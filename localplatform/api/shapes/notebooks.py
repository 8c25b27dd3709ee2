"""Wire shapes of the notebooks operations (contract §3.18); entities in shapes/workloads.py."""

from typing import Literal

from ninja import Schema
from pydantic import Field

from localplatform.api.shapes.common import Id, Input, TeamSummary, Timestamp
from localplatform.api.shapes.workloads import Notebook, NotebookRow, Session, WorkloadConfig


class NotebookCreate(Input):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    workloadConfigId: Id
    teamIds: list[Id] = Field(default_factory=list, max_length=50)
    idleTimeoutSeconds: int = Field(3600, ge=300, le=86400)
    detachedTimeoutSeconds: int = Field(14400, ge=300, le=86400)


class NotebookUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    idleTimeoutSeconds: int | None = Field(None, ge=300, le=86400)
    detachedTimeoutSeconds: int | None = Field(None, ge=300, le=86400)
    workloadConfigId: Id | None = None


class NotebookDetailIncluded(Schema):
    teams: list[TeamSummary]
    workloadConfigs: list[WorkloadConfig]
    sessions: list[Session]


class NotebookDetail(Schema):
    notebook: Notebook
    teamIds: list[Id]
    workloadConfigId: Id
    included: NotebookDetailIncluded


class NotebooksIncluded(Schema):
    notebooks: list[Notebook]
    teams: list[TeamSummary]
    workloadConfigs: list[WorkloadConfig]


class NotebookPage(Schema):
    """Page<NotebookRow, { notebooks, teams, workloadConfigs }>."""

    total: int
    items: list[NotebookRow]
    included: NotebooksIncluded


class TeamIdsIn(Input):
    teamIds: list[Id] = Field(min_length=1, max_length=50)


class TeamItems(Schema):
    items: list[TeamSummary]


class NotebookOpen(Schema):
    url: str
    expiresAt: Timestamp
    mode: Literal["edit", "read_only"]
