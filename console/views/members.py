"""Members: the directory (search, filters, sort, paging, bulk actions) and one member's detail."""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST, require_safe

from console.client.errors import Conflict, Forbidden, NotFound, PlatformError, Unavailable, ValidationFailed
from console.client.members import describe_member, list_members, remove_member, replace_member_roles
from console.client.teams import list_teams
from console.client.users import describe_user
from console.forms.base import UNREACHABLE
from console.forms.members import MemberQuery, RolesForm
from console.htmx import navigate, render_page, targets
from console.requests import SignedInRequest
from console.tables import Column, Empty, Table, link_prefix
from console.views.access import access_of, remember_own_roles
from console.views.decorators import safe_next, signed_in

LIST = "console/members/list.html"
TEAM_CHOICES = 100  # the team filter lists the first teams by name (GET /org/teams, one page)
BULK_LIMIT = 50  # one page of the directory
ID = re.compile(r"[A-Z0-9]{1,20}")  # contract §1.2


@require_safe
@signed_in
def member_list(request: SignedInRequest):
    """GET /org/members and GET /org/teams: two platform calls for the whole screen, whatever its size.

    A table refresh (search, filter, sort, page) needs only the members: the filters around it stay.
    """
    access = access_of(request)
    query = MemberQuery(request.GET)
    if not targets(request, "member-table"):
        teams = list_teams(request.platform, limit=TEAM_CHOICES).items
        query.options["team"] = [(summary.team.id, summary.team.name) for summary in teams]
    page = list_members(request.platform, **query.params())
    query.options["role"] = [(role.id, role.name) for role in page.included.roles]
    selectable = access.manage_users or access.assign_roles
    table = Table(
        id="member-table",
        caption="Members",
        query=query,
        rows=page.rows,
        total=page.total,
        row=f"{LIST}#member-row",
        columns=[
            Column("Name", sort="name"),
            Column("Email", sort="email"),
            Column("Roles"),
            Column("Teams"),
            Column("Status"),
            Column("MFA"),
            Column("Last sign-in"),
        ],
        empty=Empty("No members", "Nobody is in this organization yet.", "people"),
        filtered_empty=Empty("No members match", "Try another search, or clear the filters.", "search"),
        select="member" if selectable else "",
        toolbar=f"{LIST}#bulk-bar" if selectable else "",
        noun=("member", "members"),
        extra={"member_path": link_prefix("member_detail"), "team_path": link_prefix("team_detail")},
    )
    return render_page(request, LIST, {"table": table, "access": access}, partials="member-table")


@require_POST
@signed_in
def member_bulk(request: SignedInRequest):
    """Confirm, then apply, a removal or a role change to the selected members (one call per member)."""
    access = access_of(request)
    action = request.POST.get("action")
    ids = [i for i in dict.fromkeys(request.POST.getlist("member")) if ID.fullmatch(i)][:BULK_LIMIT]
    back = safe_next(request) or reverse("member_list")
    if action not in ("remove", "roles") or not ids:
        messages.warning(request, "Select at least one member first.")
        return navigate(request, back)
    details = [describe_member(request.platform, member_id) for member_id in ids]
    catalogue = details[0].included.roles
    confirmed = request.POST.get("confirmed") == "yes"
    form = RolesForm(request.POST if confirmed else None, roles=catalogue, owner=access.owner)
    if confirmed and (action == "remove" or form.is_valid()):
        done, failed, left = apply_bulk(request, action, details, form)
        report_bulk(request, action, done, failed)
        if not left:
            return navigate(request, back)
        # The platform stopped answering part-way: the dialog again, for those not done, choices kept.
        details = [detail for detail in details if detail.member.id in left]
        form.add_error(None, UNREACHABLE)
    context = {"action": action, "details": details, "form": form, "next": back, "access": access}
    status = 422 if form.errors else 200
    return render_page(request, "console/members/bulk.html", context, partials="bulk-content", status=status)


def apply_bulk(request, action, details, form) -> tuple[list[str], list[str], set[str]]:
    """(names done, "name: reason" refused, ids left undone because the platform stopped answering)."""
    done: list[str] = []
    failed: list[str] = []
    for index, detail in enumerate(details):
        name = detail.member.display_name
        try:
            if action == "remove":
                remove_member(request.platform, detail.member.id)
            else:
                replace_member_roles(request.platform, detail.member.id, form.role_ids())
        except (Conflict, Forbidden, NotFound, ValidationFailed) as error:
            failed.append(f"{name}: {error.message}")
        except Unavailable:
            return done, failed, {later.member.id for later in details[index:]}
        else:
            done.append(name)
    return done, failed, set()


