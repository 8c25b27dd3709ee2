"""A team's members: the add-member picker, adding, changing roles inline (htmx) and removing."""

from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST, require_safe

from console.client.errors import Conflict, NotFound, ValidationFailed
from console.client.teams import add_team_member, remove_team_member, replace_team_member_roles
from console.forms.teams import TeamMemberAddForm, TeamMemberRolesForm
from console.htmx import MESSAGES_TEMPLATE, navigate
from console.views.decorators import signed_in
from console.views.teams import candidates, team_roles

DETAIL = "console/teams/detail.html"


def team_url(team_id: str, **query) -> str:
    url = reverse("team_detail", args=[team_id])
    query = {key: value for key, value in query.items() if value}
    return f"{url}?{urlencode(query)}" if query else url


def fragment(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    """One partial for an htmx swap, with pending messages as an out-of-band toast."""
    html = render_to_string(template, context, request)
    if messages.get_messages(request):
        html += render_to_string(MESSAGES_TEMPLATE, {"oob": True}, request)
    response = HttpResponse(html, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_safe
@signed_in
def team_member_find(request, team_id):
    """The picker's results as you type: active members matching `find` (one call). Without htmx: the team page."""
    find = request.GET.get("find", "").strip()[:200]
    if not request.htmx:
        return navigate(request, team_url(team_id, find=find))
    context = {
        "team": SimpleNamespace(id=team_id),
        "find": find,
        "candidates": candidates(request.platform, find) if find else None,
    }
    return fragment(request, f"{DETAIL}#member-picker-results", context)


@require_POST
@signed_in
def team_member_add(request, team_id):
    """PUT /org/teams/{team}/members/{member} with the chosen roles (none: the team's default)."""
    form = TeamMemberAddForm(request.POST, team_roles=team_roles(request.platform))
    find = request.POST.get("find", "")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return navigate(request, team_url(team_id, find=find))
    try:
        added = add_team_member(
            request.platform, team_id, form.cleaned_data["member_id"], form.cleaned_data["role_ids"]
        )
    except (Conflict, ValidationFailed, NotFound) as error:
        messages.error(request, explain(error))
        return navigate(request, team_url(team_id, find=find))
    messages.success(request, f"{added.member.display_name} added to the team.")
    return navigate(request, team_url(team_id))


def explain(error) -> str:
    if isinstance(error, Conflict) and error.code == "already_exists":
        return "That member is already on the team. Change their roles in the list instead."
    if isinstance(error, Conflict):
        return f"The member could not be added: {error.message}"
    if isinstance(error, NotFound):
        return "That member is no longer in the organization."
    return f"The member could not be added: {' '.join(error.field_errors.values()) or error.message}"


@require_POST
@signed_in
def team_member_roles(request, team_id, member_id):
    """PUT /org/teams/{team}/members/{member}/roles; htmx swaps the roles cell, else back to the team page."""
    roles = team_roles(request.platform)
    form = TeamMemberRolesForm(request.POST, team_roles=roles)
    name = request.POST.get("member_name", "")[:255] or "The member"
    if form.is_valid():
        try:
            replace_team_member_roles(request.platform, team_id, member_id, form.cleaned_data["role_ids"])
        except ValidationFailed as error:
            form.add_error(None, " ".join(error.field_errors.values()) or error.message)
        else:
            messages.success(request, f"{name}'s team roles changed.")
    if not request.htmx:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return navigate(request, team_url(team_id))
    # The cell as the team page draws it; after a refusal it shows the choice that was refused, with the reason.
    chosen = set(form.data.getlist("role_ids"))
    entry = SimpleNamespace(
        member=SimpleNamespace(id=member_id, display_name=name),
        roles=[role for role in roles if role.id in chosen],
        row=SimpleNamespace(inherited=False),
    )
    context = {
        "entry": entry,
        "team": SimpleNamespace(id=team_id),
        "members": SimpleNamespace(team_roles=roles),
        "rights": SimpleNamespace(manage_members=True),  # the platform just accepted (or judged) this caller's change
        "roles_error": " ".join(" ".join(errors) for errors in form.errors.values()),
    }
    return fragment(request, f"{DETAIL}#member-roles", context, status=422 if form.errors else 200)


@require_POST
@signed_in
def team_member_remove(request, team_id, member_id):
    """DELETE /org/teams/{team}/members/{member}, after the confirmation dialog."""
    remove_team_member(request.platform, team_id, member_id)
    messages.success(request, "Member removed from the team. They stay in the organization.")
    return navigate(request, team_url(team_id))
