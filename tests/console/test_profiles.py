"""Compute profiles (the API's workload configs): the list with its team filter, create and edit with the platform's
refusals at their inputs (environment rows, the cluster, the worker group), a profile's page, delete and in use;
readers without manage rights; anonymous; an unreachable platform; call counts."""

import re

import httpx
import pytest
from django.test import Client

from localplatform.workloads.models import Notebook, WorkloadConfig
from tests.client.support import assert_kept, faults, on, writes_fail
from tests.console.conftest import sign_in
from tests.console.test_dashboard import text_of
from tests.console.test_teams import calls, post_actions
from tests.localplatform.workload_support import local_cluster, profile, secret

HX = {"HX-Request": "true"}


@pytest.fixture
def owner(signed_in, cast):
    client = signed_in(cast.owner)
    client.get("/workloads/profiles")  # learns the caller's relations once (cached in the session)
    return client


def fresh(person) -> Client:
    """A client of its own, signed in as `person`, its relations learned."""
    client = Client()
    assert sign_in(client, person).status_code == 302
    client.get("/workloads/profiles")
    return client


def form_data(cast, cluster, **changes) -> dict:
    data = {
        "name": "Standard", "description": "Everyday work", "team_id": cast.team.id, "cluster_id": cluster.id,
        "execution_mode": "standalone", "driver_instance_type": "c8g.xlarge", "max_retries": "3",
        "worker_instance_type": "", "worker_max_nodes": "2", "worker_capacity": "on_demand",
        "libraries": "pandas==2.2.3\npyarrow", "settings": "spark.sql.shuffle.partitions=64", "env_rows": "3",
        "e0_name": "", "e0_source": "literal", "e0_value": "", "e0_secret": "",
        "e1_name": "", "e1_source": "literal", "e1_value": "", "e1_secret": "",
        "e2_name": "", "e2_source": "literal", "e2_value": "", "e2_secret": "",
    }  # fmt: skip
    data.update(changes)
    return data


class TestList:
    def test_the_list_shows_team_cluster_mode_driver_and_env_in_three_calls(self, owner, cast):
        profile(cast, environment=[{"name": "A", "source": "literal", "value": "1", "secretId": None}])
        response = owner.get("/workloads/profiles")
        text = text_of(response)
        assert "Standard" in text and "Data Platform" in text and "local" in text and "Standalone" in text
        assert "c8g.2xlarge" in text and "8 vCPU, 16 GiB" in text
        assert re.search(
            r'class="num">1<span class="visually-hidden"> environment variable<', response.content.decode()
        )
        assert "workload configs" in text and "New compute profile" in text
        assert calls(response) == ["GET /me/teams", "GET /workloads/configs", "GET /me/clusters"]

    def test_the_team_filter_lives_in_the_url_and_swaps_the_table(self, owner, cast, other_team):
        profile(cast)
        page = owner.get("/workloads/profiles")
        assert 'name="teamId"' in page.content.decode() and "Growth" in text_of(page)
        swapped = owner.get(f"/workloads/profiles?teamId={other_team.id}", headers={**HX, "HX-Target": "profile-table"})
        text = text_of(swapped)
        assert "<h1" not in swapped.content.decode()
        assert "No compute profile for this team" in text and "Team: Growth" in text
        kept = owner.get(f"/workloads/profiles?teamId={cast.team.id}")
        assert "Standard" in text_of(kept)

    def test_marker_paging(self, owner, cast):
        cluster = local_cluster(cast)
        for index in range(51):
            profile(cast, f"p{index:02d}", cluster=cluster)
        first = owner.get("/workloads/profiles")
        assert "p49" in text_of(first) and "p50" not in text_of(first)
        following = re.search(r'href="(\?marker=[^"]+)"', first.content.decode())[1].replace("&amp;", "&")
        second = owner.get(f"/workloads/profiles{following}", headers={**HX, "HX-Target": "profile-table"})
        assert "p50" in text_of(second) and "p00" not in text_of(second)

    def test_an_empty_list_offers_new_only_to_those_who_manage(self, owner, signed_in, cast, auditor):
        assert "New compute profile" in text_of(owner.get("/workloads/profiles"))
        assert "New compute profile" in text_of(fresh(cast.member).get("/workloads/profiles"))  # a Contributor
        text = text_of(fresh(auditor).get("/workloads/profiles"))
        assert "No compute profiles yet" in text and "New compute profile" not in text

    def test_anonymous_is_sent_to_sign_in(self, cast):
        for path in ("/workloads/profiles", "/workloads/profiles/new", "/workloads/profiles/ABC"):
            response = Client().get(path)
            assert response.status_code == 302 and "/sign-in" in response["Location"]

    def test_an_unreachable_platform_shows_the_unavailable_page(self, owner):
        with faults(on("/workloads/configs", httpx.ConnectError("the platform went away"))):
            response = owner.get("/workloads/profiles")
        assert response.status_code == 503 and "Retry" in text_of(response)


