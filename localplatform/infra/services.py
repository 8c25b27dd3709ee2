"""Infrastructure services shared by every resource of §2.5: finding operations, saving named records."""

from django.db import IntegrityError, transaction

from localplatform.errors import PlatformError, not_found
from localplatform.infra.models import Operation


def get_operation(organization, operation_id: str) -> Operation:
    """The organization's operation, or 404 (another organization's is as missing as one that never was)."""
    operation = Operation.objects.filter(organization=organization, pk=operation_id).first()
    if operation is None:
        raise not_found("operation")
    return operation


def save_named(record):
    """Save a connection, network or cluster, turning its unique-name constraint into 409 already_exists."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        what = record._meta.verbose_name
        raise PlatformError("already_exists", f"A {what} with this name already exists.") from None
    return record
