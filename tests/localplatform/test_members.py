"""GET /org/members (§3.13.1): filters, sort, paging, included objects and query counts."""

from urllib.parse import urlencode

import pytest

from localplatform.identity.models import Member
from localplatform.identity.services import directory, members
from localplatform.identity.services import teams as team_service
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok


@pytest.fixture
def headers(cast, login):
    return bearer(login(cast.member)["accessToken"])


def search(api, headers, **params):
    return ok(api.get("/org/members?" + urlencode(params), headers=headers))


def emails(body):
    by_id = {m["id"]: m["email"] for m in body["included"]["members"]}
    return [by_id[row["memberId"]] for row in body["items"]]


def add(cast, email, given, family, role="member", display_name=None, **kwargs):
    user = directory.create_user(email, None, given, family, display_name, email_verified=True)
    return directory.add_member(cast.org, user, [directory.role(role)], **kwargs)


def test_rows_and_included_objects(cast, api, headers):
    body = search(api, headers)
    assert body["total"] == 3
    assert emails(body) == ["admin@acme.test", "member@acme.test", "owner@acme.test"]  # by display name
    mia = next(row for row in body["items"] if row["memberId"] == cast.member.member.id)
    assert mia == {
        "memberId": cast.member.member.id,
        "roleIds": [directory.role("member").id],
        "teamIds": [cast.team.id],
    }
    # An allTeams role implies every team; teamIds list explicit memberships only.
    admin = next(row for row in body["items"] if row["memberId"] == cast.admin.member.id)
    assert admin["teamIds"] == []
    assert [r["key"] for r in body["included"]["roles"]] == ["owner", "admin", "billing_viewer", "auditor", "member"]
    assert body["included"]["teams"] == [
        {"team": body["included"]["teams"][0]["team"], "memberCount": 2},
    ]
    assert body["included"]["teams"][0]["team"]["name"] == "Data Platform"
    member = next(m for m in body["included"]["members"] if m["id"] == cast.member.member.id)
    assert member["userId"] == cast.member.user.id and member["displayName"] == "Mia Member"


def test_sort_by_name_and_email_is_case_insensitive_with_ties_by_id(cast, api, headers):
    add(cast, "zed@acme.test", "aaron", "zed")
    add(cast, "Bea@acme.test", "Bea", "Bright")
    twin_a = add(cast, "twin1@acme.test", "Twin", "Same")
    twin_b = add(cast, "twin2@acme.test", "Twin", "Same")
    by_name = emails(search(api, headers, sortBy="name"))
    assert by_name[:3] == ["zed@acme.test", "admin@acme.test", "bea@acme.test"]  # aaron, adam, bea
    twins = [e for e in by_name if e.startswith("twin")]
    expected_twins = [m.user.email for m in sorted([twin_a, twin_b], key=lambda m: m.id)]
    assert twins == expected_twins
    assert emails(search(api, headers, sortBy="email"))[:2] == ["admin@acme.test", "bea@acme.test"]
    assert emails(search(api, headers, sortBy="email", sortDirection="desc"))[0] == "zed@acme.test"


def test_search_matches_names_and_email_case_insensitively(cast, api, headers):
    add(cast, "p.ng@acme.test", "Priya", "Ng", display_name="P. Ng")
    assert emails(search(api, headers, **{"filter[search]": "MIA"})) == ["member@acme.test"]
    assert emails(search(api, headers, **{"filter[search]": "priya"})) == ["p.ng@acme.test"]  # given name
    assert emails(search(api, headers, **{"filter[search]": "p. ng"})) == ["p.ng@acme.test"]  # display name
    assert emails(search(api, headers, **{"filter[search]": "ADMIN@ACME"})) == ["admin@acme.test"]
    assert search(api, headers, **{"filter[search]": "nobody"})["total"] == 0


def test_filter_by_role(cast, api, headers):
    body = search(api, headers, **{"filter[roleId]": directory.role("admin").id})
    assert emails(body) == ["admin@acme.test"]
    # Unknown, or of the wrong kind: matches nothing.
    assert search(api, headers, **{"filter[roleId]": "NOSUCHROLE"})["total"] == 0
    assert search(api, headers, **{"filter[roleId]": directory.role("contributor").id})["total"] == 0


