"""Secrets and compute profiles in the browser: store a secret (a refused form comes back without its value), create
a compute profile that passes it to its environment, see both lists; axe and screenshots, light and dark."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from localplatform.workloads.models import Secret
from tests.e2e.test_sign_in import sign_in
from tests.localplatform.workload_support import local_cluster

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "workloads"
VALUE = "s3cr3t-from-the-browser"


def test_store_a_secret_and_use_it_in_a_compute_profile(page: Page, cast, live_server, axe_check, shoot_both):
    local_cluster(cast)
    page.goto("/sign-in")
    sign_in(page, cast.owner.email, cast.owner.password)
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()

    page.get_by_role("link", name="Secrets").click()
    expect(page.get_by_role("heading", name="No secrets yet")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="New secret").first.click()
    page.get_by_label("Name", exact=True).fill("warehouse-password")
    page.get_by_label("Description").fill("The warehouse's service account")
    page.get_by_label("Value").fill(VALUE)
    page.get_by_role("button", name="Store secret").click()  # no team chosen: refused
    expect(page.get_by_text("The value was not kept")).to_be_visible()
    expect(page.get_by_label("Value")).to_have_value("")
    expect(page.get_by_label("Name", exact=True)).to_have_value("warehouse-password")
    assert VALUE not in page.content()
    axe_check(page)
    shoot_both(page, "secret-new-refused")
    page.get_by_label("Data Platform").check()
    page.get_by_label("Value").fill(VALUE)
    page.get_by_role("button", name="Store secret").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("warehouse-password")
    expect(page.get_by_text("Secret “warehouse-password” stored.")).to_be_visible()
    assert VALUE not in page.content()
    axe_check(page)
    shoot_both(page, "secret-detail")
    page.get_by_role("button", name="Revoke").first.click()
    expect(page.locator("#revoke-dialog")).to_contain_text("fails from now on, until a new value is stored")
    axe_check(page)
    page.locator("#revoke-dialog").get_by_role("button", name="Cancel").click()

    page.get_by_role("link", name="Compute profiles").click()
    expect(page.get_by_role("heading", name="No compute profiles yet")).to_be_visible()
    page.get_by_role("link", name="New compute profile").first.click()
    page.get_by_label("Name", exact=True).fill("Standard")
    page.get_by_label("Team", exact=True).select_option(label="Data Platform")
    page.get_by_label("Cluster", exact=True).select_option(index=1)
    page.get_by_label("Driver instance type").fill("c8g.xlarge")
    page.get_by_label("Python libraries").fill("pandas==2.2.3\npyarrow")
    page.get_by_label("Variable 1, name").fill("WAREHOUSE_PASSWORD")
    page.get_by_label("Variable 1, source").select_option("secret")
    page.get_by_label("Variable 1, secret").select_option(label="warehouse-password")
    page.get_by_label("Variable 2, name").fill("WAREHOUSE_PASSWORD")
    page.get_by_label("Variable 2, typed value").fill("1")
    page.get_by_role("button", name="Create compute profile").click()  # the platform refuses row 2's name
    expect(page.locator("#id_e1_name_error")).to_have_text("Another variable has this name.")
    expect(page.get_by_label("Variable 1, name")).to_have_value("WAREHOUSE_PASSWORD")
    axe_check(page)
    shoot_both(page, "profile-new-refused")
    page.get_by_label("Variable 2, name").fill("LOG_LEVEL")
    page.get_by_role("button", name="Create compute profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard")
    env = page.get_by_role("region", name="Environment variables, scrollable")
    expect(env.get_by_role("link", name="warehouse-password")).to_be_visible()
    expect(page.get_by_text("Changes apply to the next start")).to_be_visible()
    axe_check(page)
    shoot_both(page, "profile-detail")

    page.get_by_role("link", name="Compute profiles").first.click()
    table = page.get_by_role("region", name="Compute profiles, by name")
    expect(table.get_by_role("link", name="Standard")).to_be_visible()
    expect(table).to_contain_text("4 vCPU, 8 GiB")
    axe_check(page)
    shoot_both(page, "profile-list")
    page.get_by_role("link", name="Secrets").first.click()
    table = page.get_by_role("region", name="Secrets, by name")
    expect(table.get_by_role("link", name="warehouse-password")).to_be_visible()
    expect(table.get_by_role("cell", name="1 compute profile")).to_be_visible()
    axe_check(page)
    shoot_both(page, "secret-list")
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    page.wait_for_timeout(350)  # let colour transitions finish
    axe_check(page)
    page.get_by_role("link", name="Compute profiles").first.click()
    page.get_by_role("link", name="Standard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Standard")
    page.evaluate("document.documentElement.setAttribute('data-bs-theme', 'dark')")
    page.wait_for_timeout(350)
    axe_check(page)
    assert Secret.objects.filter(name="warehouse-password").exists()
