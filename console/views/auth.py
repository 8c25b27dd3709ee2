"""Sign-in and sign-out: the console's only views that create or end a platform login."""

import logging

from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from console.client import auth
from console.client.errors import PlatformError
from console.client.models.auth import MfaChallenge
from console.forms.auth import SignInForm
from console.htmx import navigate, render_page
from console.requests import ConsoleRequest
from console.views import sign_in_steps as steps
from console.views.decorators import safe_next

logger = logging.getLogger("console")


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: ConsoleRequest):
    """POST /auth/login; the MFA step follows when the platform asks for it."""
    next_url = safe_next(request)
    if request.platform is not None:
        return navigate(request, next_url or reverse("dashboard"))
    form = SignInForm(request.POST if request.method == "POST" else None)
    unverified = False
    if form.is_valid():
        try:
            result = auth.login(
                steps.browser(request),
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                trusted_device_token=steps.trusted_device(request),
            )
        except PlatformError as error:
            form.add_platform_error(error)
            unverified = error.code == "email_not_verified"
        else:
            return steps.continue_sign_in(request, result, next_url)
    context = {
        "form": form,
        "next": next_url or "",
        "local_mode": not settings.LAKESAIL_API_URL,
        "unverified": unverified,
    }
    return render_page(request, "console/auth/sign_in.html", context, status=422 if form.errors else 200)


def password_sign_in(request, email: str, password: str) -> MfaChallenge | None:
    """POST /auth/login then GET /me; on success the session holds the login. Returns an MFA challenge if any."""
    result = auth.login(
        steps.browser(request), email=email, password=password, trusted_device_token=steps.trusted_device(request)
    )
    if isinstance(result, MfaChallenge):
        return result
    steps.start_session(request, result)
    return None


@require_POST
def sign_out(request: ConsoleRequest):
    if request.platform is not None:
        try:
            auth.logout(request.platform)
        except PlatformError as error:
            logger.warning("sign-out: the platform did not confirm revoking the login: %r", error)
    request.session.flush()
    request.platform = None
    messages.success(request, "You have signed out.")
    return navigate(request, reverse("sign_in"), reload=True)
