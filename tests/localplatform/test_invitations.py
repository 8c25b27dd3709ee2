"""Invitations (§3.12): create and mail, list, cancel, resend, describe by token, accept, expire."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from localplatform.events.models import Event
from localplatform.identity.models import Invitation, Member, TeamMember, User
from localplatform.identity.services import directory, invitations, members, teams
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok

TOKEN_LINK = re.compile(r"(https?://[^\s\"<]+)/invitations/([A-Za-z0-9_-]{43})")


@pytest.fixture
def as_owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def as_admin(cast, login):
    return bearer(login(cast.admin)["accessToken"])


def role_id(key):
    return directory.role(key).id


def invite(api, headers, email="new.person@example.com", status=201, **body):
    response = api.post("/org/invitations", json={"email": email, **body}, headers=headers)
    if status != 201:
        return response
    return ok(response, 201)


def last_link() -> tuple[str, str]:
    """(origin, token) from the newest invitation mail."""
    found = TOKEN_LINK.search(mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1), found.group(2)


def test_create_mails_a_link_and_stores_only_a_hash(cast, api, as_admin):
    body = invite(
        api,
        as_admin,
        email="  Ann.Lee@Example.com ",
        roleIds=[role_id("admin")],
        teams=[{"teamId": cast.team.id}],
        message="Welcome aboard!",
    )
    assert body["email"] == "ann.lee@example.com"
    assert body["status"] == "pending" and body["accountType"] == "managed"
    assert body["roleIds"] == [role_id("admin")]
    assert body["teams"] == [{"teamId": cast.team.id, "roleIds": [role_id("contributor")]}]  # the team's default
    assert body["invitedBy"] == cast.admin.member.id and body["createdBy"] == cast.admin.member.id
    assert body["acceptedAt"] is None and body["acceptedBy"] is None
    message = mail.outbox[-1]
    assert message.to == ["ann.lee@example.com"]
    assert "Adam Admin invited you to Acme Analytics" in message.subject
    assert "Welcome aboard!" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    origin, token = last_link()
    assert origin == "http://testserver"
    assert f"/invitations/{token}" in html
    stored = Invitation.objects.get(pk=body["id"])
    assert token not in str(stored.__dict__) and stored.token_hash == invitations.token_hash(token)
    event = Event.objects.get(type="invitation.created")
    assert event.data == {
        "invitationId": body["id"],
        "email": "ann.lee@example.com",
        "roleIds": [role_id("admin")],
        "teamIds": [cast.team.id],
        "actorMemberId": cast.admin.member.id,
    }
    assert event.resource_name == "ann.lee@example.com"


@override_settings(LAKESAIL_PUBLIC_BASE_URL="https://console.example.com")
def test_public_base_url_wins_for_the_link(cast, api, as_admin):
    invite(api, as_admin)
    assert last_link()[0] == "https://console.example.com"


def test_defaults_to_the_organization_default_role_and_expiry(cast, api, as_admin):
    cast.org.invitation_expiry_hours = 2
    cast.org.save()
    body = invite(api, as_admin)
    assert body["roleIds"] == [role_id("member")] and body["teams"] == []
    expires = Invitation.objects.get(pk=body["id"]).expires_at
    assert timedelta(hours=1, minutes=59) < expires - timezone.now() <= timedelta(hours=2)


def test_create_conflicts(cast, api, as_admin):
    assert_error(invite(api, as_admin, email="MEMBER@acme.test", status=409), 409, "already_exists")
    members.deactivate_member(cast.member.member)
    assert_error(invite(api, as_admin, email="member@acme.test", status=409), 409, "already_exists")
    invite(api, as_admin, email="twice@example.com")
    assert_error(invite(api, as_admin, email="Twice@Example.com", status=409), 409, "already_exists")
    # An expired invitation no longer blocks a new one.
    Invitation.objects.filter(email="twice@example.com").update(expires_at=timezone.now() - timedelta(seconds=1))
    invite(api, as_admin, email="twice@example.com")


def test_create_validation(cast, api, as_admin, other_team):
    cases = [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b.test", "roleIds": []}, "roleIds"),
        ({"email": "a@b.test", "roleIds": [role_id("viewer")]}, "roleIds[0]"),
        ({"email": "a@b.test", "teams": [{"teamId": "NOSUCHTEAM"}]}, "teams[0].teamId"),
        ({"email": "a@b.test", "teams": [{"teamId": cast.team.id}, {"teamId": cast.team.id}]}, "teams[1].teamId"),
        (
            {"email": "a@b.test", "teams": [{"teamId": cast.team.id, "roleIds": [role_id("admin")]}]},
            "teams[0].roleIds[0]",
        ),
        ({"email": "a@b.test", "accountType": "robot"}, "accountType"),
        ({"email": "a@b.test", "message": "x" * 1024}, "message"),
        ({"email": "a@b.test", "colour": "blue"}, "colour"),
    ]
    for body, field in cases:
        error = assert_error(api.post("/org/invitations", json=body, headers=as_admin), 422, "validation_failed")
        assert field in error["details"]["fieldErrors"], (body, error)
    body = assert_error(
        api.post(
            "/org/invitations",
            json={"email": "a@b.test", "teams": [{"teamId": cast.outsider.member.id}]},
            headers=as_admin,
        ),
        422,
        "validation_failed",
    )
    assert not mail.outbox


def test_only_owners_invite_owners(cast, api, as_admin, as_owner):
    body = invite(api, as_admin, status=403, email="boss@example.com", roleIds=[role_id("owner")])
    assert_error(body, 403, "owner_role_required")
    assert invite(api, as_owner, email="boss@example.com", roleIds=[role_id("owner")])["roleIds"] == [role_id("owner")]


def test_only_owners_resend_or_cancel_an_owner_invitation(cast, api, as_admin, as_owner):
    """§1.13 (revised 2026-12): an Admin may not resend or cancel an invitation that grants Owner."""
    boss = invite(api, as_owner, email="boss@example.com", roleIds=[role_id("owner"), role_id("auditor")])
    sent = len(mail.outbox)
    assert_error(api.post(f"/org/invitations/{boss['id']}/resend", headers=as_admin), 403, "owner_role_required")
    assert_error(api.delete(f"/org/invitations/{boss['id']}", headers=as_admin), 403, "owner_role_required")
    assert len(mail.outbox) == sent and Invitation.objects.get(pk=boss["id"]).status == "pending"
    # An unknown id is still 404 for an Admin; the Owner resends and cancels.
    assert_error(api.post("/org/invitations/NOSUCHINVI/resend", headers=as_admin), 404, "not_found")
    assert ok(api.post(f"/org/invitations/{boss['id']}/resend", headers=as_owner))["status"] == "pending"
    assert api.delete(f"/org/invitations/{boss['id']}", headers=as_owner).status_code == 204
    # Invitations without the Owner role stay the Admin's to manage.
    plain = invite(api, as_owner, email="plain@example.com", roleIds=[role_id("admin")])
    ok(api.post(f"/org/invitations/{plain['id']}/resend", headers=as_admin))
    assert api.delete(f"/org/invitations/{plain['id']}", headers=as_admin).status_code == 204


def test_list_pending_with_included_and_statuses(cast, api, as_admin):
    first = invite(api, as_admin, email="one@example.com", teams=[{"teamId": cast.team.id}])
    second = invite(api, as_admin, email="two@example.com")
    third = invite(api, as_admin, email="three@example.com")
    assert api.delete(f"/org/invitations/{third['id']}", headers=as_admin).status_code == 204
    Invitation.objects.filter(pk=second["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    body = ok(api.get("/org/invitations", headers=as_admin))
    assert [i["email"] for i in body["items"]] == ["one@example.com"] and body["total"] == 1
    assert [m["id"] for m in body["included"]["members"]] == [cast.admin.member.id]
    assert [t["team"]["id"] for t in body["included"]["teams"]] == [cast.team.id]
    assert len(body["included"]["roles"]) == 5 and len(body["included"]["teamRoles"]) == 3
    expired = ok(api.get("/org/invitations?status=expired", headers=as_admin))
    assert [(i["id"], i["status"]) for i in expired["items"]] == [(second["id"], "expired")]
    cancelled = ok(api.get("/org/invitations?status=cancelled", headers=as_admin))
    assert [i["id"] for i in cancelled["items"]] == [third["id"]]
    counted = ok(api.get("/org/invitations?limit=0", headers=as_admin))
    assert (counted["total"], counted["items"]) == (1, [])
    assert_error(api.get("/org/invitations?status=lost", headers=as_admin), 400, "invalid_request")
    assert first["id"]


def test_cancel(cast, api, as_admin):
    created = invite(api, as_admin)
    _, token = last_link()
    assert api.delete(f"/org/invitations/{created['id']}", headers=as_admin).status_code == 204
    assert ok(api.get(f"/invitations/{token}"))["status"] == "cancelled"
    assert_error(api.delete(f"/org/invitations/{created['id']}", headers=as_admin), 409, "invalid_state")
    assert_error(api.post(f"/invitations/{token}/accept", json={}), 409, "invalid_state")
    assert_error(api.delete("/org/invitations/NOSUCHINVI", headers=as_admin), 404, "not_found")
    assert_error(api.post(f"/org/invitations/{created['id']}/resend", headers=as_admin), 409, "invalid_state")


def test_resend_replaces_the_token_and_revives_expired(cast, api, as_admin):
    created = invite(api, as_admin)
    _, old = last_link()
    Invitation.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert ok(api.get(f"/invitations/{old}"))["status"] == "expired"
    resent = ok(api.post(f"/org/invitations/{created['id']}/resend", headers=as_admin))
    assert resent["status"] == "pending"
    assert Invitation.objects.get(pk=created["id"]).expires_at > timezone.now() + timedelta(hours=167)
    _, new = last_link()
    assert new != old and len(mail.outbox) == 2
    assert_error(api.get(f"/invitations/{old}"), 404, "not_found")
    assert_error(api.post(f"/invitations/{old}/accept", json={}), 404, "not_found")
    assert ok(api.get(f"/invitations/{new}"))["status"] == "pending"
    assert Event.objects.filter(type="invitation.created").count() == 1  # not again on resend


def test_describe_by_token_is_public(cast, api, as_admin):
    created = invite(api, as_admin, email="member@elsewhere.test")
    _, token = last_link()
    body = ok(api.get(f"/invitations/{token}", headers={"Authorization": "Bearer expired-or-garbage"}))
    assert body == {
        "id": created["id"],
        "email": "member@elsewhere.test",
        "organization": {"id": cast.org.id, "name": "Acme Analytics", "createdAt": body["organization"]["createdAt"]},
        "invitedBy": {"displayName": "Adam Admin"},
        "status": "pending",
        "expiresAt": created["expiresAt"],
        "accountExists": False,
    }
    directory.create_user("member@elsewhere.test", None, "Eve", "Else", email_verified=True)
    assert ok(api.get(f"/invitations/{token}"))["accountExists"] is True
    assert_error(api.get("/invitations/" + "x" * 43), 404, "not_found")
    assert_error(api.get("/invitations/short"), 404, "not_found")


def test_accept_as_a_new_user_creates_a_verified_account(cast, api, as_owner, login):
    invite(
        api,
        as_owner,
        email="ann.lee@example.com",
        roleIds=[role_id("admin")],
        teams=[{"teamId": cast.team.id, "roleIds": [role_id("viewer")]}],
        accountType="external",
    )
    _, token = last_link()
    missing = assert_error(api.post(f"/invitations/{token}/accept", json={}), 422, "validation_failed")
    assert set(missing["details"]["fieldErrors"]) == {"password", "givenName", "familyName"}
    short = api.post(f"/invitations/{token}/accept", json={"password": "short", "givenName": "A", "familyName": "L"})
    assert "password" in assert_error(short, 422, "validation_failed")["details"]["fieldErrors"]
    body = ok(
        api.post(
            f"/invitations/{token}/accept",
            json={"password": "a-long-enough-password", "givenName": "Ann", "familyName": "Lee"},
        )
    )
    assert body["organization"]["id"] == cast.org.id
    assert body["user"]["email"] == "ann.lee@example.com" and body["user"]["emailVerified"] is True
    assert body["member"]["accountType"] == "external" and body["member"]["displayName"] == "Ann Lee"
    member = Member.objects.get(pk=body["member"]["id"])
    assert [r.key for r in member.roles.all()] == ["admin"]
    assert [r.key for r in TeamMember.objects.get(member=member, team=cast.team).roles.all()] == ["viewer"]
    invitation = Invitation.objects.get(email="ann.lee@example.com")
    assert invitation.status == "accepted" and invitation.accepted_by == member.id
    assert ok(api.get(f"/invitations/{token}"))["status"] == "accepted"
    assert_error(api.post(f"/invitations/{token}/accept", json={}), 409, "invalid_state")
    types = list(Event.objects.order_by("occurred_at", "type").values_list("type", "data__actorMemberId"))
    assert ("invitation.accepted", member.id) in types and ("member.joined", member.id) in types
    assert ("team.member_added", member.id) in types
    # The new account can log in.
    person = type(cast.owner)(member.user, member, "ann.lee@example.com", "a-long-enough-password")
    assert login(person)["organizationId"] in (cast.org.id,)


def set_verified(user, verified: bool) -> None:
    """Mark the user's address (and its allauth EmailAddress, when the accounts app keeps one) (un)verified."""
    from django.apps import apps

    User.objects.filter(pk=user.pk).update(email_verified=verified)
    if apps.is_installed("allauth.account"):
        apps.get_model("account", "EmailAddress").objects.filter(user_id=user.pk).update(verified=verified)


