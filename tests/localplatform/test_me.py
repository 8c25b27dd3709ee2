"""GET /me (§3.3.1)."""

from localplatform.identity.services import directory, members
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


def test_me_describes_the_caller_in_the_organization_in_context(cast, api, login):
    body = ok(api.get("/me", headers=bearer(login(cast.member)["accessToken"])))
    assert body["root"] == {}
    assert body["serviceAccount"] is None
    user = body["user"]
    assert (user["id"], user["email"], user["displayName"]) == (cast.member.user.id, "member@acme.test", "Mia Member")
    assert (user["memberId"], user["accountType"]) == (cast.member.member.id, "managed")
    assert user["status"] == "active" and user["emailVerified"] is True and user["mfaEnabled"] is False
    assert user["lastLoginAt"] is not None
    assert body["organization"] == {
        "id": cast.org.id,
        "name": "Acme Analytics",
        "createdAt": cast.org.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert body["member"]["id"] == cast.member.member.id
    assert body["member"]["organizationId"] == cast.org.id
    assert body["organizations"] == [
        {
            "organization": body["organization"],
            "memberId": cast.member.member.id,
            "roleIds": [directory.role("member").id],
        }
    ]


def test_organizations_list_every_active_membership(cast, api, login):
    other = directory.add_member(cast.other_org, cast.member.user, [directory.role("auditor")])
    third_owner = directory.create_user("t@initech.test", "irrelevant-password", "Tia", "Third", email_verified=True)
    third, _ = directory.create_organization("Initech", third_owner)
    members.deactivate_member(directory.add_member(third, cast.member.user))
    body = ok(api.get("/me", headers=bearer(login(cast.member, organizationId=cast.org.id)["accessToken"])))
    listed = [(o["organization"]["name"], o["memberId"], o["roleIds"]) for o in body["organizations"]]
    assert listed == [
        ("Acme Analytics", cast.member.member.id, [directory.role("member").id]),
        ("Globex", other.id, [directory.role("auditor").id]),
    ]


def test_organization_header_changes_the_context(cast, api, login):
    other = directory.add_member(cast.other_org, cast.member.user)
    token = login(cast.member, organizationId=cast.org.id)["accessToken"]
    body = ok(api.get("/me", headers={**bearer(token), "LakeSail-Organization-Id": cast.other_org.id}))
    assert body["organization"]["id"] == cast.other_org.id
    assert body["member"]["id"] == body["user"]["memberId"] == other.id


def test_foreign_organization_header_is_denied(cast, api, login):
    token = login(cast.outsider)["accessToken"]
    response = api.get("/me", headers={**bearer(token), "LakeSail-Organization-Id": cast.org.id})
    assert_error(response, 403, "organization_access_denied")


def test_me_needs_a_token(cast, api):
    assert_error(api.get("/me"), 401, "unauthenticated")