def test_filter_by_team_includes_inherited_members(cast, api, headers):
    auditor = add(cast, "audrey@acme.test", "Audrey", "Auditor", role="auditor")
    body = search(api, headers, **{"filter[teamId]": cast.team.id})
    assert emails(body) == ["admin@acme.test", "member@acme.test", "owner@acme.test"]
    assert auditor.id not in [row["memberId"] for row in body["items"]]
    assert search(api, headers, **{"filter[teamId]": "NOSUCHTEAM"})["total"] == 0
    globex_team = team_service.create_team(cast.other_org, "Globex Ops", cast.outsider.member)
    assert search(api, headers, **{"filter[teamId]": globex_team.id})["total"] == 0


def test_filter_by_account_type_and_status(cast, api, headers):
    external = add(cast, "ext@partner.test", "Eve", "External", account_type=Member.EXTERNAL)
    members.deactivate_member(cast.admin.member)
    assert emails(search(api, headers, **{"filter[accountType]": "external"})) == ["ext@partner.test"]
    assert emails(search(api, headers, **{"filter[status]": "deactivated"})) == ["admin@acme.test"]
    active = search(api, headers, **{"filter[status]": "active", "filter[accountType]": "managed"})
    assert emails(active) == ["member@acme.test", "owner@acme.test"]
    assert search(api, headers)["total"] == 4  # no filter: every status
    row = next(m for m in search(api, headers)["included"]["members"] if m["id"] == external.id)
    assert row["accountType"] == "external"


def test_empty_filter_values_mean_no_filter(cast, api, headers):
    assert search(api, headers, **{"filter[status]": "", "filter[roleId]": "", "filter[search]": ""})["total"] == 3


@pytest.mark.parametrize(
    "query",
    [
        "filter[status]=gone",
        "filter[accountType]=robot",
        "filter[roleId]=not-an-id",
        "filter[teamId]=abc",
        "filter[status]=active&filter[status]=deactivated",
        "filter[search]=a&filter[search]=b",
        "sortBy=joinedAt",
    ],
)
def test_malformed_filters_are_bad_requests(cast, api, headers, query):
    assert_error(api.get(f"/org/members?{query}", headers=headers), 400, "invalid_request")


def test_paging(cast, api, headers):
    for n in range(5):
        add(cast, f"p{n}@acme.test", "Paged", f"Person {n}")
    first = search(api, headers, limit=3, page=1)
    second = search(api, headers, limit=3, page=2)
    third = search(api, headers, limit=3, page=3)
    assert first["total"] == second["total"] == 8
    assert len(first["items"]) == len(second["items"]) == 3 and len(third["items"]) == 2
    assert len(set(emails(first) + emails(second) + emails(third))) == 8
    empty = search(api, headers, limit=0)
    assert empty["total"] == 8 and empty["items"] == [] and empty["included"]["members"] == []
    assert len(empty["included"]["roles"]) == 5  # the catalogue is always included


def test_outsider_sees_only_their_own_organization(cast, api, login):
    token = login(cast.outsider)["accessToken"]
    assert emails(search(api, bearer(token))) == ["oscar@globex.test"]
    response = api.get("/org/members", headers={**bearer(token), "LakeSail-Organization-Id": cast.org.id})
    assert_error(response, 403, "organization_access_denied")


def test_query_count_does_not_grow_with_the_organization(cast, api, headers, django_assert_max_num_queries):
    def count_queries():
        with django_assert_max_num_queries(100) as captured:
            search(api, headers, limit=100)
        return len(captured.captured_queries)

    search(api, headers)  # warms the role catalogue cache
    small = count_queries()
    teams = [team_service.create_team(cast.org, f"Team {n}", None) for n in range(6)]
    for n in range(60):
        member = add(cast, f"bulk{n}@acme.test", "Bulk", f"Member {n:02}", role=["member", "auditor"][n % 2])
        team_service.add_member(teams[n % 6], member)
        team_service.add_member(teams[(n + 1) % 6], member)
    large = count_queries()
    assert large == small
    with django_assert_max_num_queries(12):
        body = search(api, headers, limit=100)
    assert body["total"] == 63 and len(body["included"]["teams"]) == 7


def test_members_need_a_token(cast, api):
    assert_error(api.get("/org/members"), 401, "unauthenticated")
