"""My account: profile, email addresses, password, logins, trusted devices and teams of the signed-in user."""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import auth, users
from console.client.errors import Conflict, Forbidden, PlatformError, ValidationFailed
from console.client.users import describe_me, list_my_teams
from console.forms.account import AddEmailForm, ChangePasswordForm, ProfileForm
from console.htmx import navigate, render_page, targets
from console.requests import SignedInRequest
from console.sessions import IDENTITY_KEY, Identity
from console.views.decorators import signed_in
from console.views.mfa import security_page


def _remember(request, me) -> None:
    """Keep the layout's snapshot of who is signed in up to date after a profile change."""
    request.session[IDENTITY_KEY] = Identity.from_me(me).as_dict()


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def account_profile(request: SignedInRequest):
    """Profile: names (PATCH /me). One call to show it, one to save it (a refused save shows the form alone)."""
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                _remember(request, users.update_me(request.platform, **form.cleaned_data))
            except PlatformError as error:
                form.add_platform_error(error)
            else:
                messages.success(request, "Your profile was saved.")
                return navigate(request, reverse("account_profile"))
        me = None
    else:
        me = describe_me(request.platform)
        user = me.user
        names = ("given_name", "family_name", "display_name")
        form = ProfileForm(initial={name: getattr(user, name) for name in names} if user else None)
    context = {"form": form, "me": me, "tab": "profile"}
    status = 422 if form.errors else 200
    return render_page(request, "console/account/profile.html", context, partials="profile-form", status=status)


def _emails_page(request, form, status=200):
    # The add form, answered on its own, needs no list.
    emails = [] if targets(request, "email-add-form") else users.list_emails(request.platform).items
    context = {"emails": emails, "form": form, "tab": "emails"}
    partials = {"email-list": "email-list", "email-add-form": "email-add-form"}
    return render_page(request, "console/account/emails.html", context, partials=partials, status=status)


@require_safe
@signed_in
def account_emails(request: SignedInRequest):
    """Email addresses: primary first; add, make primary (verified only), remove (non-primary)."""
    return _emails_page(request, AddEmailForm())


@require_POST
@signed_in
def account_email_add(request: SignedInRequest):
    form = AddEmailForm(request.POST)
    if form.is_valid():
        try:
            added = users.add_email(request.platform, email=form.cleaned_data["email"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"We sent a verification link to {added.email}.")
            return navigate(request, reverse("account_emails"))
    return _emails_page(request, form, status=422)


@require_POST
@signed_in
def account_email_primary(request: SignedInRequest, email_id: str):
    address = request.POST.get("email", "")
    try:
        _remember(request, users.update_me(request.platform, email=address))
    except (ValidationFailed, Conflict, Forbidden) as error:
        messages.error(request, error.field_errors.get("email") or error.message)
    else:
        messages.success(request, f"{address} is now your primary address.")
    return navigate(request, reverse("account_emails"))


@require_POST
@signed_in
def account_email_remove(request: SignedInRequest, email_id: str):
    try:
        users.remove_email(request.platform, email_id)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "The address was removed.")
    return navigate(request, reverse("account_emails"))


@require_POST
@signed_in
def account_password(request: SignedInRequest):
    """Change the password by proving the current one; the platform ends the other logins."""
    form = ChangePasswordForm(request.POST)
    if form.is_valid():
        try:
            users.change_password(
                request.platform,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, "Your password was changed. Your other sign-ins were ended.")
            return navigate(request, reverse("account_security"))
    return security_page(request, password_form=form, status=422)


@require_safe
@signed_in
def account_sessions(request: SignedInRequest):
    """Active logins, this one marked; revoke one or sign out everywhere. One call."""
    logins = users.list_logins(request.platform)
    context = {"logins": logins, "tab": "sessions", "current_fields": {"current": "true"}}
    return render_page(request, "console/account/sessions.html", context, partials="login-list")


@require_POST
@signed_in
def account_session_revoke(request: SignedInRequest, login_id: str):
    current = request.POST.get("current") == "true"
    users.revoke_login(request.platform, login_id)
    if current:
        request.session.flush()
        messages.info(request, "You ended this sign-in.")
        return navigate(request, reverse("sign_in"), reload=True)
    messages.success(request, "That sign-in was ended. Its next request will need to sign in again.")
    return navigate(request, reverse("account_sessions"))


@require_POST
@signed_in
def account_sessions_revoke_all(request: SignedInRequest):
    auth.logout(request.platform, all_logins=True)
    request.session.flush()
    messages.success(request, "You signed out everywhere.")
    return navigate(request, reverse("sign_in"), reload=True)


@require_safe
@signed_in
def account_devices(request: SignedInRequest):
    """Trusted devices: browsers that skip the MFA step until they expire or are revoked. One call."""
    devices = users.list_trusted_devices(request.platform)
    return render_page(
        request, "console/account/devices.html", {"devices": devices, "tab": "devices"}, partials="device-list"
    )


@require_POST
@signed_in
def account_device_revoke(request: SignedInRequest, device_id: str):
    users.revoke_trusted_device(request.platform, device_id)
    messages.success(request, "That device will be asked for an authentication code at its next sign-in.")
    return navigate(request, reverse("account_devices"))


@require_safe
@signed_in
def account_teams(request: SignedInRequest):
    """The teams the user belongs to in this organization, with their team roles. One call."""
    teams = list_my_teams(request.platform)
    rows = [(entry, teams.roles_of(entry)) for entry in teams.items]
    inherited = any(entry.inherited for entry in teams.items)
    return render_page(request, "console/account/teams.html", {"rows": rows, "inherited": inherited, "tab": "teams"})
