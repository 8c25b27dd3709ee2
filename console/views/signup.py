"""Sign-up, "check your email", the verify-email landing page and resending the verification link."""

from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from console.client import auth
from console.client.base import Platform
from console.client.errors import PlatformError
from console.forms.auth import EmailForm, EmailVerifyForm, SignUpForm
from console.htmx import navigate, render_page
from console.requests import ConsoleRequest

SIGNUP_EMAIL_KEY = "signup.email"


@require_http_methods(["GET", "HEAD", "POST"])
def signup_create(request: ConsoleRequest):
    """A new user and a new organization in which they are Owner; the platform mails a verification link.

    The platform answers the same for a registered address (it mails its owner instead), so every accepted
    sign-up lands on "check your email" and the page never tells whether the address has an account.
    """
    if request.platform is not None:
        return navigate(request, reverse("dashboard"))
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            auth.sign_up(
                Platform.anonymous(),
                email=data["email"],
                password=data["password"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                organization_name=data["organization_name"],
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            request.session[SIGNUP_EMAIL_KEY] = data["email"]
            return navigate(request, reverse("signup_done"))
    return render_page(request, "console/auth/sign_up.html", {"form": form}, status=422 if form.errors else 200)


@require_safe
def signup_done(request: ConsoleRequest):
    """Check your email: where the link went, and how to get another."""
    email = request.session.get(SIGNUP_EMAIL_KEY)
    if not email:
        return redirect("signup_create")
    return render_page(request, "console/auth/check_email.html", {"email": email})


@require_http_methods(["GET", "HEAD", "POST"])
def email_verify(request: ConsoleRequest):
    """The landing page of the mailed link: GET asks to confirm (mail scanners may prefetch links), POST verifies."""
    if request.method == "POST":
        form = EmailVerifyForm(request.POST)
    else:
        form = EmailVerifyForm(initial={"token": request.GET.get("token", "").strip()})
    verified = None
    if form.is_valid():
        try:
            verified = auth.verify_email(Platform.anonymous(), token=form.cleaned_data["token"])
        except PlatformError as error:
            form.add_platform_error(error)
    context = {"form": form, "verified": verified, "signed_in": request.platform is not None}
    return render_page(request, "console/auth/verify_email.html", context, status=422 if form.errors else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def verification_resend(request: ConsoleRequest):
    """Send a fresh verification link; the same answer whether or not the address needs one."""
    data = request.POST if request.method == "POST" else None
    form = EmailForm(data, initial={"email": request.GET.get("email", "")})
    sent = False
    if form.is_valid():
        try:
            auth.resend_verification_email(Platform.anonymous(), email=form.cleaned_data["email"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            sent = True
    context = {"form": form, "sent": sent}
    return render_page(request, "console/auth/resend.html", context, status=422 if form.errors else 200)
