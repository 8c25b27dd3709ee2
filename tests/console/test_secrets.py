"""Secrets screens: the list, create, a secret's page (replace the value, revoke, edit, delete); the value never in
a page; members without manage rights; anonymous; refusals at their fields; an unreachable platform; call counts."""

import re

import httpx
import pytest
from django.test import Client

from localplatform.workloads.models import Secret
from tests.client.support import error_response, faults, on, writes_fail
from tests.console.conftest import sign_in
from tests.console.test_dashboard import text_of
from tests.console.test_teams import calls, post_actions
from tests.localplatform.workload_support import profile, secret

HX = {"HX-Request": "true"}
VALUE = "hunter2-very-secret-Value"


@pytest.fixture
def owner(signed_in, cast):
    client = signed_in(cast.owner)
    client.get("/workloads/secrets")  # learns the caller's relations once (cached in the session)
    return client


@pytest.fixture
def member(cast):
    """Mia Member, Contributor in Data Platform: sees its secrets, manages none (a client of her own)."""
    client = Client()
    assert sign_in(client, cast.member).status_code == 302
    client.get("/workloads/secrets")
    return client


def never_shows(response, value: str = VALUE) -> None:
    body = response.content.decode()
    assert value not in body, "a secret value was put in a page"
    for name, header in response.items():
        assert value not in header, f"a secret value in the {name} header"


class TestList:
    def test_the_list_shows_teams_version_references_and_status_in_two_calls(self, owner, cast):
        used = secret(cast, "warehouse-password")
        profile(cast, environment=[{"name": "PW", "source": "secret", "value": None, "secretId": used.id}])
        revoked = secret(cast, "old-token")
        revoked.revoked = True
        revoked.save()
        response = owner.get("/workloads/secrets")
        text = text_of(response)
        assert "warehouse-password" in text and "old-token" in text and "Data Platform" in text
        row = re.search(r"warehouse-password.*?</tr>", response.content.decode(), re.S)[0]
        assert ">1<" in row and "tone-success" in row  # one compute profile uses it; Active
        assert re.search(r"old-token.*?tone-danger\">Revoked", response.content.decode(), re.S)
        assert calls(response) == ["GET /me/teams", "GET /workloads/secrets"]
        assert "New secret" in text

    def test_the_pager_swaps_only_the_table(self, owner, cast):
        for index in range(51):
            secret(cast, f"s{index:02d}")
        first = owner.get("/workloads/secrets")
        assert "1\u201350 of 51" in text_of(first) and 'href="?page=2"' in first.content.decode()
        second = owner.get("/workloads/secrets?page=2", headers={**HX, "HX-Target": "secret-table"})
        assert "<h1" not in second.content.decode() and "s50" in text_of(second) and "s00" not in text_of(second)

    def test_an_empty_list_explains_and_offers_only_to_managers(self, owner, member):
        text = text_of(owner.get("/workloads/secrets"))
        assert "No secrets yet" in text and "stored encrypted" in text and "New secret" in text
        text = text_of(member.get("/workloads/secrets"))
        assert "No secrets yet" in text and "New secret" not in text

    def test_members_see_their_teams_secrets_only(self, member, cast, other_team):
        secret(cast, "ours")
        secret(cast, "theirs", team=other_team)
        text = text_of(member.get("/workloads/secrets"))
        assert "ours" in text and "theirs" not in text

    def test_anonymous_is_sent_to_sign_in(self, cast):
        for path in ("/workloads/secrets", "/workloads/secrets/new", "/workloads/secrets/ABC"):
            response = Client().get(path)
            assert response.status_code == 302 and "/sign-in" in response["Location"]

    def test_an_unreachable_platform_shows_the_unavailable_page(self, owner):
        with faults(on("/workloads/secrets", httpx.ConnectError("the platform went away"))):
            response = owner.get("/workloads/secrets")
        assert response.status_code == 503 and "Retry" in text_of(response)
        with faults(on("/workloads/secrets", error_response(503, "unavailable", "Down.", retryAfter=5))):
            table = owner.get("/workloads/secrets?page=2", headers={**HX, "HX-Target": "secret-table"})
        assert table.status_code == 503 and "Retry" in text_of(table) and "<h1" not in table.content.decode()


