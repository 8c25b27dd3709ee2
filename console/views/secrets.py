"""Secrets (contract §3.17): the list, the create form, a secret's page with its actions, and the edit form.

Every member sees the secrets of their teams (org-level readers all of them); CanManageSecrets in one of the
secret's teams, or in the organization, manages it. A value goes in and is never drawn again, not even in a
refused form. The views decide what is offered; the platform enforces every action.
"""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import secrets as client
from console.client.errors import Conflict, Forbidden, PlatformError
from console.client.models.workloads import SecretDetail
from console.forms.secrets import SecretEditForm, SecretForm, SecretQuery, SecretValueForm
from console.htmx import navigate, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.access import TeamAccess, team_access_of
from console.views.decorators import signed_in

LIST = "console/workloads/secret_list.html"
NEW = "console/workloads/secret_new.html"
DETAIL = "console/workloads/secret_detail.html"
EDIT = "console/workloads/secret_edit.html"
MANAGE = "CanManageSecrets"
MANAGERS = "Only Team Admins (in their teams), Owners and Admins manage secrets."


@require_safe
@signed_in
def secret_list(request: SignedInRequest):
    """GET /workloads/secrets with their teams, and the caller's teams to decide what to offer (2 calls)."""
    access = team_access_of(request)
    query = SecretQuery(request.GET)
    page = client.list_secrets(request.platform, **query.params())
    create_url = reverse("secret_create") if access.teams_with(MANAGE) else ""
    secrets = {s.id: s for s in page.included.secrets}
    teams = {t.team.id: t for t in page.included.teams}
    rows = [
        (secrets[row.secret_id], [teams[t] for t in row.team_ids if t in teams])
        for row in page.items
        if row.secret_id in secrets
    ]
    table = Table(
        id="secret-table",
        caption="Secrets, by name",
        query=query,
        rows=rows,
        total=page.total,
        row=f"{LIST}#secret-row",
        columns=[
            Column("Secret"),
            Column("Shared with"),
            Column("Version", css="num"),
            Column("Used by", css="num"),
            Column("Status"),
            Column("Updated"),
        ],
        empty=Empty(
            "No secrets yet",
            "A secret is a value such as a password or an access key, stored encrypted and shared with teams. "
            "Compute profiles pass it to sessions and notebooks as an environment variable; nobody can read it back.",
            "key",
            create_url,
            "New secret",
        ),
        extra={"team_path": link_prefix("team_detail"), "secret_path": link_prefix("secret_detail")},
        noun=("secret", "secrets"),
    )
    return render_page(request, LIST, {"table": table, "create_url": create_url}, partials="secret-table")


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@signed_in
def secret_create(request: SignedInRequest):
    """POST /workloads/secrets, shared with teams where the caller manages secrets (1 call to draw: my teams)."""
    teams = team_access_of(request).teams_with(MANAGE)
    if not teams:
        raise Forbidden(MANAGERS)
    form = SecretForm(request.POST if request.method == "POST" else None, teams=teams)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = client.create_secret(
                request.platform,
                name=data["name"],
                value=data["value"],
                team_ids=data["team_ids"],
                description=data["description"],
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Secret “{created.secret.name}” stored.")
            return navigate(request, reverse("secret_detail", args=[created.secret.id]))
    return render_page(request, NEW, {"form": form}, partials="secret-form", status=422 if form.errors else 200)


def can_manage(access: TeamAccess, detail: SecretDetail) -> bool:
    return access.can_in_any(MANAGE, detail.team_ids)


@require_safe
@never_cache
@signed_in
def secret_detail(request: SignedInRequest, secret_id: str):
    """GET /workloads/secrets/{id} and the caller's teams (2 calls)."""
    return render_detail(request, secret_id)


def render_detail(request, secret_id: str, *, value_form: SecretValueForm | None = None, status: int = 200):
    detail = client.describe_secret(request.platform, secret_id)
    manage = can_manage(team_access_of(request), detail)
    context = {
        "secret": detail.secret,
        "teams": detail.included.teams,
        "manage": manage,
        "value_form": (value_form or SecretValueForm()) if manage else None,
    }
    return render_page(request, DETAIL, context, partials="secret-page", status=status)


@require_POST
@never_cache
@signed_in
def secret_value(request: SignedInRequest, secret_id: str):
    """PUT /workloads/secrets/{id}/value: the next version, which also clears a revocation."""
    form = SecretValueForm(request.POST)
    if form.is_valid():
        try:
            client.replace_secret_value(request.platform, secret_id, form.cleaned_data["value"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, "New value stored. Sessions and notebooks that start from now on use it.")
            return navigate(request, reverse("secret_detail", args=[secret_id]))
    return render_detail(request, secret_id, value_form=form, status=422)


@require_POST
@signed_in
def secret_revoke(request: SignedInRequest, secret_id: str):
    """POST /workloads/secrets/{id}/revoke; a 409 (already revoked) is said on the page."""
    try:
        client.revoke_secret(request.platform, secret_id)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Secret revoked. Starts that need it fail until you store a new value.")
    return navigate(request, reverse("secret_detail", args=[secret_id]))


@require_POST
@signed_in
def secret_delete(request: SignedInRequest, secret_id: str):
    """DELETE /workloads/secrets/{id}: only a secret no compute profile uses (else 409 in_use, said on its page)."""
    try:
        client.delete_secret(request.platform, secret_id)
    except Conflict as error:
        messages.error(request, f"Not deleted. {error.message}")
        return navigate(request, reverse("secret_detail", args=[secret_id]))
    messages.success(request, "Secret deleted.")
    return navigate(request, reverse("secret_list"))


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def secret_update(request: SignedInRequest, secret_id: str):
    """PATCH /workloads/secrets/{id}: name, description and teams (2 calls to draw: the secret, my teams)."""
    detail = client.describe_secret(request.platform, secret_id)
    access = team_access_of(request)
    if not can_manage(access, detail):
        raise Forbidden(MANAGERS)
    current = [(t.team.id, t.team.name) for t in detail.included.teams]
    offered = dict(access.teams_with(MANAGE)) | dict(current)
    teams = sorted(offered.items(), key=lambda pair: pair[1].lower())
    secret = detail.secret
    initial = {"name": secret.name, "description": secret.description or "", "team_ids": detail.team_ids}
    form = SecretEditForm(request.POST if request.method == "POST" else None, initial=initial, teams=teams)
    if form.is_valid():
        data = form.cleaned_data
        changes: dict = {"name": data["name"], "description": data["description"] or None}
        if set(data["team_ids"]) != set(detail.team_ids):  # only then: each listed team needs CanManageSecrets
            changes["teamIds"] = data["team_ids"]
        try:
            client.update_secret(request.platform, secret_id, **changes)
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, "Secret updated.")
            return navigate(request, reverse("secret_detail", args=[secret_id]))
    context = {"form": form, "secret": secret}
    return render_page(request, EDIT, context, partials="secret-form", status=422 if form.errors else 200)
