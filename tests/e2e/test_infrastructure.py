"""Infrastructure in the browser (issue 12): connect an AWS account, verify it, create and provision a network and
a cluster while the progress panels move on their own to `active` (the simulation sped up, no reload), give a
team access; a provisioning that fails at a stage, then destroy and delete; axe and screenshots, light and dark."""

import re
from pathlib import Path

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from localplatform.infra import clusters, simulation
from localplatform.infra.models import Cluster, Operation
from tests.e2e.test_sign_in import sign_in
from tests.localplatform.infra_support import active_network

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "infrastructure"


@pytest.fixture
def fast(settings):
    settings.LAKESAIL_SIM_SPEED = 120  # a cluster's six simulated minutes in three seconds


def owner_page(page: Page, cast) -> Page:
    page.goto("/sign-in")
    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    page.evaluate("window.__samePage = true")  # gone if anything reloads the page
    return page


def same_page(page: Page) -> bool:
    return page.evaluate("window.__samePage === true")


def test_connect_verify_provision_and_share(page: Page, cast, live_server, fast, axe_check, shoot_both):
    owner_page(page, cast)
    page.get_by_role("link", name="Cloud accounts").click()
    expect(page.get_by_role("heading", name="No cloud accounts yet")).to_be_visible()
    page.get_by_role("link", name="Connect an AWS account").first.click()
    page.get_by_label("Name", exact=True).fill("Production")
    page.get_by_label("AWS account ID").fill("123456789012")
    page.get_by_label("Region").fill("eu-west-1")
    shoot_both(page, "connect-step-1")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Deploy the access role")).to_be_visible()
    quick_create = page.get_by_role("link", name="Open the quick-create link in AWS")
    expect(quick_create).to_have_attribute("href", re.compile(r"^https://eu-west-1\.console\.aws\.amazon\.com/"))
    expect(quick_create).to_have_attribute("rel", "noopener noreferrer")
    axe_check(page)
    shoot_both(page, "connect-step-2")
    page.get_by_role("button", name="I deployed the stack: verify").click()
    expect(page.get_by_role("heading", name="Verification passed")).to_be_visible()
    expect(page.locator(".check-passed")).to_have_count(4)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    shoot_both(page, "connect-step-3")

    page.get_by_role("link", name="New network").click()
    page.get_by_label("Name", exact=True).fill("prod-vpc")
    page.get_by_role("button", name="Create network").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pending")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Provision").click()
    expect(page.get_by_role("heading", name="Provisioning the network")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active", timeout=20_000)

    page.get_by_role("link", name="Clusters").click()
    page.get_by_role("link", name="Create a cluster").click()
    page.get_by_label("Name", exact=True).fill("analytics")
    page.get_by_role("button", name="Create cluster").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pending")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Provision").click()
    expect(page.get_by_role("heading", name="Provisioning the cluster")).to_be_visible()
    shoot_both(page, "cluster-provisioning")
    page.evaluate("window.__samePage = true")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active", timeout=30_000)
    assert same_page(page), "the page reloaded: the panel and the header must move on their own"
    expect(page.get_by_role("heading", name="CPU and memory")).to_be_visible()
    expect(page.locator("#usage-chart svg[role=img]")).to_be_visible()
    page.get_by_role("link", name="7d").click()
    expect(page.get_by_role("link", name="7d")).to_have_attribute("aria-current", "true")

    page.get_by_label("Data Platform").check()
    page.get_by_role("button", name="Add teams").click()
    access = page.get_by_role("region", name="Team access")
    expect(access.get_by_role("link", name="Data Platform")).to_be_visible()
    axe_check(page)
    shoot_both(page, "cluster-active")
    host = re.sub(r"^https?://", "", live_server.url).split(":")[0]
    page.context.add_cookies([{"name": "theme", "value": "dark", "domain": host, "path": "/"}])
    page.reload()
    expect(page.get_by_role("heading", name="CPU and memory")).to_be_visible()
    axe_check(page)

    page.goto(f"/teams/{cast.team.id}")
    expect(page.get_by_role("region", name="Clusters").get_by_role("link", name="analytics")).to_be_visible()


def test_a_failed_provisioning_says_where_and_cleans_up(page: Page, cast, live_server, fast, axe_check, shoot_both):
    network = active_network(cast)
    cluster = clusters.create_cluster(network.connection, cast.owner.member, name="flaky", network_id=network.id)
    simulation.inject_failure(cluster, "node-groups", "InsufficientInstanceCapacity for c8g.2xlarge (simulated).")
    owner_page(page, cast)
    page.goto(f"/infrastructure/clusters/{cluster.id}")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="Provision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Failed", timeout=30_000)
    alert = page.locator(".op-panel [role=alert]")
    expect(alert).to_contain_text("Failed at the node-groups stage.")
    expect(alert).to_contain_text("InsufficientInstanceCapacity for c8g.2xlarge (simulated).")
    axe_check(page)
    shoot_both(page, "cluster-failed")

    page.get_by_role("button", name="Destroy").first.click()
    page.locator("#destroy-dialog").get_by_role("button", name="Destroy cluster").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Destroyed", timeout=30_000)
    page.get_by_role("button", name="Delete record").first.click()
    page.locator("#delete-dialog").get_by_role("button", name="Delete record").click()
    expect(page.get_by_role("heading", level=1, name="Clusters")).to_be_visible()
    expect(page.get_by_text("Cluster record deleted.")).to_be_visible()
    connection.close()  # a fresh read of what the server committed
    assert not Cluster.objects.filter(pk=cluster.id).exists()
    assert not Operation.objects.filter(resource_id=cluster.id, status__in=["pending", "running"]).exists()
