"""Invitations (contract §3.12): create and mail, resend with a fresh token, cancel, accept, expire.

Tokens are 43 characters of base64url (32 random bytes), mailed once and stored only as a SHA-256
hash, so neither the database nor the API can give one back. Resending replaces the token.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.events import emit
from localplatform.identity.models import Invitation, Member, Organization, Role, Team, User
from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from localplatform.identity.services.members import emit_joined, holds_owner
from localplatform.paging import page_of


def new_token() -> str:
    """43 characters of base64url."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def pending(queryset=None, now=None):
    """Invitations that are pending and not yet past their expiry."""
    queryset = Invitation.objects.all() if queryset is None else queryset
    return queryset.filter(status=Invitation.PENDING, expires_at__gt=now or timezone.now())


def with_status(queryset, status: str, now=None):
    """Filter by the status the API reports (expiry is computed, §2.1)."""
    now = now or timezone.now()
    if status == Invitation.PENDING:
        return pending(queryset, now)
    if status == Invitation.EXPIRED:
        return queryset.filter(Q(status=Invitation.EXPIRED) | Q(status=Invitation.PENDING, expires_at__lte=now))
    return queryset.filter(status=status)


def invitation_in(organization: Organization, invitation_id: str) -> Invitation:
    """An invitation of this organization, or 404."""
    invitation = (
        Invitation.objects.select_related("organization").filter(organization=organization, id=invitation_id).first()
    )
    if invitation is None:
        raise not_found("invitation")
    return invitation


def list_invitations(
    organization: Organization, status: str, page: int, limit: int, now
) -> tuple[int, list[Invitation], list[Member]]:
    """A page of the invitations with this (computed) status, newest first, and the members who sent or accepted."""
    invitations = with_status(Invitation.objects.filter(organization=organization), status, now)
    total, found = page_of(invitations.order_by("-created_at", "id"), page, limit)
    member_ids = {i.invited_by for i in found} | {i.accepted_by for i in found if i.accepted_by}
    members = Member.objects.filter(organization=organization, id__in=member_ids).select_related("user")
    return total, found, list(members.order_by("sort_name", "id"))


def inviter_of(invitation: Invitation) -> Member | None:
    """The member who sent the invitation, if they are still a member."""
    return Member.objects.select_related("user").filter(pk=invitation.invited_by).first()


def _email_addresses():
    """allauth's EmailAddress model when the accounts app provides it, else None."""
    if apps.is_installed("allauth.account"):
        return apps.get_model("account", "EmailAddress")
    return None


def users_with_address(email: str):
    """Users owning `email` as their primary or any other address (verified or not)."""
    users = User.objects.filter(email=email)
    model = _email_addresses()
    if model is not None:
        users = User.objects.filter(
            Q(email=email) | Q(pk__in=model.objects.filter(email__iexact=email).values("user_id"))
        )
    return users


def owns_verified_address(user: User, email: str) -> bool:
    """True when `email` is one of the user's verified addresses."""
    if user.email == email and user.email_verified:
        return True
    model = _email_addresses()
    return bool(model and model.objects.filter(user_id=user.pk, email__iexact=email, verified=True).exists())


@dataclass
class Placement:
    team: Team
    roles: list[Role]


def resolve_roles(role_ids: list[str] | None, scope: str, field: str) -> list[Role]:
    """Roles of one scope by id, in catalogue order; 422 naming the field for anything else (§1.2)."""
    if not role_ids:
        return []
    roles = {r.id: r for r in Role.objects.filter(id__in=role_ids, scope=scope)}
    errors = {
        f"{field}[{n}]": f"not {'an organization' if scope == Role.ORGANIZATION else 'a team'} role"
        for n, role_id in enumerate(role_ids)
        if role_id not in roles
    }
    if errors:
        raise invalid(errors)
    return sorted(roles.values(), key=lambda r: r.position)


def resolve_placements(organization: Organization, teams: list[dict]) -> list[Placement]:
    """Team placements: each team of this organization at most once, team roles defaulting to its default role."""
    found = {t.id: t for t in Team.objects.filter(organization=organization, id__in=[p["teamId"] for p in teams])}
    placements, errors, seen = [], {}, set()
    for n, placement in enumerate(teams):
        team = found.get(placement["teamId"])
        if team is None:
            errors[f"teams[{n}].teamId"] = "no such team"
        elif team.id in seen:
            errors[f"teams[{n}].teamId"] = "given more than once"
        else:
            seen.add(team.id)
            roles = resolve_roles(placement.get("roleIds"), Role.TEAM, f"teams[{n}].roleIds")
            placements.append(Placement(team, roles or [team.default_role]))
    if errors:
        raise invalid(errors)
    return placements


