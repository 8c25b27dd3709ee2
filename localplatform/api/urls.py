from django.urls import include, path

from localplatform.api.app import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("localplatform.accounts.urls")),  # the Dev mailbox, /_local/outbox (local mode only)
]
