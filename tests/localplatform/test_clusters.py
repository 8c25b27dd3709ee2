"""Clusters (§3.5): create, provision, update, destroy; health, metrics, kubeconfig; team access; /me/clusters."""

import pytest
from django.core import signing

from localplatform.events.models import Event
from localplatform.infra import clusters, simulation
from localplatform.infra.models import Cluster
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.infra_support import active_cluster, active_network, finish


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def network(cast):
    return active_network(cast)


def base(cluster) -> str:
    return f"/infra/connections/{cluster.connection_id}/clusters/{cluster.id}"


class TestCreate:
    def test_a_new_cluster_is_pending_with_the_default_node_groups_and_its_teams(self, cast, api, owner, network):
        body = {"name": "Analytics", "networkId": network.id, "teamIds": [cast.team.id]}
        detail = ok(api.post(f"/infra/connections/{network.connection_id}/clusters", json=body, headers=owner), 201)
        cluster = detail["cluster"]
        assert (cluster["externalStatus"], cluster["kind"], cluster["kubernetesVersion"]) == (
            "pending",
            "provisioned",
            "1.31",
        )
        assert cluster["nodeGroups"] == clusters.DEFAULT_NODE_GROUPS
        assert cluster["region"] == network.region and detail["teamIds"] == [cast.team.id]
        assert [t["team"]["id"] for t in detail["included"]["teams"]] == [cast.team.id]

    @pytest.mark.parametrize(
        ("groups", "field"),
        [
            ([{**clusters.DEFAULT_NODE_GROUPS[1]}], "nodeGroups"),
            ([{**clusters.DEFAULT_NODE_GROUPS[0], "capacityType": "spot"}], "nodeGroups[0].capacityType"),
            (
                [clusters.DEFAULT_NODE_GROUPS[0], {**clusters.DEFAULT_NODE_GROUPS[1], "desiredSize": 11}],
                "nodeGroups[1].desiredSize",
            ),
            ([{**clusters.DEFAULT_NODE_GROUPS[0], "instanceTypes": ["m9.huge"]}], "nodeGroups[0].instanceTypes"),
        ],
    )
    def test_node_group_rules_are_refused_at_their_field(self, api, owner, network, groups, field):
        body = {"name": "c", "networkId": network.id, "nodeGroups": groups}
        response = api.post(f"/infra/connections/{network.connection_id}/clusters", json=body, headers=owner)
        assert field in assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]

    def test_unknown_teams_and_networks_are_field_errors(self, cast, api, owner, network):
        path = f"/infra/connections/{network.connection_id}/clusters"
        bad_team = api.post(path, json={"name": "c", "networkId": network.id, "teamIds": ["NOSUCHTEAM"]}, headers=owner)
        assert "teamIds" in assert_error(bad_team, 422, "validation_failed")["details"]["fieldErrors"]
        bad_net = api.post(path, json={"name": "c", "networkId": "NOSUCHNET"}, headers=owner)
        assert "networkId" in assert_error(bad_net, 422, "validation_failed")["details"]["fieldErrors"]


