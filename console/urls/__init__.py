"""URLs: one module per screen area (console/urls/<area>.py), and the embedded local platform.

The local platform is mounted at /api/v1/ by string, never imported, and only when it is embedded.
"""

import django.conf
from django.urls import include, path

import console.converters  # noqa: F401  (registers <id:...>)

urlpatterns = [
    path("", include("console.urls.auth")),
    path("", include("console.urls.account")),
    path("", include("console.urls.dashboard")),
    path("", include("console.urls.members")),
    path("", include("console.urls.roles")),
    path("", include("console.urls.teams")),
    path("", include("console.urls.notifications")),
    path("", include("console.urls.connections")),
    path("", include("console.urls.networks")),
    path("", include("console.urls.clusters")),
    path("", include("console.urls.notebooks")),
    path("", include("console.urls.sessions")),
    path("", include("console.urls.profiles")),
    path("", include("console.urls.secrets")),
    path("", include("console.urls.billing")),
    path("", include("console.urls.operations")),
    path("", include("console.urls.settings")),
]
if django.conf.settings.LAKESAIL_EMBEDDED_PLATFORM:  # (console.urls.settings is a module of this package)
    urlpatterns.insert(0, path("", include("localplatform.api.urls")))

handler403 = "console.views.errors.forbidden"
handler404 = "console.views.errors.not_found"
handler500 = "console.views.errors.server_error"
