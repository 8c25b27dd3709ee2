"""The live progress panel of an infrastructure Operation (contract §3.23): what its poll every 3 s gets."""

from django.views.decorators.http import require_safe

from console.client.operations import describe_operation
from console.htmx import render_fragment
from console.requests import SignedInRequest
from console.templatetags.console import OPERATION_PANEL, panel_context
from console.views.decorators import signed_in


@require_safe
@signed_in
def operation_progress(request: SignedInRequest, operation_id: str):
    """GET /operations/{operationId}: the panel again; once the operation has ended, the page is told to redraw."""
    operation = describe_operation(request.platform, operation_id)
    response = render_fragment(request, OPERATION_PANEL, panel_context(operation))
    if not operation.running:
        response["HX-Trigger"] = "operation-finished"
    return response
