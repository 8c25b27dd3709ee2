"""Wire shapes of /operations (contract §3.23, §2.5): a long-running piece of infrastructure work."""

from typing import Literal

from ninja import Schema

from localplatform.api.shapes.common import Error, Id, Timestamp
from localplatform.infra import simulation
from localplatform.infra.models import Operation as OperationRecord


class OperationResource(Schema):
    urn: str
    type: str
    name: str
    operation: Literal["create", "update", "delete", "same"]
    status: Literal["pending", "running", "succeeded", "failed", "unchanged"]
    duration: int  # seconds


class OperationSummary(Schema):
    total: int
    pending: int
    running: int
    succeeded: int
    failed: int
    unchanged: int


class OperationProgress(Schema):
    stage: str
    message: str
    resources: list[OperationResource]
    summary: OperationSummary


class Operation(Schema):
    id: Id
    organizationId: Id
    memberId: Id | None
    operation: str
    status: Literal["pending", "running", "succeeded", "failed"]
    result: dict | None
    error: Error | None
    progress: OperationProgress | None
    resourceType: Literal["connection", "network", "cluster", "catalog"]
    resourceId: Id
    createdAt: Timestamp
    updatedAt: Timestamp
    startedAt: Timestamp | None
    completedAt: Timestamp | None


def operation_data(operation: OperationRecord) -> dict:
    return {
        "id": operation.id,
        "organizationId": operation.organization_id,
        "memberId": operation.member_id,
        "operation": operation.operation,
        "status": operation.status,
        "result": operation.result,
        "error": operation.error,
        "progress": simulation.progress(operation),
        "resourceType": operation.resource_type,
        "resourceId": operation.resource_id,
        "createdAt": operation.created_at,
        "updatedAt": operation.updated_at,
        "startedAt": operation.started_at,
        "completedAt": operation.completed_at,
    }


class AsyncAccepted(Schema):
    operationId: Id
    operation: Operation


def async_accepted_data(operation) -> dict:
    return {"operationId": operation.id, "operation": operation_data(operation)}