def invitation_event(invitation: Invitation, type: str, actor_id: str | None) -> None:
    """Emit an invitation.* event with the §4.1 invitation data."""
    team_ids = [p["teamId"] for p in invitation.teams]
    emit(
        invitation.organization_id,
        type,
        "invitation",
        invitation.id,
        invitation.email,
        data={
            "invitationId": invitation.id,
            "email": invitation.email,
            "roleIds": list(invitation.role_ids),
            "teamIds": team_ids,
            "actorMemberId": actor_id,
        },
        team_ids=team_ids,
    )


def grants_owner(invitation: Invitation) -> bool:
    return Role.objects.filter(id__in=invitation.role_ids, key="owner").exists()


def guard_owner_invitation(invitation: Invitation, by: Member) -> None:
    """403 owner_role_required when a non-Owner resends or cancels an invitation granting Owner (§1.13, 2026-12)."""
    if grants_owner(invitation) and not holds_owner(by):
        raise PlatformError(
            "owner_role_required", "Only an Owner can resend or cancel an invitation that grants the Owner role."
        )


@transaction.atomic
def create_invitation(
    by: Member,
    email: str,
    role_ids: list[str] | None,
    teams: list[dict],
    account_type: str,
    message: str | None,
    base_url: str,
) -> Invitation:
    """POST /org/invitations: validate, store, mail the link and emit invitation.created."""
    organization = by.organization
    email = normalize_email(email)
    roles = resolve_roles(role_ids, Role.ORGANIZATION, "roleIds") or [organization.default_role]
    placements = resolve_placements(organization, teams)
    if any(r.key == "owner" for r in roles) and not holds_owner(by):
        raise PlatformError("owner_role_required", "Only an Owner can invite someone as an Owner.")
    if Member.objects.filter(organization=organization, user__in=users_with_address(email)).exists():
        raise PlatformError("already_exists", f"{email} already belongs to a member of this organization.")
    if pending(Invitation.objects.filter(organization=organization, email=email)).exists():
        raise PlatformError("already_exists", f"{email} already has a pending invitation; resend it instead.")
    now = timezone.now()
    token = new_token()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role_ids=[r.id for r in roles],
        teams=[{"teamId": p.team.id, "roleIds": [r.id for r in p.roles]} for p in placements],
        account_type=account_type,
        message=(message or "").strip() or None,
        expires_at=now + timedelta(hours=organization.invitation_expiry_hours),
        invited_by=by.id,
        token_hash=token_hash(token),
        created_at=now,
        updated_at=now,
        created_by=by.id,
        updated_by=by.id,
    )
    invitation_event(invitation, "invitation.created", by.id)
    send_invitation_mail(invitation, token, by, base_url)
    return invitation


@transaction.atomic
def resend_invitation(invitation: Invitation, by: Member, base_url: str) -> Invitation:
    """A fresh token and expiry, mailed again; the old token stops working. Revives an expired invitation."""
    guard_owner_invitation(invitation, by)
    if invitation.status in (Invitation.ACCEPTED, Invitation.CANCELLED):
        raise PlatformError("invalid_state", f"The invitation is {invitation.status} and cannot be resent.")
    now = timezone.now()
    token = new_token()
    invitation.token_hash = token_hash(token)
    invitation.status = Invitation.PENDING
    invitation.expires_at = now + timedelta(hours=invitation.organization.invitation_expiry_hours)
    invitation.updated_at = now
    invitation.updated_by = by.id
    invitation.save(update_fields=["token_hash", "status", "expires_at", "updated_at", "updated_by"])
    send_invitation_mail(invitation, token, by, base_url)
    return invitation


@transaction.atomic
def cancel_invitation(invitation: Invitation, by: Member) -> Invitation:
    """Withdraw a pending invitation; the record stays as cancelled."""
    guard_owner_invitation(invitation, by)
    if invitation.effective_status() != Invitation.PENDING:
        raise PlatformError("invalid_state", f"The invitation is {invitation.effective_status()}, not pending.")
    invitation.status = Invitation.CANCELLED
    invitation.updated_at = timezone.now()
    invitation.updated_by = by.id
    invitation.save(update_fields=["status", "updated_at", "updated_by"])
    return invitation


def by_token(token: str) -> Invitation:
    """The invitation a (current) token belongs to; 404 for unknown or replaced tokens."""
    invitation = (
        Invitation.objects.select_related("organization").filter(token_hash=token_hash(token)).first()
        if len(token) == 43
        else None
    )
    if invitation is None:
        raise PlatformError("not_found", "This invitation link is not valid. Ask for a new invitation.")
    return invitation


def account_exists(email: str) -> bool:
    return users_with_address(email).exists()


