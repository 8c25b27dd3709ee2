"""Cloud accounts (contract §3.15): the list, the connect wizard (details → deploy the role → verify) and an
account's page with its template, checks, networks, clusters and latest operation.

Who may do what (§1.13): CanViewInfrastructure reads (Owners, Admins, Billing Viewers, Auditors); only
CanManageInfrastructure holders (Owners, Admins) connect, verify, sync, rename and delete. The views decide what is
offered; the platform enforces every action.
"""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import connections as client
from console.client.errors import Conflict, Forbidden, PlatformError
from console.client.models.infra import ConnectionVerification
from console.forms.base import PlatformForm
from console.forms.connections import REGION_HINTS, ConnectionForm, ConnectionQuery, RenameForm
from console.htmx import navigate, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.access import Access, access_of
from console.views.decorators import signed_in

LIST = "console/infrastructure/connection_list.html"
NEW = "console/infrastructure/connection_new.html"
DETAIL = "console/infrastructure/connection_detail.html"
VIEW, MANAGE = "CanViewInfrastructure", "CanManageInfrastructure"


def require(request, relation: str, refusal: str) -> Access:
    """The caller's Access, once they hold `relation` (else the 403 page with `refusal`)."""
    access = access_of(request)
    if not access.can(relation):
        raise Forbidden(refusal)
    return access


@require_safe
@signed_in
def connection_list(request: SignedInRequest):
    """GET /infra/connections: every cloud account with its status and latest operation (1 call)."""
    access = require(request, VIEW, "Only Owners, Admins, Billing Viewers and Auditors can see cloud accounts.")
    query = ConnectionQuery(request.GET)
    page = client.list_connections(request.platform, **query.params())
    manage = access.can(MANAGE)
    create_url = reverse("connection_create") if manage else ""
    table = Table(
        id="connection-table",
        caption="Cloud accounts, newest first",
        query=query,
        rows=[(c, page.included.operation(c.id)) for c in page.items],
        next_marker=page.marker,
        row=f"{LIST}#connection-row",
        columns=[Column("Account"), Column("Region"), Column("Status"), Column("Latest operation"), Column("Added")],
        empty=Empty(
            "No cloud accounts yet",
            "Connect an AWS account: LakeSail gives you a CloudFormation stack that creates the role it uses there.",
            "cloud",
            create_url,
            "Connect an AWS account",
        ),
        extra={"path": link_prefix("connection_detail")},
        noun=("account", "accounts"),
    )
    context = {"table": table, "create_url": create_url}
    return render_page(request, LIST, context, partials="connection-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def connection_create(request: SignedInRequest):
    """Step 1 of the wizard, POST /infra/connections; then the account's page shows step 2 (deploy the role)."""
    require(request, MANAGE, "Only Owners and Admins can connect cloud accounts.")
    form = ConnectionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            created = client.create_connection(
                request.platform,
                name=form.cleaned_data["name"],
                region=form.cleaned_data["region"].strip(),
                account_id=form.cleaned_data["account_id"],
                iam_role_name=form.cleaned_data["iam_role_name"] or None,
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"“{created.connection.name}” registered. Deploy its role, then verify.")
            return navigate(request, reverse("connection_detail", args=[created.connection.id]))
    context = {"form": form, "region_hints": REGION_HINTS}
    return render_page(request, NEW, context, partials="connection-form", status=422 if form.errors else 200)


@require_safe
@never_cache
@signed_in
def connection_detail(request: SignedInRequest, connection_id: str):
    """The account: status and ARNs, the deploy step while unverified, networks, clusters, the latest operation.

    One call (GET /infra/connections/{id}); a manager's page adds the template (GET .../template) while the role
    is not verified yet, for the quick-create link and the external id."""
    return render_detail(request, connection_id)


def render_detail(request, connection_id: str, *, verification: ConnectionVerification | None = None,
                  form: PlatformForm | None = None, status: int = 200):  # fmt: skip
    access = require(request, VIEW, "Only Owners, Admins, Billing Viewers and Auditors can see cloud accounts.")
    detail = client.describe_connection(request.platform, connection_id)
    connection = detail.connection
    manage = access.can(MANAGE)
    unverified = connection.status in ("pending", "failed") and connection.provider_config.role_arn is None
    template = client.describe_connection_template(request.platform, connection_id) if manage and unverified else None
    included = detail.included
    context = {
        "detail": detail,
        "connection": connection,
        "manage": manage,
        "template": template,
        "verification": verification,
        "operation": included.operation(connection.id),
        "networks": [(n, included.operation(n.id)) for n in included.networks],
        "clusters": included.clusters,
        "rename_form": form or RenameForm(initial={"name": connection.name}),
    }
    return render_page(request, DETAIL, context, partials={"connection-page": "connection-page"}, status=status)


@require_POST
@signed_in
def connection_verify(request: SignedInRequest, connection_id: str):
    """POST .../verify: the page again with each check's result (a failed check still answers 200)."""
    try:
        verification = client.verify_connection(request.platform, connection_id)
    except PlatformError as error:
        form = PlatformForm(request.POST)
        form.add_platform_error(error)
        messages.error(request, " ".join(str(e) for e in form.non_field_errors()) or error.message)
        return navigate(request, reverse("connection_detail", args=[connection_id]))
    if verification.verified:
        messages.success(request, f"“{verification.connection.name}” is verified and active.")
    return render_detail(request, connection_id, verification=verification)


@require_POST
@signed_in
def connection_sync(request: SignedInRequest, connection_id: str):
    """POST .../template/sync: the stack update runs as an operation the page then follows."""
    try:
        client.sync_connection_template(request.platform, connection_id)
    except Conflict as error:  # no longer active, or no stack yet
        messages.error(request, f"Not synced. {error.message}")
    else:
        messages.success(request, "Syncing the CloudFormation stack to the latest template.")
    return navigate(request, reverse("connection_detail", args=[connection_id]))


@require_POST
@signed_in
def connection_rename(request: SignedInRequest, connection_id: str):
    """PATCH /infra/connections/{id}: a new name, refusals at the field."""
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            client.update_connection(request.platform, connection_id, name=form.cleaned_data["name"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, "Cloud account renamed.")
            return navigate(request, reverse("connection_detail", args=[connection_id]))
    return render_detail(request, connection_id, form=form, status=422)


@require_POST
@signed_in
def connection_delete(request: SignedInRequest, connection_id: str):
    """DELETE /infra/connections/{id}; refused (409 in_use) while networks or clusters of it exist."""
    try:
        client.delete_connection(request.platform, connection_id)
    except Conflict as error:  # in_use
        messages.error(request, f"Not deleted. {error.message}")
        return navigate(request, reverse("connection_detail", args=[connection_id]))
    messages.success(request, "Cloud account deleted.")
    return navigate(request, reverse("connection_list"))


@require_safe
@never_cache
@signed_in
def connection_template_download(request: SignedInRequest, connection_id: str):
    """GET .../template/download, passed on as the file the AWS console takes."""
    document = client.download_connection_template(request.platform, connection_id)
    response = HttpResponse(json.dumps(document, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="lakesail-connection-{connection_id}.template.json"'
    return response
