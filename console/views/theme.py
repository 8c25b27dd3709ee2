"""Theme choice: light, dark or system, kept in a cookie so it applies before anyone signs in."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.context_processors import THEME_COOKIE, THEMES
from console.views.decorators import safe_next

ONE_YEAR = 60 * 60 * 24 * 365


@require_POST
def theme_set(request: HttpRequest) -> HttpResponse:
    """Save the theme and go back to the page the form was on (a same-site path only)."""
    theme = request.POST.get("theme", "")
    if theme not in THEMES:
        return HttpResponseBadRequest("Unknown theme: choose light, dark or system.", content_type="text/plain")
    response = redirect(safe_next(request) or reverse("dashboard"))
    response.set_cookie(
        THEME_COOKIE, theme, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure(), httponly=True
    )
    return response
