from django.urls import path

from console.views import identity_providers as idps
from console.views import settings

urlpatterns = [
    path("settings/organization", settings.organization_settings, name="organization_settings"),
    path("settings/identity-providers", idps.identity_provider_list, name="identity_provider_list"),
    path("settings/identity-providers/new", idps.identity_provider_create, name="identity_provider_create"),
    path("settings/identity-providers/<id:idp_id>", idps.identity_provider_detail, name="identity_provider_detail"),
    path("settings/identity-providers/<id:idp_id>/test", idps.identity_provider_test, name="identity_provider_test"),
    path(
        "settings/identity-providers/<id:idp_id>/rotate-secret",
        idps.identity_provider_rotate,
        name="identity_provider_rotate",
    ),
    path(
        "settings/identity-providers/<id:idp_id>/delete", idps.identity_provider_delete, name="identity_provider_delete"
    ),
]