class TestCreate:
    def test_create_offers_the_managed_teams_and_stores_the_value_unseen(self, owner, cast, other_team):
        form = owner.get("/workloads/secrets/new")
        html = form.content.decode()
        assert 'type="password"' in html and 'autocomplete="off"' in html
        assert "Data Platform" in html and "Growth" in html
        assert calls(form) == ["GET /me/teams"]
        data = {"name": "warehouse-password", "description": "The DWH", "value": VALUE, "team_ids": [cast.team.id]}
        created = owner.post("/workloads/secrets/new", data)
        stored = Secret.objects.get(name="warehouse-password")
        assert created["Location"] == f"/workloads/secrets/{stored.id}"
        never_shows(created)
        page = owner.get(created["Location"])
        never_shows(page)
        assert "Secret “warehouse-password” stored." in text_of(page) and "v1" in text_of(page)

    def test_a_refused_form_keeps_everything_but_the_value(self, owner, cast):
        secret(cast, "taken")
        data = {"name": "taken", "description": "Kept words", "value": VALUE, "team_ids": [cast.team.id]}
        refused = owner.post("/workloads/secrets/new", data, headers=HX)
        assert refused.status_code == 422
        never_shows(refused)
        text = text_of(refused)
        assert "Another secret already has this name." in text and "Enter it again" in text
        assert 'value="taken"' in refused.content.decode() and "Kept words" in text

    def test_a_name_the_platform_refuses_lands_at_the_name(self, owner, cast):
        data = {"name": "9 bad name", "value": VALUE, "team_ids": [cast.team.id]}
        refused = owner.post("/workloads/secrets/new", data, headers=HX)
        assert refused.status_code == 422 and 'id="id_name_error"' in refused.content.decode()
        never_shows(refused)

    def test_local_errors_drop_the_value_too(self, owner):
        refused = owner.post("/workloads/secrets/new", {"name": "ok", "value": VALUE}, headers=HX)
        assert refused.status_code == 422 and 'id="id_team_ids_error"' in refused.content.decode()
        never_shows(refused)

    def test_an_unreachable_platform_keeps_the_form_without_the_value(self, owner, cast):
        data = {"name": "kept-name", "value": VALUE, "team_ids": [cast.team.id]}
        with faults(writes_fail):
            refused = owner.post("/workloads/secrets/new", data, headers=HX)
        never_shows(refused)
        assert "nothing was saved" in text_of(refused).lower() and 'value="kept-name"' in refused.content.decode()

    def test_members_without_manage_rights_are_refused(self, member, cast):
        assert member.get("/workloads/secrets/new").status_code == 403
        data = {"name": "sneaky", "value": VALUE, "team_ids": [cast.team.id]}
        assert member.post("/workloads/secrets/new", data).status_code == 403
        assert not Secret.objects.filter(name="sneaky").exists()


class TestDetail:
    def test_the_page_shows_metadata_and_actions_in_two_calls(self, owner, cast):
        record = secret(cast, value=VALUE)
        page = owner.get(f"/workloads/secrets/{record.id}")
        never_shows(page)
        text = text_of(page)
        assert "warehouse-password" in text and "Data Platform" in text and "0 compute profiles" in text
        assert "Replace the value" in text and "also clears a revocation" in text
        assert sorted(post_actions(page)) == sorted(
            f"/workloads/secrets/{record.id}/{action}" for action in ("value", "revoke", "delete")
        )
        assert "every session, run and notebook start that needs it fails" in text.lower()
        assert calls(page) == [f"GET /workloads/secrets/{record.id}", "GET /me/teams"]

    def test_members_read_without_actions_and_get_the_platform_403(self, member, cast):
        record = secret(cast, value=VALUE)
        page = member.get(f"/workloads/secrets/{record.id}")
        assert "warehouse-password" in text_of(page) and post_actions(page) == []
        assert "Replace the value" not in text_of(page) and "Edit" not in text_of(page)
        refused = member.post(f"/workloads/secrets/{record.id}/revoke")
        assert refused.status_code == 403 and "don't have access" in text_of(refused)
        assert not Secret.objects.get(pk=record.id).revoked
        assert member.get(f"/workloads/secrets/{record.id}/edit").status_code == 403
        assert member.post(f"/workloads/secrets/{record.id}/value", {"value": VALUE}).status_code == 403

    def test_an_unknown_secret_is_not_found(self, owner):
        assert owner.get("/workloads/secrets/NOSUCHSECRET").status_code == 404


