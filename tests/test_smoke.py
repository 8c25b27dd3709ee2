def test_cast_builds(cast):
    assert cast.owner.member.roles.get().key == "owner"
    assert cast.team.memberships.count() == 2


def test_unknown_route_is_an_error_object(api):
    response = api.get("/nope")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["details"]["requestId"] == response.headers["LakeSail-Request-Id"]
