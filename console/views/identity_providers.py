"""Settings → Identity providers (contract §3.2): list, add by URL or by hand, edit, test, rotate, delete.

Every operation needs CanManageIdentityProviders; without it the screen says so (the platform refuses too).
Secrets are typed in and sent on; no page ever shows one back.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import identity_providers as client
from console.client.errors import PlatformError
from console.client.models.identity_providers import IdentityProvider, IdpTestResult
from console.forms.lists import MarkerQuery
from console.forms.settings import AutoSetupForm, EditForm, ManualForm, RotateSecretForm
from console.htmx import navigate, render_fragment, render_page
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table
from console.views.access import access_of
from console.views.decorators import signed_in

LIST = "console/settings/identity_providers/list.html"
NEW = "console/settings/identity_providers/new.html"
DETAIL = "console/settings/identity_providers/detail.html"
RELATION = "CanManageIdentityProviders"


def allowed(request) -> bool:
    return access_of(request).can(RELATION)


def not_allowed(request):
    """The screen for someone without the right (the platform would refuse every call with 403)."""
    return render_page(request, LIST, {"allowed": False}, status=403)


@require_safe
@signed_in
def identity_provider_list(request: SignedInRequest):
    """GET /auth/idps (one call)."""
    if not allowed(request):
        return not_allowed(request)
    query = MarkerQuery(request.GET)
    page = client.list_identity_providers(request.platform, **query.params())
    table = Table(
        id="idp-table",
        caption="Identity providers",
        query=query,
        rows=page.items,
        next_marker=page.marker,
        row=f"{LIST}#idp-row",
        columns=[Column("Provider"), Column("Status"), Column("Email domains"), Column("Last test")],
        empty=Empty(
            "No identity providers yet",
            "Add your OpenID Connect provider (Okta, Entra ID, Google Workspace, Keycloak…) so people sign in with "
            "their work account. Paste its URL and the console registers itself there.",
            "key",
            reverse("identity_provider_create"),
            "Add identity provider",
        ),
        noun=("provider", "providers"),
    )
    return render_page(request, LIST, {"table": table, "allowed": True}, partials="idp-table")


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def identity_provider_create(request: SignedInRequest):
    """GET /auth/identity-provider-types; POST /auth/idps/auto-setup (by URL) or POST /auth/idps (by hand)."""
    if not allowed(request):
        return not_allowed(request)
    manual = (request.POST.get("method") or request.GET.get("method")) == "manual"
    types = client.list_identity_provider_types(request.platform)
    data = request.POST if request.method == "POST" else None
    form = ManualForm(data, types=types) if manual else AutoSetupForm(data, types=types)
    if form.is_bound and form.is_valid():
        try:
            provider = create(request, form, manual)
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            done = "registered" if manual else "registered through auto-setup"
            messages.success(request, f"{provider.name} is {done}. Test it, then sign in through it.")
            return navigate(request, reverse("identity_provider_detail", args=[provider.id]))
    context = {"form": form, "manual": manual}
    return render_page(request, NEW, context, partials="idp-new-form", status=422 if form.errors else 200)


def create(request, form, manual: bool) -> IdentityProvider:
    data = form.cleaned_data
    shared = {
        "name": data["name"],
        "email_domains": data["email_domains"] or None,
        "auto_provision": data["auto_provision"],
    }
    if manual:
        return client.create_identity_provider(
            request.platform,
            type_id=data["type_id"],
            issuer=data["issuer"],
            client_id=data["client_id"],
            client_secret=data["client_secret"] or None,
            scopes=data["scopes"] or None,
            **shared,
        )
    return client.auto_setup_identity_provider(
        request.platform,
        provider_url=data["provider_url"],
        type_id=data["type_id"] or None,
        initial_access_token=data["initial_access_token"] or None,
        **shared,
    )


@dataclass
class Detail:
    """What the provider's page shows: the provider and its forms, and a test's outcome if one just ran."""

    provider: IdentityProvider
    edit: EditForm
    rotate: RotateSecretForm
    result: IdpTestResult | None = None


def detail_page(request, detail: Detail, *, status: int = 200, partials=None):
    context = {"provider": detail.provider, "edit": detail.edit, "rotate": detail.rotate, "result": detail.result}
    return render_page(request, DETAIL, context, partials=partials, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def identity_provider_detail(request: SignedInRequest, idp_id: str):
    """GET /auth/idps/{idp}; POST saves the settings form with PATCH /auth/idps/{idp} (only what changed)."""
    if not allowed(request):
        return not_allowed(request)
    provider = client.describe_identity_provider(request.platform, idp_id)
    form = EditForm(request.POST if request.method == "POST" else None, provider=provider)
    if form.is_bound and form.is_valid():
        try:
            changes = form.changes()
            if changes:
                client.update_identity_provider(request.platform, idp_id, **changes)
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(
                request, "Provider saved. New sign-ins use the changes." if changes else "Nothing changed."
            )
            return navigate(request, reverse("identity_provider_detail", args=[idp_id]))
    detail = Detail(provider, form, RotateSecretForm())
    return detail_page(request, detail, status=422 if form.errors else 200, partials="idp-edit")


@require_POST
@signed_in
def identity_provider_test(request: SignedInRequest, idp_id: str):
    """POST /auth/idps/{idp}/test, then GET /auth/idps/{idp}: the result and the new status, in place."""
    result = client.test_identity_provider(request.platform, idp_id)
    provider = client.describe_identity_provider(request.platform, idp_id)
    detail = Detail(provider, EditForm(provider=provider), RotateSecretForm(), result)
    if request.htmx:
        return render_fragment(request, f"{DETAIL}#idp-status", {"provider": provider, "result": result})
    return detail_page(request, detail)


@require_POST
@signed_in
def identity_provider_rotate(request: SignedInRequest, idp_id: str):
    """POST /auth/idps/{idp}/rotate-secret: the new secret takes effect at once and is never shown."""
    form = RotateSecretForm(request.POST)
    if form.is_valid():
        try:
            client.rotate_identity_provider_secret(
                request.platform, idp_id, client_secret=form.cleaned_data["client_secret"]
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, "Client secret replaced. Sign-ins use the new one from now on.")
            return navigate(request, reverse("identity_provider_detail", args=[idp_id]))
    provider = client.describe_identity_provider(request.platform, idp_id)
    detail = Detail(provider, EditForm(provider=provider), form)
    if request.htmx:
        return render_fragment(request, f"{DETAIL}#idp-rotate", {"provider": provider, "rotate": form}, status=422)
    return detail_page(request, detail, status=422)


@require_POST
@signed_in
def identity_provider_delete(request: SignedInRequest, idp_id: str):
    """DELETE /auth/idps/{idp}."""
    provider = client.describe_identity_provider(request.platform, idp_id)
    client.delete_identity_provider(request.platform, idp_id)
    messages.success(request, f"{provider.name} is deleted. Its people now sign in with a password or a code.")
    return navigate(request, reverse("identity_provider_list"))