class TestLifecycle:
    def test_provision_update_destroy_delete(self, cast, api, owner, network):
        cluster = clusters.create_cluster(
            network.connection, cast.owner.member, name="Analytics", network_id=network.id
        )
        accepted = ok(api.post(f"{base(cluster)}/provision", headers=owner), 202)
        stages = [r["urn"] for r in accepted["operation"]["progress"]["resources"]]
        assert any("control-plane" in urn for urn in stages)
        assert_error(api.get(f"{base(cluster)}/health", headers=owner), 409, "invalid_state")
        finish(accepted["operationId"])
        active = ok(api.get(f"/infra/clusters/{cluster.id}", headers=owner))["cluster"]
        assert active["externalStatus"] == "active" and active["endpoint"].endswith(".eks.amazonaws.com")
        assert active["externalClusterId"].startswith("lakesail-analytics-")
        assert Event.objects.filter(type="cluster.provisioned", resource_id=cluster.id).exists()
        groups = [clusters.DEFAULT_NODE_GROUPS[0], {**clusters.DEFAULT_NODE_GROUPS[1], "desiredSize": 3}]
        update = ok(
            api.patch(base(cluster), json={"kubernetesVersion": "1.31", "nodeGroups": groups}, headers=owner), 202
        )
        actions = {r["name"]: r["operation"] for r in update["operation"]["progress"]["resources"]}
        assert actions["compute"] == "update" and actions["management"] == "same"
        health = ok(api.get(f"{base(cluster)}/health", headers=owner))
        assert health["status"] == "degraded" and health["nodeGroups"][0]["issues"]
        finish(update["operationId"])
        updated = Cluster.objects.get(pk=cluster.id)
        assert updated.external_status == "active" and updated.node_groups[1]["desiredSize"] == 3
        destroyed = ok(api.post(f"{base(cluster)}/destroy", headers=owner), 202)
        assert_error(api.delete(f"/infra/clusters/{cluster.id}", headers=owner), 409, "invalid_state")
        finish(destroyed["operationId"])
        assert Cluster.objects.get(pk=cluster.id).external_status == "destroyed"
        assert api.delete(f"/infra/clusters/{cluster.id}", headers=owner).status_code == 204

    def test_a_provisioning_that_fails_at_a_stage_says_where_and_why(self, cast, api, owner, network):
        cluster = clusters.create_cluster(network.connection, cast.owner.member, name="Flaky", network_id=network.id)
        simulation.inject_failure(cluster, "node-groups", "InsufficientInstanceCapacity for c8g.2xlarge (simulated).")
        operation = finish(ok(api.post(f"{base(cluster)}/provision", headers=owner), 202)["operationId"])
        assert operation.status == "failed"
        detail = ok(api.get(f"/infra/clusters/{cluster.id}", headers=owner))
        assert detail["cluster"]["externalStatus"] == "failed"
        assert detail["cluster"]["statusMessage"].startswith(
            "Failed at the node-groups stage: InsufficientInstanceCapacity"
        )
        assert detail["included"]["operations"][0]["error"]["message"].startswith("InsufficientInstanceCapacity")
        assert Event.objects.get(type="cluster.failed", resource_id=cluster.id).data["stage"] == "node-groups"
        finish(ok(api.post(f"{base(cluster)}/destroy", headers=owner), 202)["operationId"])
        assert api.delete(f"/infra/clusters/{cluster.id}", headers=owner).status_code == 204

    def test_versions_move_one_minor_up_only(self, cast, api, owner, network):
        cluster = active_cluster(cast, network)
        down = api.patch(base(cluster), json={"kubernetesVersion": "1.29"}, headers=owner)
        assert "kubernetesVersion" in assert_error(down, 422, "validation_failed")["details"]["fieldErrors"]
        assert_error(api.patch(base(cluster), json={}, headers=owner), 422, "validation_failed")


class TestWatching:
    def test_metrics_have_one_point_per_step_and_the_same_values_twice(self, cast, api, owner):
        cluster = active_cluster(cast)
        for period, step, count in (("1h", 60, 60), ("24h", 900, 96), ("7d", 3600, 168)):
            body = ok(api.get(f"{base(cluster)}/metrics", params={"period": period}, headers=owner))
            assert body["stepSeconds"] == step and len(body["cpu"]["points"]) == count
            assert all(0 <= p["value"] <= 100 for p in body["memory"]["points"])
        again = ok(api.get(f"{base(cluster)}/metrics", params={"period": "7d"}, headers=owner))
        assert again["cpu"] == body["cpu"]
        assert_error(
            api.get(f"{base(cluster)}/metrics", params={"period": "2h"}, headers=owner), 400, "invalid_request"
        )

    def test_the_kubeconfig_names_the_endpoint_and_carries_an_hour_long_token(self, cast, api, owner, auditor, login):
        cluster = active_cluster(cast)
        body = ok(api.get(f"{base(cluster)}/kubeconfig", headers=owner))
        assert f'server: "{cluster.endpoint}"' in body["kubeconfig"]
        token = body["kubeconfig"].split('token: "')[1].split('"')[0]
        assert signing.loads(token, salt=clusters.KUBECONFIG_SALT)["cluster"] == cluster.id
        watcher = bearer(login(auditor)["accessToken"])
        assert_error(api.get(f"{base(cluster)}/kubeconfig", headers=watcher), 403, "permission_denied")
        assert ok(api.get(f"{base(cluster)}/health", headers=watcher))["status"] == "healthy"


