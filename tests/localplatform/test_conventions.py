"""Transport conventions every operation shares (§1.1, §1.2, §1.6, §1.8)."""

import pytest

from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


@pytest.fixture
def member_headers(cast, login):
    return bearer(login(cast.member)["accessToken"])


def test_unknown_route_is_a_not_found_error(cast, api, member_headers):
    body = assert_error(api.get("/org/nothing-here", headers=member_headers), 404, "not_found")
    assert body["errorType"] == "not_found"


def test_unknown_method_is_a_not_found_error(cast, api, member_headers):
    assert_error(api.delete("/me", headers=member_headers), 404, "not_found")
    assert_error(api.put("/org/settings", json={}, headers=member_headers), 404, "not_found")


def test_bad_path_id_is_a_bad_request(cast, api, member_headers):
    body = assert_error(api.get("/org/roles/not-an-id", headers=member_headers), 400, "invalid_request")
    assert body["errorType"] == "validation"
    assert_error(api.get("/org/team-roles/" + "A" * 21, headers=member_headers), 400, "invalid_request")


def test_malformed_json_is_a_bad_request(cast, api):
    response = api.post("/auth/login", content=b'{"email": ', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_request")


def test_non_object_json_is_a_bad_request(cast, api):
    response = api.post("/auth/login", content=b'["a", "b"]', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_request")


def test_wrong_content_type_is_a_bad_request(cast, api):
    response = api.post("/auth/login", content=b"email=a&password=b", headers={"Content-Type": "text/plain"})
    assert_error(response, 400, "invalid_request")


def test_body_over_one_mebibyte_is_a_bad_request(cast, api):
    response = api.post("/auth/login", json={"email": "a@acme.test", "password": "x" * (1024 * 1024)})
    assert_error(response, 400, "invalid_request")


def test_empty_body_reads_as_an_empty_object(cast, api):
    body = assert_error(api.post("/auth/login"), 422, "validation_failed")
    assert body["details"]["fieldErrors"] == {"email": "required", "password": "required"}


@pytest.mark.parametrize(
    "query",
    ["limit=101", "limit=-1", "page=0", "page=abc", "sortDirection=up", "sortBy=joinedAt"],
)
def test_bad_query_values_are_bad_requests(cast, api, member_headers, query):
    assert_error(api.get(f"/org/teams?{query}", headers=member_headers), 400, "invalid_request")


def test_unknown_query_parameters_are_ignored(cast, api, member_headers):
    ok(api.get("/org/teams?colour=blue", headers=member_headers))


def test_success_responses_carry_a_request_id(cast, api, member_headers):
    first = api.get("/org/settings", headers=member_headers)
    second = api.get("/org/settings", headers=member_headers)
    assert first.headers["LakeSail-Request-Id"] != second.headers["LakeSail-Request-Id"]
    assert first.headers["Content-Type"].startswith("application/json")


def test_permission_denied_is_an_authorization_error(cast, api, member_headers):
    response = api.patch("/org/settings", json={"requireMfa": True}, headers=member_headers)
    body = assert_error(response, 403, "permission_denied")
    assert body["errorType"] == "authorization"
