from django.urls import path

from console.views import connections

urlpatterns = [
    path("infrastructure/accounts", connections.connection_list, name="connection_list"),
    path("infrastructure/accounts/new", connections.connection_create, name="connection_create"),
    path("infrastructure/accounts/<id:connection_id>", connections.connection_detail, name="connection_detail"),
    path("infrastructure/accounts/<id:connection_id>/verify", connections.connection_verify, name="connection_verify"),
    path("infrastructure/accounts/<id:connection_id>/sync", connections.connection_sync, name="connection_sync"),
    path("infrastructure/accounts/<id:connection_id>/rename", connections.connection_rename, name="connection_rename"),
    path("infrastructure/accounts/<id:connection_id>/delete", connections.connection_delete, name="connection_delete"),
    path(
        "infrastructure/accounts/<id:connection_id>/template.json",
        connections.connection_template_download,
        name="connection_template_download",
    ),
]
