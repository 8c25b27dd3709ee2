"""/me/emails, PATCH /me (contract §3.3.2-3.3.4, §3.3.18)."""

from allauth.account.models import EmailAddress

from localplatform.identity.models import Member, User
from localplatform.identity.services import directory
from tests.conftest import PASSWORD, bearer
from tests.localplatform.account_support import last_mail, link_token
from tests.localplatform.helpers import assert_error, ok


def headers_of(api, email: str) -> dict:
    tokens = ok(api.post("/auth/login", json={"email": email, "password": PASSWORD}))
    return bearer(tokens["accessToken"])


def add_and_verify(api, headers, email: str) -> dict:
    added = ok(api.post("/me/emails", json={"email": email}, headers=headers), 201)
    ok(api.post("/auth/email/verify", json={"token": link_token(last_mail(email), "verify-email")}))
    return added


def test_list_add_verify_and_remove_addresses(cast, api):
    headers = headers_of(api, "member@acme.test")
    first = ok(api.get("/me/emails", headers=headers))
    assert [(e["email"], e["primary"], e["verified"]) for e in first["items"]] == [("member@acme.test", True, True)]
    assert "marker" not in first
    added = ok(api.post("/me/emails", json={"email": "Mia@Home.example"}, headers=headers), 201)
    assert (added["email"], added["primary"], added["verified"], added["verifiedAt"]) == (
        "mia@home.example",
        False,
        False,
        None,
    )
    token = link_token(last_mail("mia@home.example"), "verify-email")
    ok(api.post("/auth/email/verify", json={"token": token}))
    listed = ok(api.get("/me/emails", headers=headers))["items"]
    assert [e["email"] for e in listed] == ["member@acme.test", "mia@home.example"]
    assert listed[1]["verified"] and listed[1]["verifiedAt"]
    # Paging by marker.
    page = ok(api.get("/me/emails", params={"limit": 1}, headers=headers))
    assert len(page["items"]) == 1 and page["marker"]
    rest = ok(api.get("/me/emails", params={"limit": 1, "marker": page["marker"]}, headers=headers))
    assert [e["email"] for e in rest["items"]] == ["mia@home.example"] and "marker" not in rest
    assert_error(api.get("/me/emails", params={"marker": "garbage"}, headers=headers), 400, "invalid_request")
    assert api.delete(f"/me/emails/{added['id']}", headers=headers).status_code == 204
    assert [e["email"] for e in ok(api.get("/me/emails", headers=headers))["items"]] == ["member@acme.test"]
    assert_error(api.delete(f"/me/emails/{added['id']}", headers=headers), 404, "not_found")


def test_removing_an_address_kills_its_pending_link(cast, api):
    headers = headers_of(api, "member@acme.test")
    added = ok(api.post("/me/emails", json={"email": "mia@home.example"}, headers=headers), 201)
    token = link_token(last_mail("mia@home.example"), "verify-email")
    assert api.delete(f"/me/emails/{added['id']}", headers=headers).status_code == 204
    assert_error(api.post("/auth/email/verify", json={"token": token}), 422, "validation_failed")


def test_add_refuses_taken_addresses_and_more_than_ten(cast, api):
    headers = headers_of(api, "member@acme.test")
    assert_error(api.post("/me/emails", json={"email": "ADMIN@acme.test"}, headers=headers), 409, "already_exists")
    ok(api.post("/me/emails", json={"email": "mine@example.com"}, headers=headers), 201)
    other = headers_of(api, "admin@acme.test")
    assert_error(api.post("/me/emails", json={"email": "mine@example.com"}, headers=other), 409, "already_exists")
    for i in range(8):
        ok(api.post("/me/emails", json={"email": f"m{i}@example.com"}, headers=headers), 201)
    body = assert_error(
        api.post("/me/emails", json={"email": "m11@example.com"}, headers=headers), 422, "validation_failed"
    )
    assert "email" in body["details"]["fieldErrors"]
    bad = assert_error(api.post("/me/emails", json={"email": "nope"}, headers=headers), 422, "validation_failed")
    assert "email" in bad["details"]["fieldErrors"]


def test_primary_and_other_users_addresses_cannot_be_removed(cast, api):
    headers = headers_of(api, "member@acme.test")
    primary = ok(api.get("/me/emails", headers=headers))["items"][0]
    assert_error(api.delete(f"/me/emails/{primary['id']}", headers=headers), 409, "invalid_state")
    other = headers_of(api, "admin@acme.test")
    assert_error(api.delete(f"/me/emails/{primary['id']}", headers=other), 404, "not_found")
    assert_error(api.delete("/me/emails/bad-id", headers=headers), 400, "invalid_request")
    assert_error(api.get("/me/emails"), 401, "unauthenticated")


def test_patch_me_changes_names(cast, api):
    headers = headers_of(api, "member@acme.test")
    me = ok(api.patch("/me", json={"givenName": "Mila", "displayName": "Mila M."}, headers=headers))
    assert (me["user"]["givenName"], me["user"]["familyName"], me["user"]["displayName"]) == (
        "Mila",
        "Member",
        "Mila M.",
    )
    assert me["member"]["displayName"] == "Mila M."
    assert Member.objects.get(pk=cast.member.member.pk).sort_name == "mila m."
    unchanged = ok(api.patch("/me", json={}, headers=headers))
    assert unchanged["user"]["givenName"] == "Mila"
    blank = assert_error(api.patch("/me", json={"givenName": ""}, headers=headers), 422, "validation_failed")
    assert "givenName" in blank["details"]["fieldErrors"]
    spaces = assert_error(api.patch("/me", json={"familyName": "  "}, headers=headers), 422, "validation_failed")
    assert "familyName" in spaces["details"]["fieldErrors"]
    assert_error(api.patch("/me", json={"nickname": "x"}, headers=headers), 422, "validation_failed")
    assert_error(api.patch("/me", json={"givenName": "X"}), 401, "unauthenticated")


def test_patch_me_makes_a_verified_address_primary_for_unmanaged_users(cast, api):
    user = directory.create_user("free@example.com", PASSWORD, "Fay", "Free", email_verified=True)
    directory.add_member(cast.org, user, account_type=Member.EXTERNAL)
    headers = headers_of(api, "free@example.com")
    add_and_verify(api, headers, "fay@work.example")
    ok(api.post("/me/emails", json={"email": "unverified@example.com"}, headers=headers), 201)
    refused = api.patch("/me", json={"email": "unverified@example.com"}, headers=headers)
    assert "email" in assert_error(refused, 422, "validation_failed")["details"]["fieldErrors"]
    assert_error(api.patch("/me", json={"email": "admin@acme.test"}, headers=headers), 422, "validation_failed")
    me = ok(api.patch("/me", json={"email": "Fay@Work.example"}, headers=headers))
    assert me["user"]["email"] == "fay@work.example" and me["member"]["email"] == "fay@work.example"
    emails = ok(api.get("/me/emails", headers=headers))["items"]
    assert (emails[0]["email"], emails[0]["primary"]) == ("fay@work.example", True)
    assert EmailAddress.objects.filter(user=user, primary=True).count() == 1
    # The new primary address signs in; the old one is just another address now.
    ok(api.post("/auth/login", json={"email": "fay@work.example", "password": PASSWORD}))


def test_managed_members_cannot_change_their_email(cast, api):
    headers = headers_of(api, "member@acme.test")
    add_and_verify(api, headers, "mia@home.example")
    assert_error(api.patch("/me", json={"email": "mia@home.example"}, headers=headers), 403, "permission_denied")
    assert User.objects.get(pk=cast.member.user.pk).email == "member@acme.test"