class TestCreate:
    def test_the_form_offers_teams_clusters_with_their_teams_and_secrets(self, owner, cast):
        local_cluster(cast)
        secret(cast, "warehouse-password")
        form = owner.get("/workloads/profiles/new")
        html = form.content.decode()
        assert "local · teams: Data Platform" in html and "warehouse-password" in html
        assert 'list="instance-types"' in html and '<option value="c8g.xlarge">4 vCPU, 8 GiB</option>' in html
        assert "Only used in cluster mode" in html and "workload config" in html
        assert html.count('name="e2_name"') == 1 and 'name="e3_name"' not in html
        assert calls(form) == ["GET /me/teams", "GET /me/clusters", "GET /workloads/secrets"]

    def test_create_with_a_secret_in_the_environment(self, owner, cast):
        cluster = local_cluster(cast)
        used = secret(cast, "warehouse-password")
        data = form_data(cast, cluster, e0_name="PW", e0_source="secret", e0_secret=used.id, e1_name="MODE",
                         e1_value="fast")  # fmt: skip
        created = owner.post("/workloads/profiles/new", data)
        config = WorkloadConfig.objects.get(name="Standard")
        assert created["Location"] == f"/workloads/profiles/{config.id}"
        sail = config.config["sail"]
        assert [v["name"] for v in sail["environment"]] == ["PW", "MODE"]
        assert sail["libraries"]["python"] == ["pandas==2.2.3", "pyarrow"]
        assert sail["settings"] == {"spark.sql.shuffle.partitions": "64"}
        page = owner.get(created["Location"])
        html = page.content.decode()
        assert f'href="/workloads/secrets/{used.id}">warehouse-password</a>' in html
        assert "Changes apply to the next start" in text_of(page) and "4 vCPU, 8 GiB" in text_of(page)
        assert calls(page) == [
            f"GET /workloads/configs/{config.id}",
            "GET /me/teams",
            "GET /me/clusters",
            "GET /workloads/secrets",
        ]

    def test_a_platform_error_on_an_environment_row_lands_at_that_row_and_everything_is_kept(self, owner, cast):
        cluster = local_cluster(cast)
        # Row 2 is left empty, so the platform's environment[1] is the form's third row.
        data = form_data(cast, cluster, e0_name="DUP", e0_value="1", e2_name="DUP", e2_value="two")
        refused = owner.post("/workloads/profiles/new", data, headers=HX)
        html = refused.content.decode()
        assert refused.status_code == 422
        assert re.search(r'id="id_e2_name_error"[^>]*>Another variable has this name.', html)
        assert re.search(r'<input[^>]*name="e2_name"[^>]*aria-invalid="true"', html)
        assert 'id="id_e0_name_error"' not in html
        for value in (
            'value="DUP"',
            'value="two"',
            "pandas==2.2.3",
            "Everyday work",
            "spark.sql.shuffle.partitions=64",
        ):
            assert value in html

    def test_a_malformed_variable_name_is_said_before_sending(self, owner, cast):
        data = form_data(cast, local_cluster(cast), e1_name="bad name", e1_value="x")
        refused = owner.post("/workloads/profiles/new", data, headers=HX)
        assert re.search(r'id="id_e1_name_error"[^>]*>Use upper-case letters', refused.content.decode())
        assert calls(refused) == ["GET /me/teams", "GET /me/clusters", "GET /workloads/secrets"]

    def test_a_cluster_the_team_may_not_use_is_refused_at_the_cluster(self, owner, cast, other_team):
        cluster = local_cluster(cast)  # linked to Data Platform only
        refused = owner.post("/workloads/profiles/new", form_data(cast, cluster, team_id=other_team.id), headers=HX)
        html = refused.content.decode()
        assert refused.status_code == 422
        assert re.search(r'id="id_cluster_id_error"[^>]*>The cluster is not linked to this team.', html)

    def test_cluster_mode_needs_a_known_worker_type_at_its_field(self, owner, cast):
        cluster = local_cluster(cast)
        data = form_data(cast, cluster, execution_mode="cluster")
        refused = owner.post("/workloads/profiles/new", data, headers=HX)
        assert 'id="id_worker_instance_type_error"' in refused.content.decode()
        data["worker_instance_type"] = "x9.huge"
        refused = owner.post("/workloads/profiles/new", data, headers=HX)
        assert re.search(r'id="id_worker_instance_type_error"[^>]*>Unknown instance type', refused.content.decode())
        data["worker_instance_type"] = "r7g.xlarge"
        assert owner.post("/workloads/profiles/new", data).status_code == 302
        worker = WorkloadConfig.objects.get(name="Standard").config["sail"]["compute"]["worker"]
        assert worker["instanceType"] == "r7g.xlarge" and worker["maxNodes"] == 2

    def test_a_taken_name_is_said_at_the_name(self, owner, cast):
        cluster = local_cluster(cast)
        profile(cast, cluster=cluster)
        refused = owner.post("/workloads/profiles/new", form_data(cast, cluster), headers=HX)
        assert re.search(
            r'id="id_name_error"[^>]*>Another compute profile already has this name', refused.content.decode()
        )

    def test_an_unreachable_platform_keeps_what_was_typed(self, owner, cast):
        cluster = local_cluster(cast)
        data = form_data(cast, cluster, name="Kept", e0_name="KEEP_ME", e0_value="v")
        with faults(writes_fail):
            refused = owner.post("/workloads/profiles/new", data, headers=HX)
        assert_kept(refused, {"name": "Kept", "e0_name": "KEEP_ME", "libraries": "pandas==2.2.3"})

    def test_readers_without_manage_rights_are_refused(self, cast, auditor):
        watcher = fresh(auditor)
        assert watcher.get("/workloads/profiles/new").status_code == 403


