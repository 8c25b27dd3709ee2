"""Networks (contract §3.16): the list, the create form, and a network's page with its live operation and actions.

Reads need CanViewInfrastructure; creating, provisioning, destroying, renaming and deleting need
CanManageInfrastructure (§1.13). The views decide what is offered; the platform enforces every action.
"""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import connections as accounts
from console.client import networks as client
from console.client.errors import Conflict, PlatformError
from console.forms.connections import RenameForm
from console.forms.networks import NetworkForm, NetworkQuery
from console.htmx import navigate, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.connections import MANAGE, VIEW, require
from console.views.decorators import signed_in

LIST = "console/infrastructure/network_list.html"
NEW = "console/infrastructure/network_new.html"
DETAIL = "console/infrastructure/network_detail.html"
READERS = "Only Owners, Admins, Billing Viewers and Auditors can see networks."


@require_safe
@signed_in
def network_list(request: SignedInRequest):
    """GET /infra/networks: every managed network with its account and latest operation (1 call)."""
    access = require(request, VIEW, READERS)
    query = NetworkQuery(request.GET)
    page = client.list_networks(request.platform, **query.params())
    create_url = reverse("network_create") if access.can(MANAGE) else ""
    included = page.included
    table = Table(
        id="network-table",
        caption="Networks, newest first",
        query=query,
        rows=[(n, included.connection(n.connection_id), included.operation(n.id)) for n in page.items],
        next_marker=page.marker,
        row=f"{LIST}#network-row",
        columns=[Column("Network"), Column("Cloud account"), Column("CIDR"), Column("Status"), Column("VPC")],
        empty=Empty(
            "No networks yet",
            "A network is a VPC LakeSail builds in one of your cloud accounts; clusters run inside it.",
            "diagram-2",
            create_url,
            "Create a network",
        ),
        extra={"account_path": link_prefix("connection_detail")},  # + "<account>/networks/<network>": its page
        noun=("network", "networks"),
    )
    return render_page(request, LIST, {"table": table, "create_url": create_url}, partials="network-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def network_create(request: SignedInRequest):
    """POST /infra/connections/{connection}/networks in an active account; then its page offers Provision."""
    require(request, MANAGE, "Only Owners and Admins can create networks.")
    found = accounts.list_connections(request.platform, limit=100).items
    active = [(c.id, f"{c.name} ({c.provider_config.region})") for c in found if c.status == "active"]
    initial = {"connection_id": request.GET.get("account", "")}
    form = NetworkForm(request.POST if request.method == "POST" else None, accounts=active, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = client.create_network(
                request.platform, data["connection_id"], name=data["name"], region=data["region"], cidr=data["cidr"]
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            network = created.network
            messages.success(request, f"Network “{network.name}” created. Provision it to build the VPC.")
            return navigate(request, reverse("network_detail", args=[network.connection_id, network.id]))
    context = {"form": form, "has_accounts": bool(active)}
    return render_page(request, NEW, context, partials="network-form", status=422 if form.errors else 200)


@require_safe
@never_cache
@signed_in
def network_detail(request: SignedInRequest, connection_id: str, network_id: str):
    """The network, its account and its latest operation (GET .../networks/{network}: 1 call)."""
    return render_detail(request, connection_id, network_id)


def render_detail(request, connection_id, network_id, *, form=None, status=200):
    access = require(request, VIEW, READERS)
    detail = client.describe_network(request.platform, connection_id, network_id)
    network = detail.network
    context = {
        "network": network,
        "account": detail.included.connection(network.connection_id),
        "operation": detail.included.operation(network.id),
        "manage": access.can(MANAGE),
        "rename_form": form or RenameForm(initial={"name": network.name}),
    }
    return render_page(request, DETAIL, context, partials="network-page", status=status)


def act(request, connection_id: str, network_id: str, action, done: str):
    """One lifecycle action (provision, destroy); a refusal (409) is said on the page it came from."""
    try:
        action(request.platform, connection_id, network_id)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return navigate(request, reverse("network_detail", args=[connection_id, network_id]))


@require_POST
@signed_in
def network_provision(request: SignedInRequest, connection_id: str, network_id: str):
    """POST .../provision: the page then follows the operation live."""
    return act(request, connection_id, network_id, client.provision_network, "Provisioning started.")


@require_POST
@signed_in
def network_destroy(request: SignedInRequest, connection_id: str, network_id: str):
    """POST .../destroy, after the confirmation: the VPC and everything in it go."""
    return act(request, connection_id, network_id, client.destroy_network, "Destroying the network.")


@require_POST
@signed_in
def network_rename(request: SignedInRequest, connection_id: str, network_id: str):
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            client.update_network(request.platform, connection_id, network_id, name=form.cleaned_data["name"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, "Network renamed.")
            return navigate(request, reverse("network_detail", args=[connection_id, network_id]))
    return render_detail(request, connection_id, network_id, form=form, status=422)


@require_POST
@signed_in
def network_delete(request: SignedInRequest, connection_id: str, network_id: str):
    """DELETE /infra/networks/{network}: only a pending or destroyed record."""
    try:
        client.delete_network(request.platform, network_id)
    except Conflict as error:
        messages.error(request, f"Not deleted. {error.message}")
        return navigate(request, reverse("network_detail", args=[connection_id, network_id]))
    messages.success(request, "Network record deleted.")
    return navigate(request, reverse("network_list"))
