from django.urls import path

from console.views import profiles

PROFILE = "workloads/profiles/<id:config_id>"

urlpatterns = [
    path("workloads/profiles", profiles.profile_list, name="profile_list"),
    path("workloads/profiles/new", profiles.profile_create, name="profile_create"),
    path(PROFILE, profiles.profile_detail, name="profile_detail"),
    path(f"{PROFILE}/edit", profiles.profile_update, name="profile_update"),
    path(f"{PROFILE}/delete", profiles.profile_delete, name="profile_delete"),
]