def test_accept_with_a_token_needs_the_invited_verified_email(cast, api, as_admin, login):
    invite(api, as_admin, email="oscar@globex.test")
    _, token = last_link()
    assert_error(api.post(f"/invitations/{token}/accept", json={}), 401, "unauthenticated")
    wrong = bearer(login(cast.member)["accessToken"])
    assert_error(api.post(f"/invitations/{token}/accept", json={}, headers=wrong), 403, "permission_denied")
    assert_error(api.post(f"/invitations/{token}/accept", json={}, headers=bearer("garbage")), 401, "invalid_token")
    tokens = login(cast.outsider)
    set_verified(cast.outsider.user, False)
    headers = bearer(tokens["accessToken"])
    assert_error(api.post(f"/invitations/{token}/accept", json={}, headers=headers), 403, "permission_denied")
    set_verified(cast.outsider.user, True)
    body = ok(api.post(f"/invitations/{token}/accept", json={}, headers=headers))
    assert body["member"]["email"] == "oscar@globex.test" and body["organization"]["name"] == "Acme Analytics"
    assert body["user"]["memberId"] == body["member"]["id"]
    # Oscar can now enter Acme with the same login through the organization header.
    me = ok(api.get("/me", headers={**headers, "LakeSail-Organization-Id": cast.org.id}))
    assert me["member"]["id"] == body["member"]["id"]


