"""Infrastructure screens: cloud accounts (the connect wizard), networks, clusters, the live operation panel, the
chart, and team access; permissions, refusals at their fields, an unreachable platform, and platform calls."""

import re

import pytest
from django.test import Client

from localplatform.infra import simulation
from localplatform.infra.models import Cluster, Connection, Network
from tests.client.support import assert_kept, faults, writes_fail
from tests.console.test_dashboard import text_of
from tests.console.test_teams import calls
from tests.localplatform.infra_support import active_cluster, active_connection, active_network, finish

HX = {"HX-Request": "true"}


@pytest.fixture
def owner(signed_in, cast):
    client = signed_in(cast.owner)
    client.get("/infrastructure/accounts")  # learns the caller's relations once (cached in the session)
    return client


class TestNavigationAndPermissions:
    def test_the_sidebar_offers_the_section_to_infrastructure_readers(self, signed_in, auditor):
        watcher = signed_in(auditor)
        watcher.get("/infrastructure/accounts")  # sign-in learns the relations; this test client skipped it
        text = text_of(watcher.get("/"))
        assert "Cloud accounts" in text and "Networks" in text and "Clusters" in text

    def test_the_sidebar_leaves_it_out_for_members(self, signed_in, cast):
        member = signed_in(cast.member)
        member.get("/infrastructure/accounts")
        assert "Cloud accounts" not in text_of(member.get("/"))

    @pytest.mark.parametrize(
        "path", ["/infrastructure/accounts", "/infrastructure/networks", "/infrastructure/clusters"]
    )
    def test_members_are_refused_and_anonymous_sent_to_sign_in(self, signed_in, cast, path):
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and "/sign-in" in anonymous["Location"]
        assert signed_in(cast.member).get(path).status_code == 403

    def test_auditors_read_without_actions(self, signed_in, auditor, cast):
        cluster = active_cluster(cast)
        watcher = signed_in(auditor)
        html = watcher.get(f"/infrastructure/clusters/{cluster.id}").content.decode()
        assert cluster.name in html and "Destroy" not in html and "Kubeconfig" not in html
        assert watcher.get(f"/infrastructure/clusters/{cluster.id}/kubeconfig").status_code == 403
        assert watcher.get("/infrastructure/accounts/new").status_code == 403

    def test_an_unknown_cluster_is_not_found(self, owner):
        assert owner.get("/infrastructure/clusters/NOSUCHCLUSTER").status_code == 404


class TestConnectWizard:
    def test_connect_deploy_verify(self, owner, cast):
        empty = owner.get("/infrastructure/accounts")
        assert "No cloud accounts yet" in text_of(empty) and calls(empty) == ["GET /infra/connections"]
        form = {"name": "Production", "account_id": "123456789012", "region": "eu-west-1", "iam_role_name": ""}
        created = owner.post("/infrastructure/accounts/new", form)
        assert created.status_code == 302
        connection = Connection.objects.get(name="Production")
        page = owner.get(created["Location"])
        html = page.content.decode()
        assert "Deploy the access role" in html and "eu-west-1.console.aws.amazon.com" in html
        assert connection.external_id in html  # the external id, until verified
        assert calls(page) == [
            "GET /infra/connections/" + connection.id,
            f"GET /infra/connections/{connection.id}/template",
        ]
        download = owner.get(f"/infrastructure/accounts/{connection.id}/template.json")
        assert (
            download["Content-Disposition"]
            == f'attachment; filename="lakesail-connection-{connection.id}.template.json"'
        )
        verified = owner.post(f"/infrastructure/accounts/{connection.id}/verify", headers=HX)
        text = text_of(verified)
        assert "Verification passed" in text and "LakeSail can assume the role" in text
        assert "Discovering instance types in the account" in text  # the discover operation's panel
        assert connection.external_id not in verified.content.decode()

    def test_a_failing_check_is_named_and_verify_again_is_offered(self, owner, cast):
        connection = Connection.objects.create(
            organization=cast.org, name="Staging", account_id="111122223333", region="us-east-1",
            iam_role_name="LakeSail-X", external_id="e0e0e0e0-0000-4000-8000-000000000000",
        )  # fmt: skip
        simulation.inject_failure(connection, "region_enabled", "Region us-east-1 is not enabled (simulated).")
        page = owner.post(f"/infrastructure/accounts/{connection.id}/verify")
        text = text_of(page)
        assert "Verification failed" in text and "Region us-east-1 is not enabled (simulated)." in text
        assert "I deployed the stack: verify" in text

    def test_bad_input_lands_at_its_field_and_is_kept(self, owner):
        form = {"name": "Prod", "account_id": "12345", "region": "mars-1", "iam_role_name": ""}
        refused = owner.post("/infrastructure/accounts/new", form, headers=HX)
        assert refused.status_code == 422
        assert "An AWS account ID is 12 digits." in text_of(refused)
        form["account_id"] = "123456789012"
        refused = owner.post("/infrastructure/accounts/new", form, headers=HX)
        assert (
            "is not an AWS region LakeSail supports" in text_of(refused)
            and 'value="mars-1"' in refused.content.decode()
        )

    def test_an_unreachable_platform_keeps_what_was_typed(self, owner):
        form = {"name": "Prod", "account_id": "123456789012", "region": "us-east-1", "iam_role_name": "Role"}
        with faults(writes_fail):
            response = owner.post("/infrastructure/accounts/new", form, headers=HX)
        assert_kept(response, {"name": "Prod", "account_id": "123456789012", "region": "us-east-1"})

    def test_an_account_in_use_is_not_deleted(self, owner, cast):
        network = active_network(cast)
        response = owner.post(f"/infrastructure/accounts/{network.connection_id}/delete", follow=True)
        assert "Not deleted." in text_of(response)


