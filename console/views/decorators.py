"""What every view shares: the signed-in guard, the sign-in redirect, and the one safe `next` check."""

from functools import wraps
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect


def page_url(request) -> str | None:
    """The page the user is on: for htmx the page behind the fragment, else this URL when it can be re-opened."""
    if request.htmx:
        return request.htmx.current_url_abs_path
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return None


def safe_next(request, default: str | None = None) -> str | None:
    """The `next` URL of this request (POST, then GET) when it is a path on this site, else `default`."""
    return safe_path(request, request.POST.get("next") or request.GET.get("next") or "") or default


def safe_path(request, url: str) -> str | None:
    """`url` as a path on this site (path and query) when it leads here: a path, or an absolute URL of this
    host (a Referer); None for anything else."""
    on_site = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    parts = urlsplit(url)
    path = urlunsplit(("", "", parts.path, parts.query, ""))
    if on_site and path.startswith("/") and not path.startswith("//") and "\\" not in url:
        return path
    return None


def sign_in_redirect(request, next_url: str | None = None):
    """Send the user to sign in, coming back to `next_url` (default: the page they are on).

    A full navigation (HX-Redirect for htmx): signing in changes the whole layout and the session.
    """
    next_url = next_url if next_url is not None else page_url(request)
    url = reverse("sign_in")
    if next_url and next_url != url:
        url += "?" + urlencode({"next": next_url})
    return HttpResponseClientRedirect(url) if request.htmx else HttpResponseRedirect(url)


def signed_in(view):
    """Only for signed-in users: anyone else is sent to sign in and brought back afterwards."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "platform", None) is None:
            return sign_in_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper
