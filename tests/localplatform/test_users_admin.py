"""User accounts (§3.3.10-3.3.17): list, create, describe, update, delete, reset MFA and password.

Must show 4 (platform side): an Admin cannot reset an Owner's MFA or password, edit, disable or delete an
Owner, nor delete the last Owner; external accounts are refused (409 external_account); someone who belongs
to another organization is theirs to manage (409 in_use, §6 item 13).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from localplatform.errors import PlatformError
from localplatform.events.models import Event
from localplatform.identity.models import Login, Member, TeamMember, TemporaryPassword, User
from localplatform.identity.services import directory, users
from localplatform.identity.services.permissions import Access
from tests.conftest import bearer
from tests.localplatform.account_support import enroll
from tests.localplatform.helpers import assert_error, ok

NEW = {"email": "nina@acme.test", "givenName": "Nina", "familyName": "New"}
STRONG = "a-brand-new-passphrase-42"


@pytest.fixture
def as_owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def as_admin(cast, login):
    return bearer(login(cast.admin)["accessToken"])


def user_url(person, *rest: str) -> str:
    return "/".join([f"/users/{person.user.id}", *rest])


def external(person) -> None:
    Member.objects.filter(pk=person.member.pk).update(account_type=Member.EXTERNAL)


def can_log_in(api, email: str, password: str) -> bool:
    return api.post("/auth/login", json={"email": email, "password": password}).status_code == 200


class TestList:
    def test_lists_the_organizations_accounts_by_email(self, cast, api, as_admin):
        body = ok(api.get("/users", headers=as_admin))
        assert [u["email"] for u in body["items"]] == ["admin@acme.test", "member@acme.test", "owner@acme.test"]
        member = next(u for u in body["items"] if u["email"] == "member@acme.test")
        assert (member["memberId"], member["accountType"]) == (cast.member.member.id, "managed")
        assert "marker" not in body

    def test_pages_with_a_marker(self, cast, api, as_admin):
        first = ok(api.get("/users", params={"limit": 2}, headers=as_admin))
        assert len(first["items"]) == 2 and first["marker"]
        rest = ok(api.get("/users", params={"limit": 2, "marker": first["marker"]}, headers=as_admin))
        assert [u["email"] for u in rest["items"]] == ["owner@acme.test"] and "marker" not in rest
        assert_error(api.get("/users", params={"marker": "forged"}, headers=as_admin), 400, "invalid_request")

    def test_needs_can_manage_users_before_any_lookup(self, cast, api, login):
        as_member = bearer(login(cast.member)["accessToken"])
        assert_error(api.get("/users", headers=as_member), 403, "permission_denied")
        assert_error(api.get("/users/NOSUCHUSER", headers=as_member), 403, "permission_denied")
        assert_error(api.post("/users", json=NEW, headers=as_member), 403, "permission_denied")
        assert_error(api.delete(user_url(cast.admin), headers=as_member), 403, "permission_denied")


class TestDescribe:
    def test_describes_a_member_account(self, cast, api, as_admin):
        body = ok(api.get(user_url(cast.member), headers=as_admin))
        assert (body["email"], body["status"], body["mfaEnabled"]) == ("member@acme.test", "active", False)
        assert body["memberId"] == cast.member.member.id

    def test_someone_of_another_organization_is_not_found(self, cast, api, as_admin):
        assert_error(api.get(user_url(cast.outsider), headers=as_admin), 404, "not_found")
        assert_error(api.get("/users/bad-id", headers=as_admin), 400, "invalid_request")


class TestCreate:
    def test_with_a_password(self, cast, api, as_admin):
        body = ok(api.post("/users", json={**NEW, "password": STRONG}, headers=as_admin), 201)
        assert body["temporaryPassword"] is None
        assert body["user"]["emailVerified"] is True and body["user"]["displayName"] == "Nina New"
        assert body["member"]["accountType"] == "managed" and body["member"]["status"] == "active"
        member = Member.objects.get(pk=body["member"]["id"])
        assert [role.key for role in member.roles.all()] == ["member"]
        assert can_log_in(api, "nina@acme.test", STRONG)
        joined = Event.objects.get(type="member.joined")
        assert joined.data["actorMemberId"] == cast.admin.member.id

    def test_without_a_password_a_temporary_one_is_returned_once(self, cast, api, as_admin):
        body = ok(api.post("/users", json=NEW, headers=as_admin), 201)
        temporary = body["temporaryPassword"]
        assert len(temporary) == 20
        assert can_log_in(api, "nina@acme.test", temporary)
        assert temporary not in ok(api.get(f"/users/{body['user']['id']}", headers=as_admin)).values()

    def test_a_temporary_password_stops_working_after_72_hours(self, cast, api, as_admin):
        temporary = ok(api.post("/users", json=NEW, headers=as_admin), 201)["temporaryPassword"]
        issued = TemporaryPassword.objects.get(user__email="nina@acme.test")
        assert timedelta(hours=71) < issued.expires_at - timezone.now() <= timedelta(hours=72)
        TemporaryPassword.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        response = api.post("/auth/login", json={"email": "nina@acme.test", "password": temporary})
        assert "expired" in assert_error(response, 401, "invalid_credentials")["message"]

    def test_a_password_of_ones_own_outlives_the_temporary_one(self, cast, api, as_admin):
        temporary = ok(api.post("/users", json=NEW, headers=as_admin), 201)["temporaryPassword"]
        token = ok(api.post("/auth/login", json={"email": "nina@acme.test", "password": temporary}))["accessToken"]
        change = {"currentPassword": temporary, "newPassword": STRONG}
        ok(api.post("/me/password", json=change, headers=bearer(token)), 204)
        TemporaryPassword.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert can_log_in(api, "nina@acme.test", STRONG)

    def test_roles_and_team_placements(self, cast, api, as_admin):
        admin_role = directory.role("admin").id
        body = {**NEW, "roleIds": [admin_role], "teams": [{"teamId": cast.team.id}]}
        member = Member.objects.get(pk=ok(api.post("/users", json=body, headers=as_admin), 201)["member"]["id"])
        assert [role.key for role in member.roles.all()] == ["admin"]
        placement = TeamMember.objects.get(member=member, team=cast.team)
        assert [role.id for role in placement.roles.all()] == [cast.team.default_role_id]

    def test_only_an_owner_creates_an_owner(self, cast, api, as_admin, as_owner):
        body = {**NEW, "roleIds": [directory.role("owner").id]}
        assert_error(api.post("/users", json=body, headers=as_admin), 403, "owner_role_required")
        ok(api.post("/users", json=body, headers=as_owner), 201)

    def test_an_email_with_an_account_is_refused(self, cast, api, as_admin):
        taken = {**NEW, "email": "OSCAR@globex.test"}
        assert_error(api.post("/users", json=taken, headers=as_admin), 409, "already_exists")

    def test_validation(self, cast, api, as_admin):
        weak = assert_error(
            api.post("/users", json={**NEW, "password": "password1234"}, headers=as_admin), 422, "validation_failed"
        )
        assert "password" in weak["details"]["fieldErrors"]
        team_role = directory.role("viewer").id
        wrong = assert_error(
            api.post("/users", json={**NEW, "roleIds": [team_role]}, headers=as_admin), 422, "validation_failed"
        )
        assert "roleIds[0]" in wrong["details"]["fieldErrors"]
        unknown = assert_error(
            api.post("/users", json={**NEW, "nickname": "x"}, headers=as_admin), 422, "validation_failed"
        )
        assert unknown["details"]["fieldErrors"] == {"nickname": "unknown field"}
        assert not User.objects.filter(email="nina@acme.test").exists()


class TestUpdate:
    def test_names_and_email(self, cast, api, as_admin):
        change = {"givenName": "Mira", "displayName": "Mira M.", "email": "Mira@acme.test"}
        body = ok(api.patch(user_url(cast.member), json=change, headers=as_admin))
        assert (body["givenName"], body["displayName"], body["email"]) == ("Mira", "Mira M.", "mira@acme.test")
        assert body["emailVerified"] is True
        assert can_log_in(api, "mira@acme.test", cast.member.password)
        assert not can_log_in(api, "member@acme.test", cast.member.password)
        emails = ok(api.get("/me/emails", headers=bearer(login_token(api, "mira@acme.test", cast.member.password))))
        assert [(e["email"], e["primary"], e["verified"]) for e in emails["items"]] == [("mira@acme.test", True, True)]
        assert Member.objects.get(pk=cast.member.member.pk).sort_email == "mira@acme.test"

    def test_an_email_the_user_added_becomes_the_verified_primary(self, cast, api, as_admin, login):
        ok(
            api.post("/me/emails", json={"email": "mia@home.test"}, headers=bearer(login(cast.member)["accessToken"])),
            201,
        )
        ok(api.patch(user_url(cast.member), json={"email": "mia@home.test"}, headers=as_admin))
        token = login_token(api, "mia@home.test", cast.member.password)
        emails = ok(api.get("/me/emails", headers=bearer(token)))["items"]
        assert [(e["email"], e["primary"], e["verified"]) for e in emails] == [("mia@home.test", True, True)]

    def test_an_empty_body_changes_nothing(self, cast, api, as_admin):
        assert ok(api.patch(user_url(cast.member), json={}, headers=as_admin))["email"] == "member@acme.test"

    def test_an_email_of_another_account_is_refused(self, cast, api, as_admin):
        response = api.patch(user_url(cast.member), json={"email": "admin@acme.test"}, headers=as_admin)
        assert_error(response, 409, "already_exists")

    def test_disabling_ends_every_login_and_enabling_lets_them_in_again(self, cast, api, as_admin, login):
        token = login(cast.member)["accessToken"]
        assert (
            ok(api.patch(user_url(cast.member), json={"status": "disabled"}, headers=as_admin))["status"] == "disabled"
        )
        assert_error(api.get("/me", headers=bearer(token)), 401, "invalid_token")
        response = api.post("/auth/login", json={"email": cast.member.email, "password": cast.member.password})
        assert_error(response, 403, "account_disabled")
        ok(api.patch(user_url(cast.member), json={"status": "active"}, headers=as_admin))
        assert can_log_in(api, cast.member.email, cast.member.password)

    def test_nobody_disables_themselves(self, cast, api, as_admin):
        response = api.patch(user_url(cast.admin), json={"status": "disabled"}, headers=as_admin)
        assert_error(response, 409, "invalid_state")

    def test_null_is_refused(self, cast, api, as_admin):
        response = api.patch(user_url(cast.member), json={"givenName": None}, headers=as_admin)
        assert_error(response, 422, "validation_failed")


class TestOwnerProtections:
    """Must show 4: an Admin acts on no Owner, and the last Owner stays."""

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("post", "mfa/reset", None),
            ("post", "password/reset", None),
            ("patch", "", {"givenName": "Changed"}),
            ("patch", "", {"status": "disabled"}),
            ("delete", "", None),
        ],
    )
    def test_an_admin_cannot_act_on_an_owner(self, cast, api, as_admin, method, path, body):
        url = user_url(cast.owner, path) if path else user_url(cast.owner)
        kwargs = {"json": body} if body is not None else {}
        assert_error(getattr(api, method)(url, headers=as_admin, **kwargs), 403, "owner_role_required")
        owner = User.objects.get(pk=cast.owner.user.pk)
        assert (owner.given_name, owner.status) == ("Olivia", "active")
        assert can_log_in(api, cast.owner.email, cast.owner.password)

    def test_an_owner_resets_another_owners_password(self, cast, api, as_owner):
        cast.admin.member.roles.add(directory.role("owner"))
        body = ok(api.post(user_url(cast.admin, "password/reset"), headers=as_owner))
        assert can_log_in(api, cast.admin.email, body["temporaryPassword"])

    def test_the_last_owner_is_neither_deleted_nor_disabled(self, cast):
        """Reachable only with a caller that stopped counting as an Owner after its request began (a race)."""
        second = directory.create_user("second@acme.test", STRONG, "Sam", "Second", email_verified=True)
        caller = directory.add_member(cast.org, second, [directory.role("owner")])
        access = Access.of(caller)
        Member.objects.filter(pk=caller.pk).update(status=Member.DEACTIVATED)  # no longer counts as an Owner
        target = users.user_in(cast.org, cast.owner.user.id)
        with pytest.raises(PlatformError) as deleted:
            users.delete_user(access, target)
        assert deleted.value.code == "last_owner"
        with pytest.raises(PlatformError) as disabled:
            users.update_user(access, target, {"status": "disabled"})
        assert disabled.value.code == "last_owner"
        assert User.objects.get(pk=cast.owner.user.pk).status == "active"

    def test_an_owner_cannot_delete_themselves(self, cast, api, as_owner):
        assert_error(api.delete(user_url(cast.owner), headers=as_owner), 409, "invalid_state")


class TestExternalAccounts:
    """Must show 4: an external member's account is their identity provider's."""

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("post", "mfa/reset", None),
            ("post", "password/reset", None),
            ("patch", "", {"displayName": "Changed"}),
            ("patch", "", {"email": "changed@acme.test"}),
            ("patch", "", {"status": "disabled"}),
            ("delete", "", None),
        ],
    )
    def test_external_accounts_are_refused(self, cast, api, as_admin, method, path, body):
        external(cast.member)
        url = user_url(cast.member, path) if path else user_url(cast.member)
        kwargs = {"json": body} if body is not None else {}
        assert_error(getattr(api, method)(url, headers=as_admin, **kwargs), 409, "external_account")
        assert can_log_in(api, cast.member.email, cast.member.password)

    def test_someone_of_another_organization_manages_their_own_account(self, cast, api, as_admin):
        directory.add_member(cast.other_org, cast.member.user)
        for change in ({"givenName": "Changed"}, {"status": "disabled"}):
            assert_error(api.patch(user_url(cast.member), json=change, headers=as_admin), 409, "in_use")
        assert_error(api.delete(user_url(cast.member), headers=as_admin), 409, "in_use")
        assert User.objects.get(pk=cast.member.user.pk).given_name == "Mia"


class TestDelete:
    def test_deletes_the_account_its_logins_and_memberships(self, cast, api, as_admin, login):
        login(cast.member)
        ok(api.delete(user_url(cast.member), headers=as_admin), 204)
        assert not User.objects.filter(pk=cast.member.user.pk).exists()
        assert not Login.objects.filter(user_id=cast.member.user.pk).exists()
        assert not TeamMember.objects.filter(member_id=cast.member.member.pk).exists()
        removed = Event.objects.get(type="member.removed")
        assert (removed.resource_id, removed.data["actorMemberId"]) == (cast.member.member.id, cast.admin.member.id)
        assert Event.objects.filter(type="team.member_removed").exists()
        assert_error(api.get(user_url(cast.member), headers=as_admin), 404, "not_found")


class TestResets:
    def test_mfa_reset(self, cast, api, as_admin, login):
        enroll(api, login(cast.member)["accessToken"])  # that login is live until the reset
        assert "mfaToken" in login(cast.member)  # MFA is on
        assert ok(api.get(user_url(cast.member), headers=as_admin))["mfaEnabled"] is True
        ok(api.post(user_url(cast.member, "mfa/reset"), headers=as_admin), 204)
        assert ok(api.get(user_url(cast.member), headers=as_admin))["mfaEnabled"] is False
        assert not Login.objects.filter(user=cast.member.user, revoked_at__isnull=True).exists()
        assert "accessToken" in login(cast.member)  # no MFA step any more

    def test_password_reset(self, cast, api, as_admin, login):
        token = login(cast.member)["accessToken"]
        body = ok(api.post(user_url(cast.member, "password/reset"), headers=as_admin))
        assert len(body["temporaryPassword"]) == 20
        issued_for = timezone.datetime.fromisoformat(body["expiresAt"]) - timezone.now()
        assert timedelta(hours=71) < issued_for <= timedelta(hours=72)
        assert_error(api.get("/me", headers=bearer(token)), 401, "invalid_token")
        assert not can_log_in(api, cast.member.email, cast.member.password)
        assert can_log_in(api, cast.member.email, body["temporaryPassword"])


def login_token(api, email: str, password: str) -> str:
    return ok(api.post("/auth/login", json={"email": email, "password": password}))["accessToken"]