def test_accept_by_an_existing_member_marks_it_accepted(cast, api, as_admin, login):
    created = invite(api, as_admin, email="late@example.com")
    _, token = last_link()
    user = directory.create_user("late@example.com", "a-long-enough-password", "Lou", "Late", email_verified=True)
    directory.add_member(cast.org, user)
    person = type(cast.owner)(user, None, "late@example.com", "a-long-enough-password")
    headers = bearer(login(person)["accessToken"])
    assert_error(api.post(f"/invitations/{token}/accept", json={}, headers=headers), 409, "already_exists")
    assert Invitation.objects.get(pk=created["id"]).status == "accepted"


def test_expired_invitation_cannot_be_accepted_and_the_sweep_records_it(cast, api, as_admin):
    created = invite(api, as_admin)
    _, token = last_link()
    Invitation.objects.filter(pk=created["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(api.post(f"/invitations/{token}/accept", json={}), 409, "invalid_state")
    assert Invitation.objects.get(pk=created["id"]).status == "pending"  # computed until swept
    call_command("expire_invitations")
    assert Invitation.objects.get(pk=created["id"]).status == "expired"
    event = Event.objects.get(type="invitation.expired")
    assert event.data["invitationId"] == created["id"] and event.data["actorMemberId"] is None
    assert invitations.expire_invitations() == 0  # idempotent


def test_invitation_routes_need_a_token(cast, api):
    assert_error(api.get("/org/invitations"), 401, "unauthenticated")
    assert_error(api.post("/org/invitations", json={"email": "a@b.test"}), 401, "unauthenticated")


def test_a_deleted_team_drops_out_of_pending_invitations(cast, api, as_admin, other_team):
    created = invite(api, as_admin, teams=[{"teamId": cast.team.id}, {"teamId": other_team.id}])
    teams.delete_team(other_team, cast.owner.member)
    body = ok(api.get("/org/invitations", headers=as_admin))
    assert [p["teamId"] for p in body["items"][0]["teams"]] == [cast.team.id]
    assert body["items"][0]["id"] == created["id"]
