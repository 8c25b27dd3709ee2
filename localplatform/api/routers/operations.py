"""/operations (contract §3.23): the status of long-running infrastructure work."""

from ninja import Router

from localplatform.api.auth import BearerAuth
from localplatform.api.shapes import operations as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.errors import PlatformError
from localplatform.infra import simulation
from localplatform.infra.services import get_operation

router = Router(tags=["operations"], auth=BearerAuth())


@router.get(
    "/operations/{operationId}",
    response={200: shapes.Operation, **errors(400, 401, 403, 404)},
    summary="Get async operation status",
)
def describe_operation(request, operationId: Id):
    """Returns an operation's status, progress, result or error; clients poll it every 2 to 5 seconds."""
    actor = request.auth
    operation = get_operation(actor.organization, operationId)
    if not (actor.can("CanViewInfrastructure") or operation.member_id == actor.member.id):
        raise PlatformError("permission_denied")
    if not operation.finished:  # a poll moves a simulated operation on to now, without waiting for the worker
        simulation.advance(operation.id)
        operation.refresh_from_db()
    return shapes.operation_data(operation)