class TestTeamsAndMyClusters:
    def test_team_links_are_idempotent_and_give_members_the_cluster(self, cast, api, owner, login, other_team):
        cluster = active_cluster(cast)
        member = bearer(login(cast.member)["accessToken"])  # Contributor of Data Platform
        assert ok(api.get("/me/clusters", headers=member))["total"] == 0
        assert_error(api.get(f"/me/clusters/{cluster.id}", headers=member), 404, "not_found")
        path = f"/infra/clusters/{cluster.id}/teams"
        body = {"teamIds": [cast.team.id, cast.team.id]}
        assert [t["team"]["id"] for t in ok(api.post(path, json=body, headers=owner))["items"]] == [cast.team.id]
        again = ok(api.post(path, json={"teamIds": [cast.team.id, other_team.id]}, headers=owner))
        assert len(again["items"]) == 2
        mine = ok(api.get("/me/clusters", headers=member))
        assert [row["id"] for row in mine["items"]] == [cluster.id]
        assert mine["included"]["clusters"][0]["name"] == "analytics"
        assert ok(api.get(f"/me/clusters/{cluster.id}", headers=member))["cluster"]["id"] == cluster.id
        team = ok(api.get(f"/org/teams/{cast.team.id}/clusters", headers=member))
        assert [row["id"] for row in team["items"]] == [cluster.id]
        listed = ok(api.get("/infra/clusters", headers=owner))
        assert listed["included"]["clusterRows"][0]["teamIds"] == [cast.team.id, other_team.id]  # by team name
        assert api.delete(f"{path}/{other_team.id}", headers=owner).status_code == 204
        assert_error(api.delete(f"{path}/{other_team.id}", headers=owner), 404, "not_found")
        bad = api.post(path, json={"teamIds": ["NOSUCHTEAM"]}, headers=owner)
        assert_error(bad, 422, "validation_failed")

    def test_the_local_cluster_is_usable_through_teams_but_not_under_infra(self, cast, api, owner, login):
        local = clusters.register_local_cluster(cast.org)
        assert clusters.register_local_cluster(cast.org).id == local.id
        assert_error(api.get(f"/infra/clusters/{local.id}", headers=owner), 404, "not_found")
        ok(api.post(f"/infra/clusters/{local.id}/teams", json={"teamIds": [cast.team.id]}, headers=owner))
        member = bearer(login(cast.member)["accessToken"])
        mine = ok(api.get("/me/clusters", headers=member))["included"]["clusters"]
        assert [(c["name"], c["kind"], c["externalStatus"]) for c in mine] == [("local", "self_registered", "active")]
        assert ok(api.get("/infra/clusters", headers=owner))["items"] == []

    def test_a_team_viewer_does_not_get_the_cluster(self, cast, api, owner, login, auditor):
        from localplatform.identity.services import directory
        from localplatform.identity.services import teams as team_service

        cluster = active_cluster(cast, team_ids=[cast.team.id])
        team_service.add_member(cast.team, auditor.member, [directory.role("viewer")])
        watcher = bearer(login(auditor)["accessToken"])
        assert ok(api.get("/me/clusters", headers=watcher))["total"] == 0  # Viewer: no CanUseClusters
        assert ok(api.get(f"/infra/clusters/{cluster.id}", headers=watcher))["cluster"]["id"] == cluster.id
