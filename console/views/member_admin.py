"""Administering a member from their page: profile and email, membership (account type, deactivation) and the
managed account (disable, MFA reset, temporary password, delete), and Create user beside Invite.

Each action is one platform call after GET /org/members/{member}; a refusal (§3.3.13-3.3.17, §3.13.4: the last
Owner, an Owner's account, an external account, a person in another organization, oneself) is shown in the
card of the action, in the platform's words.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.contrib import messages
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from console.client.base import Platform
from console.client.errors import Conflict, Forbidden, PlatformError
from console.client.members import describe_member, update_member
from console.client.models.users import TemporaryPassword
from console.client.users import create_user, delete_user, reset_user_mfa, reset_user_password, update_user
from console.forms.users import CreateUserForm, MemberProfileForm
from console.htmx import navigate, render_page
from console.requests import SignedInRequest
from console.views.access import access_of
from console.views.decorators import signed_in
from console.views.invitations import placement_options
from console.views.members import Refusal, render_detail

SECRET_KEY = "console.temporary_password"
TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=72)
SECRET_SHOWN_FOR = 300  # seconds: the page after the POST shows the password once, within five minutes


@dataclass(frozen=True)
class Action:
    card: str  # "membership" (the call takes the member's id) or "account" (the user's id); a refusal shows there
    call: Callable[[Platform, str], object]
    done: str  # the message, with {name}


# POST /members/<id>/<action>: one platform call each (contract §3.13.4 for the membership, §3.3 for the account).
ACTIONS = {
    "deactivate": Action(
        "membership",
        partial(update_member, status="deactivated"),
        "{name} is deactivated: they cannot sign in here until reactivated.",
    ),
    "reactivate": Action("membership", partial(update_member, status="active"), "{name} is active again."),
    "make-external": Action(
        "membership",
        partial(update_member, account_type="external"),
        "{name}'s account is external now: they and their identity provider look after it.",
    ),
    "make-managed": Action(
        "membership", partial(update_member, account_type="managed"), "The organization manages {name}'s account now."
    ),
    "disable": Action(
        "account", partial(update_user, status="disabled"), "{name}'s account is disabled and all their sign-ins ended."
    ),
    "enable": Action("account", partial(update_user, status="active"), "{name}'s account is enabled again."),
    "reset-mfa": Action("account", reset_user_mfa, "{name}'s MFA is reset: they set it up at their next sign-in."),
    "reset-password": Action("account", reset_user_password, ""),
    "delete": Action("account", delete_user, "{name}'s account is deleted."),
}


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def member_profile(request: SignedInRequest, member_id: str):
    """The profile card in edit mode; saving is PATCH /users/{user} when the email changes (an account field),
    else PATCH /org/members/{member} (the names, written through to the user): one call either way."""
    detail = describe_member(request.platform, member_id)
    member = detail.member
    with_email = access_of(request).manage_users and member.account_type == "managed"
    form = MemberProfileForm(request.POST if request.method == "POST" else None, member=member, with_email=with_email)
    if form.is_bound and form.is_valid():
        changes = form.changes()
        try:
            if "email" in changes:
                update_user(request.platform, member.user_id, **changes)
            elif changes:
                update_member(request.platform, member_id, **changes)
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            messages.success(request, f"Saved the profile of {changes.get('display_name', member.display_name)}.")
            return navigate(request, reverse("member_detail", args=[member_id]))
    return render_detail(request, detail, profile_form=form, status=422 if form.errors else 200)


@require_POST
@signed_in
def member_action(request: SignedInRequest, member_id: str, action: str):
    """One of ACTIONS; a refusal shows in its card. A temporary password is shown once, on the next page."""
    detail = describe_member(request.platform, member_id)
    member = detail.member
    chosen = ACTIONS[action]
    try:
        result = chosen.call(request.platform, member.id if chosen.card == "membership" else member.user_id)
    except (Conflict, Forbidden) as error:
        return refused(request, detail, chosen.card, error)
    if isinstance(result, TemporaryPassword):
        keep_secret(request, member_id, member.display_name, result.temporary_password, result.expires_at)
        return navigate(request, reverse("member_temporary_password", args=[member_id]))
    messages.success(request, chosen.done.format(name=member.display_name))
    return navigate(
        request, reverse("member_list") if action == "delete" else reverse("member_detail", args=[member_id])
    )


def refused(request, detail, card: str, error: PlatformError):
    """A 409, or 403 owner_role_required, in the card of the action; any other 403 is the error page's."""
    if isinstance(error, Forbidden) and error.code != "owner_role_required":
        raise error
    return render_detail(request, detail, refusal=Refusal(card, error.message), status=error.status)


@require_http_methods(["GET", "HEAD", "POST"])
@signed_in
def member_create(request: SignedInRequest):
    """POST /users: the account and its managed membership; a temporary password is shown once, next page.

    The form needs the org roles, the team roles and the teams (GET /org/roles, /org/team-roles, /org/teams).
    """
    access = access_of(request)
    if not access.manage_users:
        raise Forbidden("Only Owners and Admins can create users.")
    options = placement_options(request.platform)
    form = CreateUserForm(request.POST if request.method == "POST" else None, **options, owner=access.owner)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            created = create_user(
                request.platform,
                email=data["email"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                display_name=data["display_name"] or None,
                password=data["password"] or None,
                role_ids=data["roles"] or None,
                teams=form.placements() or None,
            )
        except PlatformError as error:
            form.add_platform_error(error)
        else:
            name, member_id = created.member.display_name, created.member.id
            if created.temporary_password:
                expires = created.user.created_at + TEMPORARY_PASSWORD_LIFETIME  # §3.3.11: as in §3.3.17
                keep_secret(request, member_id, name, created.temporary_password, expires, created=True)
                return navigate(request, reverse("member_temporary_password", args=[member_id]))
            messages.success(request, f"Created {name}'s account. They can sign in with the password you set.")
            return navigate(request, reverse("member_detail", args=[member_id]))
    context = {"form": form, "access": access}
    status = 422 if form.errors else 200
    return render_page(request, "console/members/create.html", context, partials="create-user", status=status)


def keep_secret(request, member_id: str, name: str, password: str, expires_at: datetime, *, created=False) -> None:
    """Hold a temporary password for the one page that shows it (kept server-side, in the session)."""
    request.session[SECRET_KEY] = {
        "member_id": member_id,
        "name": name,
        "password": password,
        "expires_at": expires_at.isoformat(),
        "created": created,
        "at": time.time(),
    }


@never_cache
@require_safe
@signed_in
def member_temporary_password(request: SignedInRequest, member_id: str):
    """The temporary password, shown once: forgotten as the page is made, which is never stored (no-store)."""
    kept = request.session.get(SECRET_KEY)
    if kept and kept.get("member_id") == member_id:
        del request.session[SECRET_KEY]
        if kept["at"] + SECRET_SHOWN_FOR >= time.time():
            secret = {**kept, "expires_at": datetime.fromisoformat(kept["expires_at"])}
            return render_page(request, "console/members/secret.html", {"secret": secret, "member_id": member_id})
    messages.info(request, "A temporary password is shown only once. Issue a new one if it was lost.")
    return navigate(request, reverse("member_detail", args=[member_id]))
