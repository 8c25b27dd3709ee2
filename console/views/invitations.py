"""Invitations: the invite dialog, the pending-invitations tab, and the public accept page the mail links to."""

from django import forms
from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client.base import Platform
from console.client.errors import Conflict, Forbidden, PlatformError, Unavailable, ValidationFailed
from console.client.invitations import (
    accept_invitation,
    cancel_invitation,
    create_invitation,
    describe_invitation,
    list_invitations,
    resend_invitation,
)
from console.client.roles import list_roles
from console.client.teams import list_teams
from console.forms.base import UNREACHABLE
from console.forms.lists import ListQuery
from console.forms.members import AcceptForm, InviteForm
from console.htmx import navigate, render_page
from console.requests import ConsoleRequest, SignedInRequest
from console.tables import Column, Empty, Table
from console.views.access import access_of
from console.views.auth import password_sign_in
from console.views.decorators import safe_next, signed_in
from console.views.teams import team_roles

# The platform's statuses and the words the console uses for them (docs/glossary.md: a cancelled invitation is
# one the organization revoked).
STATUSES = {"pending": "Pending", "expired": "Expired", "accepted": "Accepted", "cancelled": "Revoked"}
PAGE_SIZE = 50
LIST = "console/invitations/list.html"
NOT_SENT = "not invited: the platform isn't responding."


class InvitationQuery(ListQuery):
    """?status=expired&page=2: which invitations the tab shows (pending by default), newest first."""

    searchable = False
    page_size = PAGE_SIZE
    status = forms.ChoiceField(required=False, choices=list(STATUSES.items()))

    @property
    def filter_names(self) -> list[str]:
        return []  # the status picks a view of the list; it is not a filter to clear


@require_safe
@signed_in
def invitation_list(request: SignedInRequest):
    """GET /org/invitations: one call; the tab is there for those who may manage users."""
    access = access_of(request)
    query = InvitationQuery(request.GET)
    status = query.value("status") or "pending"
    page = list_invitations(request.platform, status=status, page=query.page_number, limit=PAGE_SIZE)
    actions = status in ("pending", "expired")
    table = Table(
        id="invitation-table",
        caption=f"{STATUSES[status]} invitations, newest first",
        query=query,
        rows=page.rows,
        total=page.total,
        row=f"{LIST}#invitation-row",
        columns=[
            Column("Email"),
            Column("Roles"),
            Column("Teams"),
            Column("Invited by"),
            Column("Accepted" if status == "accepted" else "Expires"),
            *([Column("Actions", css="actions")] if actions else []),
        ],
        empty=Empty(
            f"No {STATUSES[status].lower()} invitations",
            "Invite people by email; their invitations are listed here until they accept.",
            "envelope-paper",
        ),
        extra={
            "status": status,
            "next_field": {"next": request.get_full_path()},
            # Only Owners resend or revoke an invitation that grants the Owner role (§1.13).
            "owner_only": set() if access.owner else {e.invitation.id for e in page.rows if owner_role(e.roles)},
        },
        noun=("invitation", "invitations"),
    )
    context = {"table": table, "status": status, "statuses": STATUSES, "access": access}
    return render_page(request, LIST, context, partials="invitation-table")


def owner_role(roles) -> bool:
    return any(role.key == "owner" for role in roles)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def member_invite(request: SignedInRequest):
    """One invitation per address (POST /org/invitations each); failures stay in the form, by address.

    Who may not invite learns it when the form would open (a 403 page, or the dialog's toast), not on submit.
    """
    access = access_of(request)
    if not access.manage_users:
        raise Forbidden("Only Owners and Admins can invite members.")
    options = placement_options(request.platform)
    data = request.POST if request.method == "POST" else None
    form = InviteForm(data, **options, owner=access.owner)
    if form.is_valid():
        invited, failed = send_invitations(request, form)
        if invited:
            messages.success(request, f"Invited {', '.join(invited)}.")
        if not failed:
            return navigate(request, reverse("invitation_list"))
        form = keep_failed(form, failed, **options, owner=access.owner)
    context = {"form": form, "access": access}
    status = 422 if form.errors else 200
    return render_page(request, "console/invitations/invite.html", context, partials="invite-form", status=status)


