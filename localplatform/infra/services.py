"""Infrastructure services shared by every resource of §2.5: finding operations."""

from localplatform.errors import not_found
from localplatform.infra.models import Operation


def get_operation(organization, operation_id: str) -> Operation:
    """The organization's operation, or 404 (another organization's is as missing as one that never was)."""
    operation = Operation.objects.filter(organization=organization, pk=operation_id).first()
    if operation is None:
        raise not_found("operation")
    return operation