class TestActions:
    def test_revoke_then_replace_clears_the_revocation(self, owner, cast):
        record = secret(cast)
        revoked = owner.post(f"/workloads/secrets/{record.id}/revoke", follow=True)
        text = text_of(revoked)
        assert "Secret revoked." in text and "Revoked" in text and "fail until a new value is stored" in text
        again = owner.post(f"/workloads/secrets/{record.id}/revoke", follow=True)
        assert "already revoked" in text_of(again).lower()
        replaced = owner.post(f"/workloads/secrets/{record.id}/value", {"value": VALUE}, follow=True)
        never_shows(replaced)
        assert "New value stored." in text_of(replaced) and "v2" in text_of(replaced)
        assert not Secret.objects.get(pk=record.id).revoked

    def test_an_empty_new_value_is_refused_in_the_page(self, owner, cast):
        record = secret(cast)
        refused = owner.post(
            f"/workloads/secrets/{record.id}/value", {"value": ""}, headers={**HX, "HX-Target": "secret-page"}
        )
        assert refused.status_code == 422 and 'id="id_value_error"' in refused.content.decode()
        assert "<h1" in refused.content.decode() and "<html" not in refused.content.decode()

    def test_edit_name_description_and_teams(self, owner, cast, other_team):
        record = secret(cast)
        form = owner.get(f"/workloads/secrets/{record.id}/edit")
        assert 'value="warehouse-password"' in form.content.decode() and "Growth" in text_of(form)
        assert calls(form) == [f"GET /workloads/secrets/{record.id}", "GET /me/teams"]
        data = {"name": "dwh-password", "description": "Renamed", "team_ids": [cast.team.id, other_team.id]}
        saved = owner.post(f"/workloads/secrets/{record.id}/edit", data, follow=True)
        text = text_of(saved)
        assert "Secret updated." in text and "dwh-password" in text and "Growth" in text

    def test_removing_a_team_that_uses_it_is_refused_in_the_form(self, owner, cast, other_team):
        record = secret(cast)
        profile(cast, environment=[{"name": "PW", "source": "secret", "value": None, "secretId": record.id}])
        data = {"name": "warehouse-password", "description": "", "team_ids": [other_team.id]}
        refused = owner.post(f"/workloads/secrets/{record.id}/edit", data, headers=HX)
        assert refused.status_code == 422 and 'id="secret-form-alert"' in refused.content.decode()
        assert (
            "form-alert" in refused.content.decode()
            and "hidden" not in re.search(r'<div id="secret-form-alert"[^>]*>', refused.content.decode())[0]
        )

    def test_delete_and_in_use(self, owner, cast):
        used = secret(cast, "used")
        profile(cast, environment=[{"name": "PW", "source": "secret", "value": None, "secretId": used.id}])
        refused = owner.post(f"/workloads/secrets/{used.id}/delete", follow=True)
        assert "Not deleted." in text_of(refused) and refused.redirect_chain[-1][0] == f"/workloads/secrets/{used.id}"
        free = secret(cast, "free")
        deleted = owner.post(f"/workloads/secrets/{free.id}/delete", headers=HX)
        assert '"path": "/workloads/secrets"' in deleted["HX-Location"]
        assert "free" not in text_of(owner.get("/workloads/secrets"))
