"""The steps of signing in after the password form: one-time email code, the MFA step, and finishing.

Between steps the console keeps what it needs (the MFA token, the email being signed in) in the
server-side session, never in the page. A trusted device's token, the user's own remember-this-device
credential, lives in a signed, HttpOnly cookie and is offered to the platform at the next sign-in.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.middleware.csrf import rotate_token
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from console.client import auth
from console.client.base import Platform
from console.client.errors import PlatformError, Unauthorized
from console.client.models.auth import MfaChallenge, TokenResponse
from console.client.tokens import TokenBundle
from console.client.users import describe_me
from console.forms.auth import CodeVerifyForm, EmailForm, MfaStepForm
from console.htmx import navigate, render_page
from console.requests import ConsoleRequest
from console.sessions import Identity, start_platform_session
from console.views.access import access_of

logger = logging.getLogger("console.views")

CHALLENGE_KEY = "signin.mfa"
CODE_EMAIL_KEY = "signin.code_email"
ENROLL_KEY = "account.mfa_enrollment_required"
DEVICE_COOKIE = "lakesail_trusted_device"
DEVICE_SALT = "console.trusted-device"
DEVICE_COOKIE_AGE = 90 * 24 * 60 * 60  # the platform decides the real lifetime (at most 90 days)


def browser(request) -> Platform:
    """An anonymous caller for a token-issuing request, passing on the browser's User-Agent.

    The platform describes each login (and a trusted device) by the User-Agent it sees; without this,
    every login would look like the console itself.
    """
    platform = Platform.anonymous()
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    if user_agent:
        platform.extra_headers["User-Agent"] = user_agent
    return platform


def trusted_device(request) -> str | None:
    """The trusted-device token this browser holds, if its cookie is intact."""
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)


def continue_sign_in(request, result: TokenResponse | MfaChallenge, next_url: str | None):
    """After a password or code login: the MFA step when the platform asks for it, else finish."""
    if isinstance(result, MfaChallenge):
        request.session[CHALLENGE_KEY] = {
            "token": result.mfa_token,
            "methods": result.methods,
            "expires": time.time() + result.expires_in,
            "next": next_url or "",
        }
        return navigate(request, reverse("sign_in_mfa"))
    return finish_sign_in(request, result, next_url)


def finish_sign_in(request, result: TokenResponse, next_url: str | None):
    """GET /me with the new tokens, start the console session, remember the device if the platform trusts it."""
    start_session(request, result)
    then = reverse("mfa_enroll") if result.mfa_enrollment_required else next_url or reverse("dashboard")
    response = navigate(request, then, reload=True)
    if result.trusted_device_token:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            result.trusted_device_token,
            salt=DEVICE_SALT,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            secure=not settings.DEBUG,
            samesite="Lax",
        )
    return response


def start_session(request, result: TokenResponse) -> None:
    """The console session now holds this login (a new session key); the enrollment gate is remembered."""
    tokens = TokenBundle.issued(result)
    me = describe_me(Platform(request.session, tokens))
    request.session.pop(CHALLENGE_KEY, None)
    request.session.pop(CODE_EMAIL_KEY, None)
    start_platform_session(request.session, tokens, Identity.from_me(me))
    rotate_token(request)
    if result.mfa_enrollment_required:
        request.session[ENROLL_KEY] = True
        return
    # Learn once what this user may do (one call per held role), so no screen pays for it later.
    request.platform = Platform.from_session(request.session)
    try:
        access_of(request)
    except PlatformError as error:
        logger.warning("sign-in: could not learn the caller's permissions yet: %r", error)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_code(request: ConsoleRequest):
    """Ask for a one-time code by email (the same answer whether or not the address has an account)."""
    if request.platform is not None:
        return navigate(request, reverse("dashboard"))
    form = EmailForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            auth.request_login_code(Platform.anonymous(), email=form.cleaned_data["email"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            request.session[CODE_EMAIL_KEY] = form.cleaned_data["email"]
            return navigate(request, reverse("sign_in_code_verify"))
    return render_page(request, "console/auth/code_request.html", {"form": form}, status=422 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_code_verify(request: ConsoleRequest):
    """Enter the emailed code; MFA applies after it exactly as after a password."""
    email = request.session.get(CODE_EMAIL_KEY)
    if request.platform is not None or not email:
        return navigate(request, reverse("dashboard" if request.platform is not None else "sign_in_code"))
    data = {**request.POST.dict(), "email": email} if request.method == "POST" else None
    form = CodeVerifyForm(data, initial={"email": email})
    if form.is_valid():
        try:
            result = auth.verify_login_code(
                browser(request),
                email=email,
                code=form.cleaned_data["code"],
                trusted_device_token=trusted_device(request),
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            return continue_sign_in(request, result, None)
    context = {"form": form, "email": email}
    return render_page(request, "console/auth/code_verify.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_mfa(request: ConsoleRequest):
    """The MFA step: a code from the authenticator app or one recovery code, and "trust this device"."""
    challenge = request.session.get(CHALLENGE_KEY)
    if request.platform is not None:
        return navigate(request, reverse("dashboard"))
    if not challenge or challenge.get("expires", 0) < time.time():
        request.session.pop(CHALLENGE_KEY, None)
        if challenge:
            messages.info(request, "The sign-in took too long. Sign in again.")
        return navigate(request, reverse("sign_in"))
    methods = challenge.get("methods", [])
    form = MfaStepForm(request.POST if request.method == "POST" else None, recovery="recovery_code" in methods)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = auth.complete_mfa_login(
                browser(request),
                mfa_token=challenge["token"],
                code=data["code"] or None,
                recovery_code=data["recovery_code"] or None,
                trust_device=data["trust_device"],
            )
        except PlatformError as error:
            if isinstance(error, Unauthorized) and error.code != "invalid_mfa_code":
                return challenge_spent(request)
            form.add_platform_error(error)
        else:
            return finish_sign_in(request, result, challenge.get("next") or None)
    return render_page(request, "console/auth/mfa_step.html", {"form": form}, status=422 if form.errors else 200)


def challenge_spent(request):
    """The MFA token was burned (too many wrong codes) or expired: start over."""
    request.session.pop(CHALLENGE_KEY, None)
    messages.error(request, "This sign-in can no longer be completed (too many tries or too slow). Sign in again.")
    return navigate(request, reverse("sign_in"))
