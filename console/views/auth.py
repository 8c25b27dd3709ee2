"""Sign-in and sign-out: the console's only views that create or end a platform login."""

import logging

from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from console.client import auth
from console.client.base import Platform
from console.client.errors import PlatformError
from console.client.me import get_me
from console.client.models import MfaChallenge
from console.client.tokens import TokenBundle
from console.forms.auth import SignInForm
from console.sessions import Identity, start_platform_session
from console.views.decorators import navigate

logger = logging.getLogger("console")


def safe_next(request) -> str | None:
    """The `next` URL of this request if it stays on this site, else None."""
    url = request.POST.get("next") or request.GET.get("next")
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed and url.startswith("/") else None


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request):
    next_url = safe_next(request)
    if request.platform is not None:
        return redirect(next_url or "dashboard")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            challenge = password_sign_in(request, form.cleaned_data["email"], form.cleaned_data["password"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            if challenge is None:
                return redirect(next_url or "dashboard")
            form.add_mfa_required()
    context = {"form": form, "next": next_url or "", "local_mode": not settings.LAKESAIL_API_URL}
    return render(request, "console/auth/sign_in.html", context)


def password_sign_in(request, email: str, password: str) -> MfaChallenge | None:
    """POST /auth/login then GET /me; on success the session holds the login. Returns an MFA challenge if any."""
    result = auth.login(Platform.anonymous(), email=email, password=password)
    if isinstance(result, MfaChallenge):
        return result
    tokens = TokenBundle.issued(result)
    me = get_me(Platform(request.session, tokens))
    start_platform_session(request.session, tokens, Identity.from_me(me))
    rotate_token(request)
    return None


@require_POST
def sign_out(request):
    if request.platform is not None:
        try:
            auth.logout(request.platform)
        except PlatformError as error:
            logger.warning("sign-out: the platform did not confirm revoking the login: %r", error)
    request.session.flush()
    request.platform = None
    messages.success(request, "You have signed out.")
    return navigate(request, reverse("sign_in"))
