"""Wire shapes of the workload-configs operations (contract §3.20); entities in shapes/workloads.py."""

from ninja import Schema
from pydantic import Field

from localplatform.api.pagination import MarkerQuery
from localplatform.api.shapes.common import Id, Input
from localplatform.api.shapes.workloads import ConfigBody, WorkloadConfig


class ConfigCreate(Input):
    name: str = Field(min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    workloadType: str = "sail"
    clusterId: Id
    teamId: Id
    config: ConfigBody


class ConfigUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=2000)
    config: ConfigBody | None = None
    # Immutable (§3.20.4): accepted only to answer with a 422 that names them.
    workloadType: str | None = None
    clusterId: Id | None = None
    teamId: Id | None = None


class ConfigQuery(MarkerQuery):
    teamId: Id | None = None


class ConfigPage(Schema):
    """MarkerPage<WorkloadConfig>."""

    items: list[WorkloadConfig]
    marker: str | None = None
