"""A team's members: the add-member picker, adding, changing roles in the row (htmx) and removing."""

from urllib.parse import urlencode

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client.errors import Forbidden, NotFound, PlatformError
from console.client.members import describe_member
from console.client.models.members import MemberDetail
from console.client.models.teams import TeamMember, TeamMemberEntry
from console.client.teams import add_team_member, remove_team_member, replace_team_member_roles
from console.forms.teams import TeamMemberAddForm, TeamMemberRolesForm
from console.htmx import navigate, render_fragment
from console.requests import SignedInRequest
from console.tables import row_link
from console.views.decorators import signed_in
from console.views.teams import DETAIL, candidates, ranked, render_detail, rights_in, team_roles


def team_url(team_id: str, **query) -> str:
    url = reverse("team_detail", args=[team_id])
    query = {key: value for key, value in query.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


@require_safe
@signed_in
def team_member_find(request: SignedInRequest, team_id):
    """The picker's results as you type: active members matching `find` (one call). Without htmx: the team page."""
    find = request.GET.get("find", "").strip()[:200]
    if not request.htmx:
        return navigate(request, team_url(team_id, find=find))
    context = {"team_id": team_id, "find": find, "candidates": candidates(request.platform, find) if find else None}
    return render_fragment(request, f"{DETAIL}#member-picker-results", context)


@require_POST
@signed_in
def team_member_add(request: SignedInRequest, team_id):
    """PUT /org/teams/{team}/members/{member} with the chosen role (none: the team's default)."""
    form = TeamMemberAddForm(request.POST, team_roles=team_roles(request.platform))
    if form.is_valid():
        try:
            added = add_team_member(request.platform, team_id, form.cleaned_data["member_id"], form.role_ids())
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"{added.member.display_name} added to the team.")
            return navigate(request, team_url(team_id))
    return render_detail(request, team_id, add_form=form, status=422)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def team_member_roles(request: SignedInRequest, team_id, member_id):
    """A member's role in the team, changed in their row.

    GET: the roles form, which the row loads when Change is opened (htmx: the row's roles cell; without
    JavaScript: the team page with that row open). POST: PUT /org/teams/{team}/members/{member}/roles with
    one role; a refusal redraws the cell with the choice kept.
    """
    if request.method != "POST" and not rights_in(request, team_id).manage_members:
        raise Forbidden("Only Owners, Admins and the team's Team Admins can change team roles.")
    detail = describe_member(request.platform, member_id)
    roles = ranked(detail.included.team_roles)
    if request.method != "POST":
        if team_membership(detail, team_id) is None:
            raise NotFound(f"{detail.member.display_name} is not a member of this team.")
        role_ids = membership_in(detail, team_id).row.role_ids
        initial = {"role_id": role_ids[0]} if len(role_ids) == 1 else {}
        return roles_cell(request, team_id, detail, TeamMemberRolesForm(initial=initial, team_roles=roles), roles)
    form = TeamMemberRolesForm(request.POST, team_roles=roles)
    if form.is_valid():
        try:
            replace_team_member_roles(request.platform, team_id, member_id, form.role_ids())
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            role = next(r.name for r in detail.included.team_roles if r.id == form.cleaned_data["role_id"])
            messages.success(request, f"{detail.member.display_name} is now {role} in this team.")
            return navigate(request, team_url(team_id))
    return roles_cell(request, team_id, detail, form, roles, status=422)


def roles_cell(request, team_id: str, detail: MemberDetail, form: TeamMemberRolesForm, roles, *, status: int = 200):
    """The member's roles cell with the form open: for htmx the cell alone, otherwise the team page."""
    if not request.htmx:
        return render_detail(request, team_id, editing={"member_id": detail.member.id, "form": form}, status=status)
    extra = {
        "roles_link": row_link("team_member_roles", team_id),
        "team_roles": roles,
        "manage": True,  # checked above for the form, judged by the platform for a change
    }
    context = {"row": membership_in(detail, team_id), "extra": extra, "roles_form": form}
    return render_fragment(request, f"{DETAIL}#member-roles", context, status=status)


def membership_in(detail: MemberDetail, team_id: str) -> TeamMemberEntry:
    """The member's row in this team as the team page draws it, from their detail (GET /org/members/{member})."""
    membership = team_membership(detail, team_id)
    role_ids = membership.role_ids if membership else []
    row = TeamMember(member=detail.member, role_ids=role_ids, inherited=bool(membership and membership.inherited))
    return TeamMemberEntry(row, detail.included.roles_of(role_ids))


def team_membership(detail: MemberDetail, team_id: str):
    """The member's membership of this team (explicit or inherited), or None when they are not on it."""
    return next((m for m in detail.team_memberships if m.team_id == team_id), None)


@require_POST
@signed_in
def team_member_remove(request: SignedInRequest, team_id, member_id):
    """DELETE /org/teams/{team}/members/{member}, after the confirmation dialog."""
    remove_team_member(request.platform, team_id, member_id)
    messages.success(request, "Member removed from the team. They stay in the organization.")
    return navigate(request, team_url(team_id))
