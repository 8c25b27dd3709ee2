from django.urls import path

from console.views import networks

NETWORK = "infrastructure/accounts/<id:connection_id>/networks/<id:network_id>"

urlpatterns = [
    path("infrastructure/networks", networks.network_list, name="network_list"),
    path("infrastructure/networks/new", networks.network_create, name="network_create"),
    path(NETWORK, networks.network_detail, name="network_detail"),
    path(f"{NETWORK}/provision", networks.network_provision, name="network_provision"),
    path(f"{NETWORK}/destroy", networks.network_destroy, name="network_destroy"),
    path(f"{NETWORK}/rename", networks.network_rename, name="network_rename"),
    path(f"{NETWORK}/delete", networks.network_delete, name="network_delete"),
]
