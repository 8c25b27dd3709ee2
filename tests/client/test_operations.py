"""Each client operation against the local platform, through the real client."""

import json
from datetime import datetime

import httpx
import pytest

from console.client import auth, members, roles, teams
from console.client.base import Platform
from console.client.errors import NotFound
from console.client.models.auth import MfaChallenge, TokenResponse
from console.client.organization import describe_settings
from console.client.users import describe_me
from localplatform.identity.services import directory
from localplatform.identity.services import teams as team_service
from tests.client.support import faults, on


def test_login_returns_tokens_for_the_default_organization(cast):
    result = auth.login(Platform.anonymous(), email="OWNER@acme.test", password=cast.owner.password)
    assert isinstance(result, TokenResponse)
    assert result.organization_id == cast.org.id
    assert result.expires_in == 900 and result.token_type == "Bearer"
    assert result.mfa_enrollment_required is False


def test_login_into_a_chosen_organization(cast):
    directory.add_member(cast.other_org, cast.member.user)
    result = auth.login(
        Platform.anonymous(), email=cast.member.email, password=cast.member.password, organization_id=cast.other_org.id
    )
    assert result.organization_id == cast.other_org.id


def test_login_parses_an_mfa_challenge(cast):
    challenge = {"mfaRequired": True, "mfaToken": "mfa-token-text", "methods": ["totp"], "expiresIn": 300}
    with faults(on("/auth/login", httpx.Response(200, json=challenge))):
        result = auth.login(Platform.anonymous(), email=cast.member.email, password=cast.member.password)
    assert isinstance(result, MfaChallenge)
    assert result.methods == ["totp"]


def test_get_me(platform_for, cast):
    me = describe_me(platform_for(cast.member))
    assert me.user.email == cast.member.email
    assert me.user.display_name == "Mia Member"
    assert me.organization.id == cast.org.id
    assert me.member.id == cast.member.member.id
    assert [entry.organization.name for entry in me.organizations] == ["Acme Analytics"]
    assert isinstance(me.user.created_at, datetime) and me.user.created_at.tzinfo is not None


def test_list_roles_and_describe_role(platform_for, cast):
    platform = platform_for(cast.member)
    page = roles.list_roles(platform)
    assert page.total == 5
    names = [summary.role.name for summary in page.items]
    assert names == sorted(names, key=str.lower)
    owner = next(summary for summary in page.items if summary.role.key == "owner")
    assert owner.member_count == 1 and owner.role.break_glass and owner.role.all_teams
    detail = roles.describe_role(platform, owner.role.id)
    assert detail.role.id == owner.role.id
    assert len(detail.permissions) == detail.permission_count
    assert all(bundle.relations for bundle in detail.bundles)


def test_list_roles_search_and_paging(platform_for, cast):
    platform = platform_for(cast.member)
    assert [s.role.key for s in roles.list_roles(platform, search="billing").items] == ["billing_viewer"]
    first = roles.list_roles(platform, limit=2, sort_direction="desc")
    second = roles.list_roles(platform, page=2, limit=2, sort_direction="desc")
    assert first.total == second.total == 5
    assert len(first.items) == len(second.items) == 2
    assert not {s.role.id for s in first.items} & {s.role.id for s in second.items}


def test_team_roles(platform_for, cast):
    platform = platform_for(cast.member)
    page = roles.list_team_roles(platform)
    assert {summary.role.key for summary in page.items} == {"team_admin", "contributor", "viewer"}
    contributor = next(summary for summary in page.items if summary.role.key == "contributor")
    assert contributor.member_count == 1
    assert roles.describe_team_role(platform, contributor.role.id).role.scope == "team"
    with pytest.raises(NotFound):
        roles.describe_role(platform, contributor.role.id)


def test_list_permissions(platform_for, cast):
    permissions = auth.list_permissions(platform_for(cast.member))
    relations = [permission.relation for permission in permissions]
    assert relations == sorted(relations)
    assert "CanManageUsers" in relations
    assert any(permission.system_only for permission in permissions)


