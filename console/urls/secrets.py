from django.urls import path

from console.views import secrets

SECRET = "workloads/secrets/<id:secret_id>"

urlpatterns = [
    path("workloads/secrets", secrets.secret_list, name="secret_list"),
    path("workloads/secrets/new", secrets.secret_create, name="secret_create"),
    path(SECRET, secrets.secret_detail, name="secret_detail"),
    path(f"{SECRET}/value", secrets.secret_value, name="secret_value"),
    path(f"{SECRET}/revoke", secrets.secret_revoke, name="secret_revoke"),
    path(f"{SECRET}/delete", secrets.secret_delete, name="secret_delete"),
    path(f"{SECRET}/edit", secrets.secret_update, name="secret_update"),
]
