"""Single sign-on (contract §3.1.7-3.1.8): start at the organization's identity provider, land back signed in.

The browser goes to the provider's authorization URL and comes back to /sign-in/sso/callback, whose query
the console forwards unchanged to the platform. The token request is signed with this browser session's
DPoP key (the same session that started it), so the SSO login is bound like any other.
"""

from urllib.parse import urlsplit

from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from console.client import auth
from console.client.errors import NotFound, PlatformError, Unavailable
from console.forms.auth import SsoForm
from console.htmx import navigate, render_page
from console.requests import ConsoleRequest
from console.views import sign_in_steps as steps
from console.views.decorators import safe_next

NEXT_KEY = "signin.sso_next"
NO_PROVIDER = "No single sign-on is set up for this email's domain. Sign in with your password or a code instead."
# What the platform's refusals mean for the person at the sign-in page (§3.1.8).
FAILURES = {
    "organization_access_denied": "You signed in at your identity provider, but you are not a member of this "
    "organization, and it does not add new members automatically. Ask an administrator to invite you.",
    "account_disabled": "Your account or your membership is disabled. Ask an administrator of your organization.",
}


@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_sso(request: ConsoleRequest):
    """Find the identity provider for a work email (GET /auth/sso/start) and send the browser to it."""
    if request.platform is not None:
        return navigate(request, reverse("dashboard"))
    form = SsoForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            start = auth.start_sso(
                steps.browser(request),
                email=form.cleaned_data["email"],
                redirect_uri=request.build_absolute_uri(reverse("sso_callback")),
            )
        except NotFound:
            form.add_error("email", NO_PROVIDER)
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            request.session[NEXT_KEY] = safe_next(request) or ""
            return leave_for(request, start.authorization_url)
    context = {"form": form, "next": safe_next(request) or ""}
    return render_page(request, "console/auth/sso.html", context, status=422 if form.errors else 200)


def leave_for(request, url: str):
    """A page that sends the browser on to the provider (meta refresh, and a link without it).

    Not a redirect: the sign-in page's CSP (form-action 'self') would stop a form submission that is
    redirected to another origin, and no policy can name every provider in advance.
    """
    context = {"url": url, "host": urlsplit(url).hostname or url}
    response = render_page(request, "console/auth/sso_leaving.html", context)
    response["Cache-Control"] = "no-store"  # the URL carries a single-use state
    return response


@require_safe
def sso_callback(request: ConsoleRequest):
    """The provider's answer: forwarded to GET /auth/sso/callback; signed in, or the reason in plain words."""
    if request.platform is not None:
        return navigate(request, reverse("dashboard"))
    try:
        result = auth.complete_sso(steps.browser(request), query_string=request.META.get("QUERY_STRING", ""))
    except PlatformError as error:
        status = 503 if isinstance(error, Unavailable) else error.status or 400
        return render_page(request, "console/auth/sso_failed.html", {"reason": reason(error)}, status=status)
    return steps.finish_sign_in(request, result, request.session.pop(NEXT_KEY, "") or None)


def reason(error: PlatformError) -> str:
    """The refusal as the person signing in should read it."""
    if error.code in FAILURES:
        return FAILURES[error.code]
    if isinstance(error, Unavailable):
        return "The platform isn't responding, so the sign-in could not be finished. Try again in a moment."
    if error.code == "sso_failed":
        return error.message  # the platform words the provider's own error (causedBy idp:<error>)
    return "The sign-in could not be finished. Start again from the sign-in page."
