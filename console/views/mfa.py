"""Security: password change, TOTP setup with a server-rendered QR code, recovery codes, MFA reset, forced enrollment.

The pending TOTP secret and freshly issued recovery codes stay in the server-side session between
steps; the codes are shown until the user says they saved them (or ten minutes pass), then forgotten.
"""

import io
import time

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client import mfa
from console.client.errors import Conflict, PlatformError
from console.forms.account import ChangePasswordForm, MfaResetForm, TotpCodeForm
from console.htmx import navigate, render_page, targets
from console.requests import SignedInRequest
from console.views.decorators import signed_in
from console.views.sign_in_steps import DEVICE_COOKIE, ENROLL_KEY

SETUP_KEY = "account.totp_setup"
CODES_KEY = "account.recovery_codes"
CODES_SHOWN_FOR = 600
SECURITY_FORMS = {"password-form": "password-form", "regenerate-form": "regenerate-form"}


def enrolling(request) -> bool:
    """True while the organization requires MFA and this login has not enrolled yet."""
    return bool(request.session.get(ENROLL_KEY))


def security_page(request, *, password_form=None, regenerate_form=None, status=200):
    """The Security tab: one call (GET /me/mfa) plus whatever form is being answered; htmx gets that form alone."""
    # The password form, answered on its own, does not depend on the MFA status.
    mfa_status = None if targets(request, "password-form") else mfa.describe_mfa(request.platform)
    context = {
        "mfa": mfa_status,
        "password_form": password_form or ChangePasswordForm(),
        "regenerate_form": regenerate_form or TotpCodeForm(prefix="regenerate"),
        "reset_form": MfaResetForm(prefix="reset", codes=bool(mfa_status and mfa_status.enabled)),
        "tab": "security",
    }
    return render_page(request, "console/account/security.html", context, partials=SECURITY_FORMS, status=status)


@require_safe
@signed_in
def account_security(request: SignedInRequest):
    return security_page(request)


@require_safe
@signed_in
def mfa_enroll(request: SignedInRequest):
    """Forced enrollment: the organization requires MFA before anything else can be used."""
    if not enrolling(request):
        return redirect("account_security")
    return render_page(request, "console/account/enroll.html", {"status": mfa.describe_mfa(request.platform)})


@require_POST
@signed_in
def mfa_setup_start(request: SignedInRequest):
    """Issue a TOTP secret (POST /me/mfa/totp) and go to the page that shows it."""
    try:
        enrollment = mfa.start_totp(request.platform)
    except Conflict as error:
        messages.error(request, error.message)
        return navigate(request, reverse("account_security"))
    request.session[SETUP_KEY] = {
        "secret": enrollment.secret,
        "uri": enrollment.otpauth_uri,
        "expires_at": enrollment.expires_at.isoformat(),
    }
    return navigate(request, reverse("mfa_setup"))


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def mfa_setup(request: SignedInRequest):
    """Scan the QR code (or type the secret), then confirm with one code to turn MFA on."""
    setup = request.session.get(SETUP_KEY)
    back = reverse("mfa_enroll" if enrolling(request) else "account_security")
    if not setup:
        return navigate(request, back)
    form = TotpCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            confirmation = mfa.confirm_totp(request.platform, code=form.cleaned_data["code"])
        except Conflict:  # no pending setup any more: it expired, or another tab confirmed or reset it
            request.session.pop(SETUP_KEY, None)
            messages.error(request, "The setup expired before it was confirmed. Start again for a new QR code.")
            return navigate(request, back)
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            request.session.pop(SETUP_KEY, None)
            then = "dashboard" if request.session.pop(ENROLL_KEY, None) else "account_security"
            keep_codes(request, confirmation.recovery_codes, then=then)
            messages.success(request, "Multi-factor authentication is on.")
            return navigate(request, reverse("mfa_recovery_codes"))
    context = {"setup": setup, "form": form, "enrolling": enrolling(request)}
    return render_page(request, "console/account/totp_setup.html", context, status=422 if form.errors else 200)


