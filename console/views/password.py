"""Forgot password and the reset-password landing page of the mailed link."""

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from console.client import auth
from console.client.base import Platform
from console.client.errors import PlatformError
from console.forms.auth import EmailForm, ResetPasswordForm
from console.htmx import navigate, render_page
from console.requests import ConsoleRequest


@require_http_methods(["GET", "HEAD", "POST"])
def password_forgot(request: ConsoleRequest):
    """Mail a reset link; the same answer whether or not the address has an account."""
    form = EmailForm(request.POST if request.method == "POST" else None)
    sent = False
    if form.is_valid():
        try:
            auth.forgot_password(Platform.anonymous(), email=form.cleaned_data["email"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            sent = True
    context = {"form": form, "sent": sent}
    return render_page(request, "console/auth/forgot_password.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request: ConsoleRequest):
    """Choose a new password with the token from the link; every login of the account ends."""
    token = request.GET.get("token", "")
    form = ResetPasswordForm(request.POST if request.method == "POST" else None, initial={"token": token})
    if form.is_valid():
        try:
            auth.reset_password(
                Platform.anonymous(), token=form.cleaned_data["token"], new_password=form.cleaned_data["new_password"]
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            signed_out = request.platform is not None  # this login ended with the others
            if signed_out:
                request.session.flush()
            messages.success(request, "Your password was changed. Sign in with the new one.")
            return navigate(request, reverse("sign_in"), reload=signed_out)
    missing = request.method != "POST" and not token
    context = {"form": form, "token_error": form.errors.get("token"), "missing": missing}
    return render_page(request, "console/auth/reset_password.html", context, status=422 if form.errors else 200)
