"""/me/logins, logout and refresh-token reuse (contract §3.1.9, §3.1.10, §3.3.5, §3.3.6)."""

from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


def test_logins_are_listed_with_the_current_one_marked(cast, api, login):
    first = login(cast.member)
    api.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"
    second = login(cast.member)
    items = ok(api.get("/me/logins", headers=bearer(second["accessToken"])))["items"]
    assert len(items) == 2
    current = [i for i in items if i["current"]]
    assert len(current) == 1 and current[0]["device"] == "Firefox on Linux"
    assert {i["method"] for i in items} == {"password"} and all(i["ipAddress"] for i in items)
    login(cast.admin)  # someone else's login is not listed
    assert len(ok(api.get("/me/logins", headers=bearer(first["accessToken"])))["items"]) == 2


def test_revoking_a_login_ends_its_tokens_at_once(cast, api, login):
    mine = login(cast.member)
    other = login(cast.member)
    other_id = next(
        i["id"] for i in ok(api.get("/me/logins", headers=bearer(mine["accessToken"])))["items"] if not i["current"]
    )
    ok(api.get("/me", headers=bearer(other["accessToken"])))
    assert api.delete(f"/me/logins/{other_id}", headers=bearer(mine["accessToken"])).status_code == 204
    assert_error(api.get("/me", headers=bearer(other["accessToken"])), 401, "invalid_token")
    assert_error(api.post("/auth/token/refresh", json={"refreshToken": other["refreshToken"]}), 401, "invalid_token")
    assert_error(api.delete(f"/me/logins/{other_id}", headers=bearer(mine["accessToken"])), 404, "not_found")
    ok(api.get("/me", headers=bearer(mine["accessToken"])))


def test_logins_of_others_are_not_found_and_the_current_one_can_be_revoked(cast, api, login):
    mine = login(cast.member)
    theirs = login(cast.admin)
    their_id = ok(api.get("/me/logins", headers=bearer(theirs["accessToken"])))["items"][0]["id"]
    assert_error(api.delete(f"/me/logins/{their_id}", headers=bearer(mine["accessToken"])), 404, "not_found")
    assert_error(api.delete("/me/logins/NOSUCHLOGIN", headers=bearer(mine["accessToken"])), 404, "not_found")
    assert_error(api.delete("/me/logins/bad-id", headers=bearer(mine["accessToken"])), 400, "invalid_request")
    my_id = ok(api.get("/me/logins", headers=bearer(mine["accessToken"])))["items"][0]["id"]
    assert api.delete(f"/me/logins/{my_id}", headers=bearer(mine["accessToken"])).status_code == 204
    assert_error(api.get("/me/logins", headers=bearer(mine["accessToken"])), 401, "invalid_token")
    assert_error(api.get("/me/logins"), 401, "unauthenticated")


def test_reusing_a_refresh_token_revokes_the_login(cast, api, login):
    tokens = login(cast.member)
    rotated = ok(api.post("/auth/token/refresh", json={"refreshToken": tokens["refreshToken"]}))
    reused = api.post("/auth/token/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert_error(reused, 401, "invalid_token")
    assert_error(api.get("/me", headers=bearer(rotated["accessToken"])), 401, "invalid_token")
    assert_error(api.post("/auth/token/refresh", json={"refreshToken": rotated["refreshToken"]}), 401, "invalid_token")


def test_logout_everywhere(cast, api, login):
    first, second = login(cast.member), login(cast.member)
    response = api.post("/auth/logout", json={"allLogins": True}, headers=bearer(first["accessToken"]))
    assert response.status_code == 204
    for tokens in (first, second):
        assert_error(api.get("/me", headers=bearer(tokens["accessToken"])), 401, "invalid_token")