@never_cache
@require_safe
@signed_in
def mfa_qr(request: SignedInRequest):
    """The pending otpauth URI as an SVG QR code, drawn on the server (no inline style, no script)."""
    setup = request.session.get(SETUP_KEY)
    if not setup:
        return HttpResponse(status=404)
    image = qrcode.make(setup["uri"], image_factory=qrcode.image.svg.SvgPathFillImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


def keep_codes(request, codes: list[str], then: str = "account_security") -> None:
    """Hold new recovery codes for the page that shows them; `then` is where "I saved them" leads."""
    request.session[CODES_KEY] = {"codes": list(codes), "at": time.time(), "then": then}


def kept_codes(request) -> list[str]:
    kept = request.session.get(CODES_KEY)
    if not kept or kept.get("at", 0) + CODES_SHOWN_FOR < time.time():
        request.session.pop(CODES_KEY, None)
        return []
    return kept["codes"]


@never_cache
@require_safe
@signed_in
def mfa_recovery_codes(request: SignedInRequest):
    """The new recovery codes, shown once: copy, download, then "I saved them" forgets them."""
    codes = kept_codes(request)
    if not codes:
        messages.info(request, "Recovery codes are shown only once. Generate new ones if you lost them.")
        return redirect("account_security")
    return render_page(request, "console/account/recovery_codes.html", {"codes": codes})


@never_cache
@require_safe
@signed_in
def mfa_recovery_download(request: SignedInRequest):
    codes = kept_codes(request)
    if not codes:
        return redirect("account_security")
    identity = request.session.get("platform.identity") or {}
    text = "LakeSail recovery codes for {}\nEach code works once.\n\n{}\n".format(
        identity.get("email", ""), "\n".join(codes)
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lakesail-recovery-codes.txt"'
    return response


@require_POST
@signed_in
def mfa_recovery_done(request: SignedInRequest):
    kept = request.session.pop(CODES_KEY, None) or {}
    then = kept.get("then") if kept.get("then") in ("dashboard", "account_security") else "account_security"
    return navigate(request, reverse(then))


@require_POST
@signed_in
def mfa_recovery_regenerate(request: SignedInRequest):
    """New recovery codes (the old ones stop working); needs a current code from the app."""
    form = TotpCodeForm(request.POST, prefix="regenerate")
    if form.is_valid():
        try:
            codes = mfa.regenerate_recovery_codes(request.platform, code=form.cleaned_data["code"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            keep_codes(request, codes.recovery_codes)
            return navigate(request, reverse("mfa_recovery_codes"))
    return security_page(request, regenerate_form=form, status=422)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def mfa_reset(request: SignedInRequest):
    """Confirm, then turn MFA off (password or code); the platform ends every login, this one included.

    The Security page holds the same form in a dialog; this page is where it goes without JavaScript and where a
    refused plain POST comes back to. One call to show it (GET /me/mfa), one more to reset.
    """
    status = mfa.describe_mfa(request.platform)
    if request.method != "POST" and not (status.enabled or status.enrollment_pending):
        return redirect("account_security")
    form = MfaResetForm(request.POST if request.method == "POST" else None, prefix="reset", codes=status.enabled)
    if form.is_valid():
        try:
            mfa.reset_mfa(request.platform, **form.proof())
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            request.session.flush()
            messages.success(request, "Multi-factor authentication was reset. Sign in again.")
            response = navigate(request, reverse("sign_in"), reload=True)
            response.delete_cookie(DEVICE_COOKIE, samesite="Lax")
            return response
    context = {"mfa": status, "reset_form": form, "tab": "security"}
    status_code = 422 if form.errors else 200
    return render_page(request, "console/account/mfa_reset.html", context, partials="reset-form", status=status_code)