def report_bulk(request, action, done, failed) -> None:
    verb = "Removed" if action == "remove" else "Changed the roles of"
    if done:
        messages.success(request, f"{verb} {len(done)} member{'s' if len(done) != 1 else ''}: {', '.join(done)}.")
    for line in failed:
        messages.error(request, f"Not changed: {line}")


@require_safe
@signed_in
def member_detail(request: SignedInRequest, member_id: str):
    """GET /org/members/{member}, and GET /users/{user} for those who administer the account: two calls."""
    return render_detail(request, describe_member(request.platform, member_id))


@dataclass(frozen=True)
class Refusal:
    """The platform's refusal of an action on the member page, shown in the card the action belongs to."""

    card: str  # "membership", "account" or "remove"
    message: str


def render_detail(request, detail, *, roles_form=None, profile_form=None, refusal=None, status=200):
    access = access_of(request)
    member = detail.member
    holds_owner = any(role.key == "owner" for role in detail.roles)
    is_self = member.id == access.member_id
    # Only Owners change any role of another Owner, or administer their membership and account (§1.13).
    owner_only = holds_owner and not access.owner and not is_self
    if roles_form is None and access.assign_roles and not owner_only:
        roles_form = RolesForm(roles=detail.included.roles, owner=access.owner, initial_roles=detail.role_ids)
    administer = access.manage_users and not owner_only and not is_self
    managed = member.account_type == "managed"
    context = {
        "detail": detail,
        "member": member,
        "access": access,
        "roles_form": roles_form,
        "profile_form": profile_form,
        "refusal": refusal,
        "refused": {refusal.card: f"{refusal.card}-refusal"} if refusal else {},  # for aria-describedby
        "remove_url": reverse("member_remove", args=[member.id]),
        "team_links": resolves("team_detail"),
        "is_self": is_self,
        "owner_only": owner_only and access.assign_roles,
        "owner_guarded": owner_only and access.manage_users,
        # Membership (§3.13.4) and the account (§3.3.12-3.3.17): the account only when the organization manages it.
        "administer": administer,
        "account": describe_user(request.platform, member.user_id) if administer and managed else None,
        "edit_profile": administer and managed,
        # Removing another Owner takes an Owner (§1.13); anyone may leave (the platform keeps the last Owner).
        "can_remove": is_self or (access.manage_users and not owner_only),
    }
    partials = {"roles-card": "roles-card", "profile-card": "profile-card"}
    return render_page(request, "console/members/detail.html", context, partials=partials, status=status)


@require_POST
@signed_in
def member_roles(request: SignedInRequest, member_id: str):
    """PUT /org/members/{member}/roles; a refusal (last Owner, Owner-only) shows at the editor."""
    access = access_of(request)
    detail = describe_member(request.platform, member_id)
    form = RolesForm(request.POST, roles=detail.included.roles, owner=access.owner, initial_roles=detail.role_ids)
    if form.is_valid():
        try:
            replace_member_roles(request.platform, member_id, form.role_ids())
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            if member_id == access.member_id:
                remember_own_roles(request, form.role_ids())
            messages.success(request, f"Saved the roles of {detail.member.display_name}.")
            return navigate(request, reverse("member_detail", args=[member_id]))
    return render_detail(request, detail, roles_form=form, status=422)


@require_POST
@signed_in
def member_remove(request: SignedInRequest, member_id: str):
    """DELETE /org/members/{member}; the last Owner's refusal shows next to the Remove button."""
    detail = describe_member(request.platform, member_id)
    try:
        remove_member(request.platform, member_id)
    except Conflict as error:  # the last Owner
        return render_detail(request, detail, refusal=Refusal("remove", error.message), status=409)
    except Forbidden as error:
        if error.code != "owner_role_required":
            raise
        return render_detail(request, detail, refusal=Refusal("remove", error.message), status=403)
    messages.success(request, f"{detail.member.display_name} was removed from the organization.")
    if member_id == access_of(request).member_id:
        return navigate(request, reverse("dashboard"), reload=True)  # the platform revoked this login: sign-in follows
    return navigate(request, reverse("member_list"))


def resolves(url_name: str) -> bool:
    """True when a screen with this URL name (one id argument) exists, e.g. the teams screens."""
    try:
        reverse(url_name, args=["A"])
    except NoReverseMatch:
        return False
    return True
