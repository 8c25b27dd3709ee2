from django.urls import path

from console.views import team_members, teams

urlpatterns = [
    path("teams", teams.team_list, name="team_list"),
    path("teams/new", teams.team_create, name="team_create"),
    path("teams/<id:team_id>", teams.team_detail, name="team_detail"),
    path("teams/<id:team_id>/settings", teams.team_settings, name="team_settings"),
    path("teams/<id:team_id>/delete", teams.team_delete, name="team_delete"),
    path("teams/<id:team_id>/members/find", team_members.team_member_find, name="team_member_find"),
    path("teams/<id:team_id>/members/add", team_members.team_member_add, name="team_member_add"),
    path("teams/<id:team_id>/members/<id:member_id>/roles", team_members.team_member_roles, name="team_member_roles"),
    path(
        "teams/<id:team_id>/members/<id:member_id>/remove", team_members.team_member_remove, name="team_member_remove"
    ),
]
