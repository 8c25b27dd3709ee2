"""Networks (§3.16): create, provision and destroy through Operations, failures at a stage, lists, provider VPCs."""

import pytest

from localplatform.events.models import Event
from localplatform.infra import simulation
from localplatform.infra.models import Network, Operation
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.infra_support import active_cluster, active_connection, active_network, finish


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


@pytest.fixture
def account(cast):
    return active_connection(cast)


def create(api, owner, account, **body) -> dict:
    body = {"name": "main", **body}
    return ok(api.post(f"/infra/connections/{account.id}/networks", json=body, headers=owner), 201)


class TestCreate:
    def test_a_new_network_is_pending_in_the_accounts_region_with_the_default_cidr(self, api, owner, account):
        detail = create(api, owner, account)
        network = detail["network"]
        assert (network["status"], network["region"], network["config"]) == (
            "pending",
            "us-east-1",
            {"cidr": "10.0.0.0/16"},
        )
        assert network["providerNetworkId"] is None and network["iacState"] is None
        assert [c["id"] for c in detail["included"]["connections"]] == [account.id]

    @pytest.mark.parametrize("cidr", ["10.0.0.0/8", "10.0.0.0/25", "8.8.0.0/16", "10.0.0.1/16", "nonsense"])
    def test_the_cidr_must_be_a_private_block_from_16_to_24(self, api, owner, account, cidr):
        response = api.post(
            f"/infra/connections/{account.id}/networks", json={"name": "n", "config": {"cidr": cidr}}, headers=owner
        )
        assert "config.cidr" in assert_error(response, 422, "validation_failed")["details"]["fieldErrors"]

    def test_names_are_unique_and_the_account_must_be_active(self, cast, api, owner, account):
        create(api, owner, account)
        again = api.post(f"/infra/connections/{account.id}/networks", json={"name": "MAIN"}, headers=owner)
        assert_error(again, 409, "already_exists")
        pending = ok(
            api.post(
                "/infra/connections",
                json={"name": "New", "provider": "AWS", "region": "us-east-1", "accountId": "111122223333"},
                headers=owner,
            ),
            201,
        )["connection"]
        refused = api.post(f"/infra/connections/{pending['id']}/networks", json={"name": "x"}, headers=owner)
        assert_error(refused, 409, "invalid_state")


class TestLifecycle:
    def test_provision_then_destroy_then_delete(self, cast, api, owner, account):
        nid = create(api, owner, account)["network"]["id"]
        path = f"/infra/connections/{account.id}/networks/{nid}"
        accepted = ok(api.post(f"{path}/provision", headers=owner), 202)
        operation = accepted["operation"]
        assert operation["operation"] == "network.provision" and operation["resourceId"] == nid
        assert [r["name"] for r in operation["progress"]["resources"]][:1] == ["main"]
        assert ok(api.get(path, headers=owner))["network"]["status"] == "provisioning"
        assert_error(api.post(f"{path}/provision", headers=owner), 409, "invalid_state")
        assert_error(api.delete(f"/infra/networks/{nid}", headers=owner), 409, "invalid_state")
        finish(accepted["operationId"])
        network = ok(api.get(path, headers=owner))["network"]
        assert network["status"] == "active" and network["providerNetworkId"].startswith("vpc-0")
        assert network["iacState"] == {"projectName": "lakesail", "stackName": f"network-{nid.lower()}"}
        assert len(network["iacOutputs"]["privateSubnetIds"].split(",")) == 3
        assert Event.objects.filter(type="network.provisioned", resource_id=nid).exists()
        vpcs = ok(api.get(f"/infra/connections/{account.id}/provider-networks", headers=owner))["items"]
        assert [v["vpcId"] for v in vpcs][1:] == [network["providerNetworkId"]]
        assert len(vpcs[1]["subnets"]) == 6
        destroyed = ok(api.post(f"{path}/destroy", headers=owner), 202)
        assert destroyed["operation"]["progress"]["resources"][0]["operation"] == "delete"
        finish(destroyed["operationId"])
        assert ok(api.get(path, headers=owner))["network"]["status"] == "destroyed"
        assert Event.objects.filter(type="network.destroyed", resource_id=nid).exists()
        assert api.delete(f"/infra/networks/{nid}", headers=owner).status_code == 204
        assert_error(api.get(path, headers=owner), 404, "not_found")

    def test_a_failure_at_a_stage_ends_failed_naming_it_and_destroy_then_delete_clean_up(
        self, cast, api, owner, account
    ):
        nid = create(api, owner, account)["network"]["id"]
        path = f"/infra/connections/{account.id}/networks/{nid}"
        simulation.inject_failure(Network.objects.get(pk=nid), "gateways", "NatGateway quota exceeded (simulated).")
        operation = finish(ok(api.post(f"{path}/provision", headers=owner), 202)["operationId"])
        assert operation.status == "failed" and operation.error["message"] == "NatGateway quota exceeded (simulated)."
        network = ok(api.get(path, headers=owner))
        assert network["network"]["status"] == "failed"
        assert (
            network["network"]["statusMessage"]
            == "Failed at the gateways stage: NatGateway quota exceeded (simulated)."
        )
        assert network["included"]["operations"][0]["progress"]["stage"] == "gateways"
        event = Event.objects.get(type="network.failed", resource_id=nid)
        assert event.data["stage"] == "gateways"
        finish(ok(api.post(f"{path}/destroy", headers=owner), 202)["operationId"])
        assert api.delete(f"/infra/networks/{nid}", headers=owner).status_code == 204
        assert not Operation.objects.filter(resource_id=nid, status__in=["pending", "running"]).exists()

    def test_a_network_with_a_live_cluster_is_in_use(self, cast, api, owner):
        cluster = active_cluster(cast)
        path = f"/infra/connections/{cluster.connection_id}/networks/{cluster.network_id}/destroy"
        assert_error(api.post(path, headers=owner), 409, "in_use")


class TestListsAndRename:
    def test_lists_page_newest_first_with_their_connections_and_operations(self, cast, api, owner, account):
        for name in ("a", "b", "c"):
            active_network(cast, account, name=name)
        first = ok(api.get("/infra/networks", params={"limit": 2}, headers=owner))
        assert [n["name"] for n in first["items"]] == ["c", "b"]
        assert [c["id"] for c in first["included"]["connections"]] == [account.id]
        assert len(first["included"]["operations"]) == 2
        rest = ok(api.get("/infra/networks", params={"limit": 2, "marker": first["marker"]}, headers=owner))
        assert [n["name"] for n in rest["items"]] == ["a"] and "marker" not in rest
        by_account = ok(api.get(f"/infra/connections/{account.id}/networks", headers=owner))
        assert [n["name"] for n in by_account["items"]] == ["c", "b", "a"]

    def test_rename_and_a_network_of_another_account_is_not_found(self, cast, api, owner, account):
        network = active_network(cast, account)
        renamed = api.patch(
            f"/infra/connections/{account.id}/networks/{network.id}", json={"name": "core"}, headers=owner
        )
        assert ok(renamed)["network"]["name"] == "core"
        other = active_connection(cast, name="Staging")
        assert_error(api.get(f"/infra/connections/{other.id}/networks/{network.id}", headers=owner), 404, "not_found")