class TestDetailEditDelete:
    def test_readers_see_no_actions_and_get_the_platform_403(self, cast, auditor):
        config = profile(cast)
        watcher = fresh(auditor)
        page = watcher.get(f"/workloads/profiles/{config.id}")
        assert "Standard" in text_of(page) and post_actions(page) == [] and "Edit" not in text_of(page)
        refused = watcher.post(f"/workloads/profiles/{config.id}/delete")
        assert refused.status_code == 403 and "don't have access" in text_of(refused)
        assert WorkloadConfig.objects.filter(pk=config.id).exists()
        assert watcher.get(f"/workloads/profiles/{config.id}/edit").status_code == 403

    def test_edit_keeps_team_and_cluster_and_offers_three_more_rows(self, owner, cast):
        config = profile(cast, environment=[{"name": "A", "source": "literal", "value": "1", "secretId": None}])
        form = owner.get(f"/workloads/profiles/{config.id}/edit")
        html = form.content.decode()
        assert 'name="team_id"' not in html and 'name="cluster_id"' not in html
        assert "Data Platform" in text_of(form) and "local" in text_of(form) and "next start" in text_of(form)
        assert 'name="e3_name"' in html and 'name="e4_name"' not in html and 'value="A"' in html
        data = form_data(cast, local_cluster(cast), name="Renamed", env_rows="4", e0_name="A", e0_value="2",
                         e3_name="", e3_source="literal", e3_value="", e3_secret="")  # fmt: skip
        saved = owner.post(f"/workloads/profiles/{config.id}/edit", data, follow=True)
        assert "Compute profile saved." in text_of(saved) and "Renamed" in text_of(saved)
        stored = WorkloadConfig.objects.get(pk=config.id)
        assert stored.config["sail"]["environment"] == [
            {"name": "A", "source": "literal", "value": "2", "secretId": None}
        ]
        assert stored.config["sail"]["compute"]["driver"]["ebsConfig"]["volumeSize"] == 100  # kept

    def test_delete_and_in_use(self, owner, cast):
        used = profile(cast, "used")
        Notebook.objects.create(organization=cast.org, member=cast.owner.member, workload_config=used, name="nb")
        refused = owner.post(f"/workloads/profiles/{used.id}/delete", follow=True)
        assert "Not deleted. A notebook uses this workload config." in text_of(refused)
        free = profile(cast, "free", cluster=local_cluster(cast))
        deleted = owner.post(f"/workloads/profiles/{free.id}/delete", follow=True)
        assert "Compute profile deleted." in text_of(deleted) and deleted.redirect_chain[-1][0] == "/workloads/profiles"

    def test_an_unknown_profile_is_not_found(self, owner):
        assert owner.get("/workloads/profiles/NOSUCHPROFILE").status_code == 404
