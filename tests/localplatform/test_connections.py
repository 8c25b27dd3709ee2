"""Cloud-account connections (§3.15): create, template, verify with its checks, sync, discover, list, delete."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from localplatform.events.models import Event
from localplatform.infra import simulation
from localplatform.infra.models import Connection
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.infra_support import active_connection, active_network, finish

NEW = {"name": "Production", "provider": "AWS", "region": "eu-west-1", "accountId": "210987654321"}


@pytest.fixture
def owner(cast, login):
    return bearer(login(cast.owner)["accessToken"])


def create(api, owner, **changes) -> dict:
    return ok(api.post("/infra/connections", json={**NEW, **changes}, headers=owner), 201)


class TestCreateAndTemplate:
    def test_a_new_account_is_pending_with_a_quick_create_link_naming_every_parameter(self, api, owner):
        body = create(api, owner)
        connection, template = body["connection"], body["template"]
        assert connection["status"] == "pending" and "simulated" in connection["statusMessage"]
        assert connection["providerConfig"] == {
            "accountId": "210987654321",
            "region": "eu-west-1",
            "roleArn": None,
            "externalIdSecretArn": None,
            "stackArn": None,
        }
        assert template["stackName"] == f"lakesail-connection-{connection['id'].lower()}"
        parameters = template["parameters"]
        assert parameters["IamRoleName"] == f"LakeSail-{connection['id']}"
        assert len(parameters["LakeSailExternalID"]) == 36
        link = urlsplit(template["quickCreateUrl"])
        assert link.netloc == "eu-west-1.console.aws.amazon.com"
        query = parse_qs(link.fragment.split("?", 1)[1])
        assert query["stackName"] == [template["stackName"]]
        assert {key: values[0] for key, values in query.items() if key.startswith("param_")} == {
            f"param_{k}": v for k, v in parameters.items()
        }

    @pytest.mark.parametrize(
        ("changes", "field"),
        [({"accountId": "12345"}, "accountId"), ({"region": "mars-1"}, "region"), ({"region": "af-south-1"}, "region")],
    )
    def test_bad_input_is_refused_at_its_field(self, api, owner, changes, field):
        body = assert_error(
            api.post("/infra/connections", json={**NEW, **changes}, headers=owner), 422, "validation_failed"
        )
        assert field in body["details"]["fieldErrors"]

    def test_names_are_unique_whatever_their_case(self, api, owner):
        create(api, owner)
        assert_error(
            api.post("/infra/connections", json={**NEW, "name": "PRODUCTION"}, headers=owner), 409, "already_exists"
        )

    def test_the_download_is_a_cloudformation_file_with_the_parameters_as_defaults(self, api, owner):
        body = create(api, owner)
        cid = body["connection"]["id"]
        response = api.get(f"/infra/connections/{cid}/template/download", headers=owner)
        assert response.status_code == 200
        assert (
            response.headers["Content-Disposition"] == f'attachment; filename="lakesail-connection-{cid}.template.json"'
        )
        document = json.loads(response.content)
        defaults = {name: spec["Default"] for name, spec in document["Parameters"].items()}
        assert defaults == body["template"]["parameters"]
        assert "LakeSailRole" in document["Resources"]


class TestVerify:
    def test_passing_checks_activate_it_hide_the_external_id_and_start_discovery(self, cast, api, owner):
        cid = create(api, owner)["connection"]["id"]
        result = ok(api.post(f"/infra/connections/{cid}/verify", headers=owner))
        assert result["verified"] is True
        assert [c["name"] for c in result["checks"]] == [
            "assume_role",
            "permission_boundary",
            "stack_outputs",
            "region_enabled",
        ]
        assert {c["status"] for c in result["checks"]} == {"passed"}
        config = result["connection"]["providerConfig"]
        assert config["roleArn"] == f"arn:aws:iam::210987654321:role/LakeSail-{cid}"
        assert config["stackArn"].startswith("arn:aws:cloudformation:eu-west-1:210987654321:stack/")
        assert result["connection"]["status"] == "active"
        template = ok(api.get(f"/infra/connections/{cid}/template", headers=owner))
        assert template["parameters"]["LakeSailExternalID"] is None
        connection = Connection.objects.get(pk=cid)
        discovered = finish(connection.operation)
        assert discovered.operation == "connection.discover" and discovered.status == "succeeded"
        assert {"items", "metadata"} <= set(discovered.result)
        assert Connection.objects.get(pk=cid).last_used_at is not None
        assert Event.objects.filter(type="connection.verified", resource_id=cid).count() == 1

    def test_a_failing_check_fails_the_connection_and_a_retry_passes(self, cast, api, owner):
        cid = create(api, owner)["connection"]["id"]
        simulation.inject_failure(Connection.objects.get(pk=cid), "permission_boundary")
        result = ok(api.post(f"/infra/connections/{cid}/verify", headers=owner))
        assert result["verified"] is False
        failed = [c for c in result["checks"] if c["status"] == "failed"]
        assert [c["name"] for c in failed] == ["permission_boundary"] and failed[0]["message"]
        assert result["connection"]["status"] == "failed"
        assert "permission_boundary" in result["connection"]["statusMessage"]
        assert Event.objects.filter(type="connection.failed", resource_id=cid).exists()
        template = ok(api.get(f"/infra/connections/{cid}/template", headers=owner))
        assert template["parameters"]["LakeSailExternalID"]  # still shown: never verified
        again = ok(api.post(f"/infra/connections/{cid}/verify", json={}, headers=owner))
        assert again["verified"] is True

    def test_hints_must_be_arns_of_this_account(self, api, owner):
        cid = create(api, owner)["connection"]["id"]
        bad = api.post(f"/infra/connections/{cid}/verify", json={"roleArn": "role/x"}, headers=owner)
        assert "roleArn" in assert_error(bad, 422, "validation_failed")["details"]["fieldErrors"]
        other = ok(
            api.post(
                f"/infra/connections/{cid}/verify", json={"roleArn": "arn:aws:iam::999999999999:role/x"}, headers=owner
            )
        )
        assert other["verified"] is False and other["checks"][0]["status"] == "failed"


class TestSyncDiscoverAndList:
    def test_a_template_sync_runs_as_an_operation(self, cast, api, owner):
        connection = active_connection(cast)
        accepted = ok(api.post(f"/infra/connections/{connection.id}/template/sync", headers=owner), 202)
        assert accepted["operation"]["operation"] == "connection.template_sync"
        assert Connection.objects.get(pk=connection.id).status == "updating"
        assert_error(api.post(f"/infra/connections/{connection.id}/verify", headers=owner), 409, "invalid_state")
        finish(accepted["operationId"])
        synced = ok(api.get(f"/infra/connections/{connection.id}", headers=owner))["connection"]
        assert synced["status"] == "active" and synced["templateSyncedAt"]
        assert "simulated" in synced["templateSyncMessage"]

    def test_a_pending_account_cannot_be_synced_or_list_instance_types(self, api, owner):
        cid = create(api, owner)["connection"]["id"]
        assert_error(api.post(f"/infra/connections/{cid}/template/sync", headers=owner), 409, "invalid_state")
        assert_error(api.get(f"/infra/connections/{cid}/instance-types", headers=owner), 409, "invalid_state")

    def test_instance_types_filter_and_sort(self, cast, api, owner):
        connection = active_connection(cast)
        query = {"architecture": "arm64", "minVcpus": 4, "minMemoryMiB": 16384, "limit": 5}
        items = ok(api.get(f"/infra/connections/{connection.id}/instance-types", params=query, headers=owner))["items"]
        assert len(items) == 5
        assert all(i["architecture"] == "arm64" and i["vCpus"] >= 4 and i["memoryMiB"] >= 16384 for i in items)
        keys = [(i["vCpus"], i["memoryMiB"], i["instanceType"]) for i in items]
        assert keys == sorted(keys)

    def test_profile_authors_may_list_instance_types(self, cast, api, login):
        connection = active_connection(cast)
        member = bearer(login(cast.member)["accessToken"])  # Contributor of a team: CanManageWorkloadConfigs there
        assert ok(api.get(f"/infra/connections/{connection.id}/instance-types", headers=member))["items"]
        assert_error(api.get(f"/infra/connections/{connection.id}", headers=member), 403, "permission_denied")

    def test_the_list_pages_by_marker_with_each_latest_operation(self, cast, api, owner):
        for index in range(3):
            active_connection(cast, name=f"Account {index}")
        first = ok(api.get("/infra/connections", params={"limit": 2}, headers=owner))
        assert [c["name"] for c in first["items"]] == ["Account 2", "Account 1"]
        assert {o["resourceId"] for o in first["included"]["operations"]} == {c["id"] for c in first["items"]}
        rest = ok(api.get("/infra/connections", params={"limit": 2, "marker": first["marker"]}, headers=owner))
        assert [c["name"] for c in rest["items"]] == ["Account 0"] and "marker" not in rest
        assert_error(api.get("/infra/connections", params={"marker": "junk"}, headers=owner), 400, "invalid_request")

    def test_regions_list_the_fixture(self, cast, api, owner):
        connection = active_connection(cast)
        regions = ok(api.get(f"/infra/connections/{connection.id}/regions", headers=owner))["items"]
        assert {"provider": "AWS", "region": "us-east-1", "name": "US East (N. Virginia)", "available": True} in regions


class TestRenameAndDelete:
    def test_rename_and_delete_an_unused_account(self, cast, api, owner):
        cid = create(api, owner)["connection"]["id"]
        renamed = ok(api.patch(f"/infra/connections/{cid}", json={"name": "Prod (eu)"}, headers=owner))
        assert renamed["connection"]["name"] == "Prod (eu)" and renamed["networkIds"] == []
        assert api.delete(f"/infra/connections/{cid}", headers=owner).status_code == 204
        assert_error(api.get(f"/infra/connections/{cid}", headers=owner), 404, "not_found")

    def test_an_account_with_a_live_network_is_in_use(self, cast, api, owner):
        network = active_network(cast)
        response = api.delete(f"/infra/connections/{network.connection_id}", headers=owner)
        assert_error(response, 409, "in_use")
        detail = ok(api.get(f"/infra/connections/{network.connection_id}", headers=owner))
        assert detail["networkIds"] == [network.id] and detail["included"]["networks"][0]["status"] == "active"

    def test_another_organizations_account_is_not_found(self, cast, api, login):
        connection = active_connection(cast)
        outsider = bearer(login(cast.outsider)["accessToken"])
        assert_error(api.get(f"/infra/connections/{connection.id}", headers=outsider), 404, "not_found")
