"""View decorators and redirects shared by every screen."""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def page_url(request) -> str | None:
    """The page the user is on: for htmx the page behind the fragment, else this URL when it can be re-opened."""
    if request.htmx:
        return request.htmx.current_url_abs_path
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return None


def navigate(request, url: str):
    """Redirect to a full page: a 302, or for htmx an HX-Redirect so the browser leaves the fragment."""
    response = HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    patch_vary_headers(response, ("HX-Request",))
    return response


def sign_in_redirect(request, next_url: str | None = None):
    """Send the user to sign in, coming back to `next_url` (default: the page they are on)."""
    next_url = next_url if next_url is not None else page_url(request)
    url = reverse("sign_in")
    if next_url and next_url != url:
        url += "?" + urlencode({"next": next_url})
    return navigate(request, url)


def signed_in(view):
    """Only for signed-in users: anyone else is sent to sign in and brought back afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "platform", None) is None:
            return sign_in_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper
