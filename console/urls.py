"""URLs: the console at /, the embedded local platform at /api/v1/ (mounted by string, never imported)."""

from django.urls import include, path

urlpatterns = [
    path("", include("localplatform.api.urls")),
    path("", include("console.views.urls")),
]

handler403 = "console.views.errors.forbidden"
handler404 = "console.views.errors.not_found"
handler500 = "console.views.errors.server_error"
