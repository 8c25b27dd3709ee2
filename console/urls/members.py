"""Members and invitations, and the public invitation page the mail links to."""

from django.urls import path, re_path

from console.views import invitations, member_admin, members

urlpatterns = [
    path("members", members.member_list, name="member_list"),
    path("members/bulk", members.member_bulk, name="member_bulk"),
    path("members/invite", invitations.member_invite, name="member_invite"),
    path("members/new", member_admin.member_create, name="member_create"),
    path("members/invitations", invitations.invitation_list, name="invitation_list"),
    path("members/invitations/<id:invitation_id>/resend", invitations.invitation_resend, name="invitation_resend"),
    path("members/invitations/<id:invitation_id>/cancel", invitations.invitation_cancel, name="invitation_cancel"),
    path("members/<id:member_id>", members.member_detail, name="member_detail"),
    path("members/<id:member_id>/roles", members.member_roles, name="member_roles"),
    path("members/<id:member_id>/remove", members.member_remove, name="member_remove"),
    path("members/<id:member_id>/profile", member_admin.member_profile, name="member_profile"),
    re_path(
        rf"^members/(?P<member_id>[A-Z0-9]{{1,20}})/(?P<action>{'|'.join(member_admin.ACTIONS)})$",
        member_admin.member_action,
        name="member_action",
    ),
    path(
        "members/<id:member_id>/temporary-password",
        member_admin.member_temporary_password,
        name="member_temporary_password",
    ),
    re_path(r"^invitations/(?P<token>[A-Za-z0-9_-]{1,128})$", invitations.invitation_accept, name="invitation_accept"),
]