class TestNetworks:
    def test_create_provision_and_watch_the_panel(self, owner, cast):
        account = active_connection(cast)
        form = owner.get("/infrastructure/networks/new")
        assert account.name in text_of(form)
        refused = owner.post(
            "/infrastructure/networks/new",
            {"connection_id": account.id, "name": "main", "cidr": "8.8.0.0/16"},
            headers=HX,
        )
        assert refused.status_code == 422 and "private range" in text_of(refused)
        created = owner.post(
            "/infrastructure/networks/new", {"connection_id": account.id, "name": "main", "cidr": "10.1.0.0/16"}
        )
        network = Network.objects.get(name="main")
        assert created["Location"] == f"/infrastructure/accounts/{account.id}/networks/{network.id}"
        started = owner.post(f"{created['Location']}/provision", follow=True)
        html = started.content.decode()
        operation_id = Network.objects.get(pk=network.id).operation_id
        assert (
            "Provisioning the network" in html
            and f'hx-get="/infrastructure/operations/{operation_id}/progress"' in html
        )
        poll = owner.get(f"/infrastructure/operations/{operation_id}/progress", headers=HX)
        assert "every 3s" in poll.content.decode() and "HX-Trigger" not in poll
        assert calls(poll) == [f"GET /operations/{operation_id}"]
        finish(operation_id)
        ended = owner.get(f"/infrastructure/operations/{operation_id}/progress", headers=HX)
        assert ended["HX-Trigger"] == "operation-finished" and "every 3s" not in ended.content.decode()
        page = owner.get(created["Location"], headers={**HX, "HX-Target": "network-page"})
        assert "Active" in text_of(page) and "vpcId" in text_of(page)

    def test_a_failed_provisioning_says_the_stage_and_offers_destroy(self, owner, cast):
        account = active_connection(cast)
        from localplatform.infra import networks

        network = networks.create_network(account, cast.owner.member, name="flaky")
        simulation.inject_failure(network, "gateways", "NatGateway quota exceeded (simulated).")
        finish(networks.provision_network(network, cast.owner.member))
        text = text_of(owner.get(f"/infrastructure/accounts/{account.id}/networks/{network.id}"))
        assert "Failed at the gateways stage. NatGateway quota exceeded (simulated)." in text
        assert "Destroy" in text

    def test_the_list_names_the_account(self, owner, cast):
        network = active_network(cast)
        response = owner.get("/infrastructure/networks")
        assert network.name in text_of(response) and network.connection.name in text_of(response)
        assert calls(response) == ["GET /infra/networks"]


