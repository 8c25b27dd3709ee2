"""Sign-up, "check your email", the verify-email landing page and resending the verification link."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from console.client import auth
from console.client.base import Platform
from console.client.errors import PlatformError, RateLimited, Unavailable, ValidationFailed
from console.forms.account import EmailForm, SignUpForm, try_again

SIGNUP_EMAIL_KEY = "signup.email"


@require_http_methods(["GET", "HEAD", "POST"])
def signup_create(request):
    """A new user and a new organization in which they are Owner; the platform mails a verification link.

    The platform answers the same for a registered address (it mails its owner instead), so every accepted
    sign-up lands on "check your email" and the page never tells whether the address has an account.
    """
    if request.platform is not None:
        return redirect("dashboard")
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
            return redirect("signup_done")
    return render(request, "console/auth/sign_up.html", {"form": form})


@require_safe
def signup_done(request):
    """Check your email: where the link went, and how to get another."""
    email = request.session.get(SIGNUP_EMAIL_KEY)
    if not email:
        return redirect("signup_create")
    form = EmailForm(initial={"email": email})
    return render(request, "console/auth/check_email.html", {"email": email, "form": form, "purpose": "signup"})


@require_http_methods(["GET", "HEAD", "POST"])
def email_verify(request):
    """The landing page of the mailed link: GET asks to confirm (mail scanners may prefetch links), POST verifies."""
    token = (request.POST.get("token") or request.GET.get("token") or "").strip()
    error = verified = None
    if request.method == "POST" and token:
        try:
            verified = auth.verify_email(Platform.anonymous(), token=token)
        except (ValidationFailed, RateLimited, Unavailable) as failure:
            error = try_again(failure.retry_after) if isinstance(failure, RateLimited) else failure.message
    context = {"token": token, "error": error, "verified": verified, "signed_in": request.platform is not None}
    return render(request, "console/auth/verify_email.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def verification_resend(request):
    """Send a fresh verification link; the same answer whether or not the address needs one."""
    form = EmailForm(
        request.POST if request.method == "POST" else None, initial={"email": request.GET.get("email", "")}
    )
    sent = False
    if form.is_valid():
        try:
            auth.resend_verification_email(Platform.anonymous(), email=form.cleaned_data["email"])
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            sent = True
    return render(request, "console/auth/resend.html", {"form": form, "sent": sent})