def placement_options(platform: Platform) -> dict:
    """What a PlacementForm offers (invite, create user): GET /org/roles, /org/team-roles and /org/teams."""
    return {
        "roles": [summary.role for summary in list_roles(platform).items],
        "team_roles": team_roles(platform),
        "teams": list_teams(platform).items,
    }


def send_invitations(request, form) -> tuple[list[str], dict[str, str]]:
    invited, failed = [], {}
    for email in form.cleaned_data["emails"]:
        try:
            create_invitation(
                request.platform,
                email=email,
                role_ids=form.cleaned_data["roles"],
                teams=form.placements(),
                account_type=form.cleaned_data["account_type"],
                message=form.cleaned_data["message"] or None,
            )
        except (Conflict, Forbidden, ValidationFailed) as error:
            failed[email] = "; ".join(error.field_errors.values()) or error.message
        except Unavailable:
            failed[email] = NOT_SENT
        else:
            invited.append(email)
    return invited, failed


def keep_failed(form, failed: dict[str, str], **options) -> InviteForm:
    """The form again with only the addresses that failed, each error named by address; the rest kept."""
    data = form.data.copy()
    data["emails"] = "\n".join(failed)
    kept = InviteForm(data, **options)
    kept.is_valid()
    for email, text in failed.items():
        kept.add_error("emails", f"{email}: {text}")
    if NOT_SENT in failed.values():
        kept.add_error(None, UNREACHABLE)
    return kept


@require_POST
@signed_in
def invitation_resend(request: SignedInRequest, invitation_id: str):
    """POST /org/invitations/{invitation}/resend: a fresh link and expiry."""
    try:
        invitation = resend_invitation(request.platform, invitation_id)
    except (Conflict, Forbidden) as error:
        if isinstance(error, Forbidden) and error.code != "owner_role_required":
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, f"Sent the invitation to {invitation.email} again.")
    return navigate(request, safe_next(request) or reverse("invitation_list"))


@require_POST
@signed_in
def invitation_cancel(request: SignedInRequest, invitation_id: str):
    """DELETE /org/invitations/{invitation} ("Revoke"): the link stops working."""
    try:
        cancel_invitation(request.platform, invitation_id)
    except (Conflict, Forbidden) as error:
        if isinstance(error, Forbidden) and error.code != "owner_role_required":
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, "Invitation revoked: its link no longer works.")
    return navigate(request, safe_next(request) or reverse("invitation_list"))


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: ConsoleRequest, token: str):
    """Public: who invites whom; sign in to accept, or create the account here and be signed in."""
    invitation = describe_invitation(Platform.anonymous(), token)
    form = AcceptForm(request.POST if request.method == "POST" and not invitation.account_exists else None)
    error = None
    if request.method == "POST" and invitation.status == "pending":
        try:
            if invitation.account_exists:
                if request.platform is None:
                    return navigate(request, f"{reverse('sign_in')}?next={request.path}")
                accept_invitation(request.platform, token)
                messages.success(request, f"You joined {invitation.organization.name}.")
                return navigate(request, reverse("dashboard"))
            if form.is_valid():
                accept_invitation(Platform.anonymous(), token, **form.cleaned_data)
                password_sign_in(request, invitation.email, form.cleaned_data["password"])
                messages.success(request, f"Welcome to {invitation.organization.name}.")
                return navigate(request, reverse("dashboard"))
        except (Conflict, Forbidden) as failure:
            error = failure.message
        except PlatformError as failure:
            if invitation.account_exists:
                raise
            form.add_platform_error(failure)
    context = {"invitation": invitation, "form": form, "error": error, "token": token}
    return render(request, "console/invitations/accept.html", context, status=422 if form.errors else 200)