def accept_invitation(token: str, user: User | None, signup: dict | None) -> tuple[Member, User]:
    """POST /invitations/{token}/accept: as the signed-in `user`, or creating the account from `signup`."""
    accepted = _accept(token, user, signup)
    if accepted is None:  # the invitation is recorded as accepted all the same (§3.12.3)
        raise PlatformError("already_exists", "You are already a member of this organization.")
    return accepted


@transaction.atomic
def _accept(token: str, user: User | None, signup: dict | None) -> tuple[Member, User] | None:
    invitation = by_token(token)
    invitation = Invitation.objects.select_for_update().select_related("organization").get(pk=invitation.pk)
    status = invitation.effective_status()
    if status != Invitation.PENDING:
        raise PlatformError("invalid_state", f"This invitation is {status}.")
    if user is None:
        if account_exists(invitation.email):
            raise PlatformError(
                "unauthenticated", "An account with this email exists: log in to accept the invitation."
            )
        user = create_invited_user(invitation.email, signup or {})
    elif not owns_verified_address(user, invitation.email):
        raise PlatformError(
            "permission_denied", f"This invitation is for {invitation.email}, a verified address of another account."
        )
    organization = invitation.organization
    now = timezone.now()
    if Member.objects.filter(organization=organization, user=user).exists():
        Invitation.objects.filter(pk=invitation.pk).update(status=Invitation.ACCEPTED, accepted_at=now, updated_at=now)
        return None
    roles = list(Role.objects.filter(id__in=invitation.role_ids, scope=Role.ORGANIZATION)) or [
        organization.default_role
    ]
    member = directory.add_member(organization, user, roles, invitation.account_type)
    Member.objects.filter(pk=member.pk).update(created_by=member.id, updated_by=member.id)
    teams = {
        t.id: t for t in Team.objects.filter(organization=organization, id__in=[p["teamId"] for p in invitation.teams])
    }
    for placement in invitation.teams:
        team = teams.get(placement["teamId"])
        if team is None:  # deleted since the invitation was sent
            continue
        roles = list(Role.objects.filter(id__in=placement["roleIds"], scope=Role.TEAM))
        team_service.add_member(team, member, roles, by=member)
    invitation.status = Invitation.ACCEPTED
    invitation.accepted_at = now
    invitation.accepted_by = member.id
    invitation.updated_at = now
    invitation.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    invitation_event(invitation, "invitation.accepted", member.id)
    emit_joined(member, member.id)
    return Member.objects.select_related("user", "organization").get(pk=member.pk), user


def create_invited_user(email: str, signup: dict) -> User:
    """The new account of an unauthenticated accept; the link proved the mailbox, so the email is verified."""
    missing = {name: "required" for name in ("password", "givenName", "familyName") if not signup.get(name)}
    if missing:
        raise invalid(missing, "Create your account: a password and your name are required.")
    if signup["password"].strip().lower() == email:
        raise invalid({"password": "must differ from the email address"})
    return directory.create_user(
        email,
        signup["password"],
        signup["givenName"],
        signup["familyName"],
        signup.get("displayName"),
        email_verified=True,
    )


def invitation_url(base_url: str, token: str) -> str:
    """<console base URL>/invitations/<token>: LAKESAIL_PUBLIC_BASE_URL, else the requesting origin."""
    base = settings.LAKESAIL_PUBLIC_BASE_URL or base_url
    return f"{base.rstrip('/')}/invitations/{token}"


def send_invitation_mail(invitation: Invitation, token: str, by: Member, base_url: str) -> None:
    """The invitation mail (text and HTML), through Django's mailers."""
    organization = invitation.organization
    context = {
        "organization_name": organization.name,
        "inviter_name": by.user.display_name,
        "message": invitation.message,
        "url": invitation_url(base_url, token),
        "expires_at": invitation.expires_at,
        "email": invitation.email,
    }
    subject = f"{by.user.display_name} invited you to {organization.name} on LakeSail"
    mail = EmailMultiAlternatives(subject, render_to_string("emails/invitation.txt", context), to=[invitation.email])
    mail.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    mail.send()


def expire_invitations(now=None) -> int:
    """Record every pending invitation past its expiry as expired and emit invitation.expired; the count."""
    now = now or timezone.now()
    expired = 0
    due = Invitation.objects.filter(status=Invitation.PENDING, expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            changed = Invitation.objects.filter(pk=pk, status=Invitation.PENDING, expires_at__lte=now).update(
                status=Invitation.EXPIRED, updated_at=now, updated_by=None
            )
            if changed:
                invitation_event(Invitation.objects.get(pk=pk), "invitation.expired", None)
                expired += 1
    return expired
