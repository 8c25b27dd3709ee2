"""Settings → Organization (contract §3.14): name, MFA and DPoP requirements, lifetimes, default role."""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from console.client.errors import PlatformError
from console.client.organization import describe_settings, update_settings
from console.client.roles import list_roles
from console.forms.settings import OrganizationSettingsForm
from console.htmx import navigate, render_page
from console.requests import SignedInRequest
from console.sessions import IDENTITY_KEY
from console.views.access import access_of
from console.views.decorators import signed_in

TEMPLATE = "console/settings/organization.html"


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def organization_settings(request: SignedInRequest):
    """GET /org/settings and GET /org/roles (the default-role choices); PATCH /org/settings with what changed."""
    current = describe_settings(request.platform)
    roles = [summary.role for summary in list_roles(request.platform).items]
    manage = access_of(request).can("CanManageOrganization")
    data = request.POST if request.method == "POST" else None  # posted without the right: the platform refuses
    form = OrganizationSettingsForm(data, current=current, roles=roles)
    if form.is_bound and form.is_valid():
        changes = form.changes()
        try:
            saved = update_settings(request.platform, **changes) if changes else current
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            rename(request, saved.organization_name)
            messages.success(request, "Settings saved." if changes else "Nothing changed.")
            return navigate(request, reverse("organization_settings"))
    role_names = {role.id: role.name for role in roles}
    context = {
        "form": form,
        "settings": current,
        "manage": manage,
        "default_role": role_names.get(current.default_role_id),
    }
    return render_page(request, TEMPLATE, context, partials="settings-form", status=422 if form.errors else 200)


def rename(request, name: str) -> None:
    """The top bar shows the organization's name from the session's snapshot: keep it in step."""
    data = request.session.get(IDENTITY_KEY)
    if isinstance(data, dict) and data.get("organization_name") != name:
        data["organization_name"] = name
        for choice in data.get("organizations", ()):
            if choice.get("id") == data.get("organization_id"):
                choice["name"] = name
        request.session[IDENTITY_KEY] = data
