"""Forgot password and the reset-password landing page of the mailed link."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from console.client import auth
from console.client.base import Platform
from console.client.errors import PlatformError
from console.forms.account import EmailForm, ResetPasswordForm


@require_http_methods(["GET", "HEAD", "POST"])
def password_forgot(request):
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
    return render(request, "console/auth/forgot_password.html", {"form": form, "sent": sent})


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset(request):
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
            if request.platform is not None:
                request.session.flush()
            messages.success(request, "Your password was changed. Sign in with the new one.")
            return redirect("sign_in")
    token_error = form.errors.get("token")
    missing = request.method != "POST" and not token
    return render(
        request, "console/auth/reset_password.html", {"form": form, "token_error": token_error, "missing": missing}
    )
