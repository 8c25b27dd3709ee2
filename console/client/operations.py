"""operations: long-running infrastructure work (contract §3.23), polled while it runs."""

from console.client.base import Platform, parse
from console.client.models.infra import Operation
from console.client.paths import segment


def describe_operation(platform: Platform, operation_id: str) -> Operation:
    """GET /operations/{operationId}"""
    return parse(Operation, platform.call("GET", f"/operations/{segment(operation_id)}"))