class TestClusters:
    def test_create_with_node_groups_errors_at_their_cell(self, owner, cast):
        network = active_network(cast)
        form = {
            "name": "analytics", "network_id": network.id, "kubernetes_version": "1.31", "team_ids": [cast.team.id],
            "g0_name": "management", "g0_instance": "m7g.large", "g0_min": 2, "g0_desired": 2, "g0_max": 3,
            "g0_capacity": "on_demand", "g1_keep": "on", "g1_name": "compute", "g1_instance": "c8g.2xlarge",
            "g1_min": 0, "g1_desired": 12, "g1_max": 10, "g1_capacity": "spot", "g2_name": "", "g2_instance": "",
            "g2_min": 0, "g2_desired": 0, "g2_max": 4, "g2_capacity": "spot",
        }  # fmt: skip
        refused = owner.post("/infrastructure/clusters/new", form, headers=HX)
        assert refused.status_code == 422
        assert re.search(r'id="id_g1_desired_error"[^>]*>The desired size must be between', refused.content.decode())
        form["g1_desired"] = 1
        created = owner.post("/infrastructure/clusters/new", form)
        cluster = Cluster.objects.get(name="analytics")
        assert created["Location"] == f"/infrastructure/clusters/{cluster.id}"
        assert [g["desiredSize"] for g in cluster.node_groups] == [2, 1]
        page = owner.get(created["Location"])
        assert "Provision" in text_of(page) and "Data Platform" in text_of(page)
        assert calls(page) == [f"GET /infra/clusters/{cluster.id}", "GET /org/teams"]

    def test_an_active_cluster_shows_health_chart_and_kubeconfig(self, owner, cast):
        cluster = active_cluster(cast)
        insights = owner.get(
            f"/infrastructure/accounts/{cluster.connection_id}/clusters/{cluster.id}/insights?period=24h", headers=HX
        )
        html = insights.content.decode()
        assert (
            'role="img"' in html and "CPU and memory use, last 24 hours" in html and "Show the data as a table" in html
        )
        assert len(calls(insights)) == 2
        kubeconfig = owner.get(f"/infrastructure/clusters/{cluster.id}/kubeconfig")
        assert kubeconfig["Content-Disposition"].endswith('.kubeconfig.yaml"')
        assert "no-cache" in kubeconfig["Cache-Control"] or "no-store" in kubeconfig["Cache-Control"]

    def test_team_access_from_the_cluster_and_the_team_page(self, owner, cast):
        cluster = active_cluster(cast)
        added = owner.post(f"/infrastructure/clusters/{cluster.id}/teams", {"team_ids": [cast.team.id]}, follow=True)
        assert "1 team can now use this cluster." in text_of(added)
        panel = owner.get(f"/teams/{cast.team.id}/clusters", headers=HX)
        assert cluster.name in text_of(panel) and "Give access to a cluster" not in text_of(panel)  # none left
        assert calls(panel) == [f"GET /org/teams/{cast.team.id}/clusters", "GET /infra/clusters"]
        removed = owner.post(f"/infrastructure/clusters/{cluster.id}/teams/{cast.team.id}/remove", {"from": "team"})
        assert removed["Location"] == f"/teams/{cast.team.id}"
        panel = owner.get(f"/teams/{cast.team.id}/clusters", headers=HX)
        assert "cannot use any cluster yet" in text_of(panel) and "Give access to a cluster" in text_of(panel)
        again = owner.post(f"/teams/{cast.team.id}/clusters/add", {"cluster_id": cluster.id})
        assert again["Location"] == f"/teams/{cast.team.id}"
        assert cluster.name in text_of(owner.get(f"/teams/{cast.team.id}/clusters", headers=HX))

    def test_members_see_the_team_clusters_without_actions(self, signed_in, cast):
        active_cluster(cast, team_ids=[cast.team.id])
        member = signed_in(cast.member)
        panel = member.get(f"/teams/{cast.team.id}/clusters", headers=HX)
        assert "analytics" in text_of(panel) and "Remove" not in text_of(panel) and "Give access" not in text_of(panel)
        assert calls(panel) == [f"GET /org/teams/{cast.team.id}/clusters"]

    def test_the_list_shows_teams_in_one_call(self, owner, cast):
        active_cluster(cast, team_ids=[cast.team.id])
        response = owner.get("/infrastructure/clusters")
        assert "Data Platform" in text_of(response) and calls(response) == ["GET /infra/clusters"]
