"""Workload configs (§3.20): defaults, the rules a schema cannot say, team ownership, immutables, in-use."""

import pytest

from localplatform.workloads.models import Notebook
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.workload_support import local_cluster, profile, secret


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def member(cast, login):
    return bearer(login(cast.member)["accessToken"])


def body(cast, cluster, **changes):
    return {"name": "Standard", "clusterId": cluster.id, "teamId": cast.team.id, "config": {"sail": {}}, **changes}


class TestCreate:
    def test_omitted_fields_take_the_documented_defaults(self, cast, api, owner):
        created = ok(api.post("/workloads/configs", json=body(cast, local_cluster(cast)), headers=owner), 201)
        sail = created["config"]["sail"]
        assert (sail["executionMode"], sail["maxRetries"], sail["compute"]["worker"]) == ("standalone", 3, None)
        assert sail["compute"]["driver"] == {
            "instanceType": "c8g.2xlarge",
            "ebsConfig": {"volumeType": "gp3", "volumeSize": 100, "iops": 3000, "throughput": 125,
                          "deleteOnTermination": True},
        }  # fmt: skip
        assert (created["teamId"], created["anonymous"], created["memberId"]) == (
            cast.team.id,
            False,
            cast.owner.member.id,
        )

    @pytest.mark.parametrize(
        ("sail", "field"),
        [
            ({"executionMode": "cluster"}, "config.sail.compute.worker"),
            ({"compute": {"worker": {"instanceType": "c8g.xlarge", "maxNodes": 2}}}, "config.sail.compute.worker"),
            ({"compute": {"driver": {"instanceType": "z9.huge"}}}, "config.sail.compute.driver.instanceType"),
            (
                {"environment": [{"name": "A", "source": "literal", "value": "1"}, {"name": "A", "source": "literal",
                                                                                     "value": "2"}]},
                "config.sail.environment[1].name",
            ),
        ],
    )  # fmt: skip
    def test_rules_fail_at_their_field(self, cast, api, owner, sail, field):
        response = api.post("/workloads/configs", json=body(cast, local_cluster(cast), config={"sail": sail}),
                            headers=owner)  # fmt: skip
        assert field in assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]

    def test_a_secret_must_be_shared_with_the_config_team(self, cast, api, owner, other_team):
        stored = secret(cast, team=other_team)
        env = [{"name": "PASSWORD", "source": "secret", "secretId": stored.id}]
        response = api.post("/workloads/configs", json=body(cast, local_cluster(cast),
                            config={"sail": {"environment": env}}), headers=owner)  # fmt: skip
        errors = assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]
        assert "not shared" in errors["config.sail.environment[0].secretId"]

    def test_the_cluster_must_be_linked_to_the_team(self, cast, api, owner, other_team):
        response = api.post("/workloads/configs", json=body(cast, local_cluster(cast, [other_team.id])), headers=owner)
        assert "clusterId" in assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]

    def test_names_are_unique(self, cast, api, owner):
        cluster = local_cluster(cast)
        ok(api.post("/workloads/configs", json=body(cast, cluster), headers=owner), 201)
        assert_error(api.post("/workloads/configs", json=body(cast, cluster, name="STANDARD"), headers=owner), 409,
                     "already_exists")  # fmt: skip


class TestChange:
    def test_update_replaces_the_config_and_refuses_immutables(self, cast, api, owner):
        config = profile(cast)
        changed = ok(api.patch(f"/workloads/configs/{config.id}", json={"config": {"sail": {"maxRetries": 5}}},
                               headers=owner))  # fmt: skip
        assert changed["config"]["sail"]["maxRetries"] == 5
        response = api.patch(f"/workloads/configs/{config.id}", json={"teamId": cast.team.id}, headers=owner)
        assert "teamId" in assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]

    def test_a_config_a_notebook_uses_cannot_be_deleted(self, cast, api, owner):
        config = profile(cast)
        Notebook.objects.create(organization=cast.org, member=cast.owner.member, workload_config=config, name="n")
        assert_error(api.delete(f"/workloads/configs/{config.id}", headers=owner), 409, "in_use")
        Notebook.objects.all().delete()
        assert api.delete(f"/workloads/configs/{config.id}", headers=owner).status_code == 204


class TestList:
    def test_sorted_by_name_with_markers_and_the_team_filter(self, cast, api, owner, other_team):
        for name in ("b", "a", "c"):
            profile(cast, name)
        first = ok(api.get("/workloads/configs?limit=2", headers=owner))
        assert [c["name"] for c in first["items"]] == ["a", "b"]
        rest = ok(api.get(f"/workloads/configs?limit=2&marker={first['marker']}", headers=owner))
        assert [c["name"] for c in rest["items"]] == ["c"] and "marker" not in rest
        assert ok(api.get(f"/workloads/configs?teamId={other_team.id}", headers=owner))["items"] == []

    def test_a_contributor_sees_the_team_configs_and_an_outsider_none(self, cast, api, member, login):
        config = profile(cast)
        assert [c["id"] for c in ok(api.get("/workloads/configs", headers=member))["items"]] == [config.id]
        outsider = bearer(login(cast.outsider)["accessToken"])
        assert_error(api.get(f"/workloads/configs/{config.id}", headers=outsider), 404, "not_found")
