from django.urls import path

from console.views import roles

urlpatterns = [
    path("roles", roles.role_list, name="role_list"),
    path("roles/permissions", roles.permission_list, name="permission_list"),
    path("roles/<id:role_id>", roles.role_detail, name="role_detail"),
    path("roles/team/<id:role_id>", roles.team_role_detail, name="team_role_detail"),
]