def test_get_settings(platform_for, cast):
    settings = describe_settings(platform_for(cast.member))
    assert settings.organization_id == cast.org.id
    assert settings.organization_name == "Acme Analytics"
    assert settings.session_lifetime_minutes == 720
    assert settings.default_role_id == directory.role("member").id


def test_search_members_joins_rows_with_included(platform_for, cast):
    platform = platform_for(cast.admin)
    page = members.list_members(platform)
    assert page.total == 3
    by_email = {entry.member.email: entry for entry in page.rows}
    assert list(by_email) == ["admin@acme.test", "member@acme.test", "owner@acme.test"]  # by display name
    mia = by_email["member@acme.test"]
    assert mia.member.id == mia.row.member_id == cast.member.member.id
    assert [role.key for role in mia.roles] == ["member"]
    assert [team.team.name for team in mia.teams] == ["Data Platform"]
    assert not mia.all_teams and by_email["owner@acme.test"].all_teams
    assert {role.key for role in page.included.roles} == {"owner", "admin", "billing_viewer", "auditor", "member"}
    assert platform.calls == 1


def test_search_members_filters(platform_for, cast):
    platform = platform_for(cast.owner)
    emails = lambda page: [entry.member.email for entry in page.rows]  # noqa: E731
    assert emails(members.list_members(platform, search="MIA")) == ["member@acme.test"]
    assert emails(members.list_members(platform, role_id=directory.role("admin").id)) == ["admin@acme.test"]
    assert set(emails(members.list_members(platform, team_id=cast.team.id))) >= {"member@acme.test"}
    assert emails(members.list_members(platform, status="deactivated")) == []
    assert len(emails(members.list_members(platform, account_type="managed"))) == 3
    assert emails(members.list_members(platform, sort_by="email", sort_direction="desc", limit=1)) == [
        "owner@acme.test"
    ]


def test_search_members_sends_filters_in_deep_object_style(platform_for, cast):
    platform = platform_for(cast.owner)
    with faults(lambda request: None) as injected:
        members.list_members(platform, search="ann", role_id="A1B2C3D4E5", status="active", page=2, limit=10)
    params = injected.requests[0].url.params
    assert params["filter[search]"] == "ann"
    assert params["filter[roleId]"] == "A1B2C3D4E5"
    assert params["filter[status]"] == "active"
    assert "filter[teamId]" not in params and "filter[accountType]" not in params
    assert (params["page"], params["limit"], params["sortBy"], params["sortDirection"]) == ("2", "10", "name", "asc")


def test_join_never_relies_on_included_order(platform_for, cast):
    """The platform may list included objects in any order: shuffle them and the rows stay right."""
    platform = platform_for(cast.owner)
    inner = None

    def reversed_included(request):
        response = inner.handle_request(request)
        body = json.loads(response.read())
        for key in body["included"]:
            body["included"][key].reverse()
        return httpx.Response(200, json=body)

    with faults(on("/org/members", reversed_included)) as injected:
        inner = injected.inner
        page = members.list_members(platform)
    for entry in page.rows:
        assert entry.member.id == entry.row.member_id
        assert [role.id for role in entry.roles] == entry.row.role_ids
        assert [team.team.id for team in entry.teams] == entry.row.team_ids


def test_list_teams(platform_for, cast):
    platform = platform_for(cast.member)
    team_service.create_team(cast.org, "Analytics", cast.owner.member, "Dashboards and reports.")
    page = teams.list_teams(platform)
    assert page.total == 2
    assert [summary.team.name for summary in page.items] == ["Analytics", "Data Platform"]
    assert page.items[1].member_count == 2
    assert [s.team.name for s in teams.list_teams(platform, search="lakehouse").items] == ["Data Platform"]
    assert [s.team.name for s in teams.list_teams(platform, sort_direction="desc", limit=1).items] == ["Data Platform"]
