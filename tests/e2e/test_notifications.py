"""Notifications in the browser: the Slack journey to a local receiver, and every screen in light and dark."""

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from localplatform.identity.services import teams
from localplatform.notifications.models import Channel
from tests.client.support import faults, writes_fail
from tests.console.conftest import sign_in as client_sign_in
from tests.e2e.test_sign_in import sign_in
from tests.localplatform.notify_support import Receiver

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "notifications"


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_slack_channel_test_rule_toggle_and_history(page: Page, cast, live_server, receiver, axe_check):
    page.goto("/")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", name="No channels yet")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Create a channel").click()
    page.get_by_role("link", name=re.compile("^Slack")).click()
    page.get_by_label("Name").fill("Ops Slack")
    page.get_by_label("Slack webhook URL").fill(receiver.url)
    page.get_by_role("button", name="Create channel").click()
    expect(page.get_by_role("heading", name="Ops Slack", level=1)).to_be_visible()
    axe_check(page)

    page.evaluate("window.__stayed = true")  # proves the test result arrives without a page load
    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_text("Test delivered")).to_be_visible()
    assert page.evaluate("window.__stayed") is True
    assert len(receiver.requests) == 1 and b"test notification" in receiver.requests[0].body

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    page.get_by_role("link", name="Rules").click()
    page.get_by_role("link", name="Create a rule").click()
    page.get_by_label("Name").fill("Team changes")
    page.locator("summary", has_text="Team").click()
    page.get_by_label(re.compile(r"^Team created")).check()
    page.get_by_label("Ops Slack (Slack)").check()
    axe_check(page)
    page.get_by_role("button", name="Create rule").click()
    toggle = page.get_by_role("switch", name="Enabled: Team changes")
    expect(toggle).to_have_attribute("aria-checked", "true")
    axe_check(page)

    page.evaluate("window.__stayed = true")
    toggle.click()
    expect(page.get_by_role("switch", name="Enabled: Team changes")).to_have_attribute("aria-checked", "false")
    page.get_by_role("switch", name="Enabled: Team changes").click()
    expect(page.get_by_role("switch", name="Enabled: Team changes")).to_have_attribute("aria-checked", "true")
    assert page.evaluate("window.__stayed") is True

    teams.create_team(cast.org, "Analytics", cast.owner.member)  # team.created → the rule → Slack
    assert len(receiver.requests) == 2 and b"Analytics" in receiver.requests[1].body

    page.get_by_role("link", name="History").click()
    row = page.locator("tbody tr", has_text="team.created")
    expect(row).to_contain_text("Delivered")
    expect(row).to_contain_text("Team changes")
    expect(page.locator("tbody tr", has_text="notification.test")).to_contain_text("Channel test")
    row.get_by_role("link", name=re.compile("^Details")).click()
    panel = page.locator("#delivery-detail")
    expect(panel).to_contain_text('"type": "team.created"')
    expect(panel.get_by_role("table")).to_contain_text("200")
    assert page.evaluate("window.__stayed") is None  # History was a full page load; the panel was not
    axe_check(page)


def seed(cast, receiver_ok: Receiver, receiver_bad: Receiver) -> dict[str, str]:
    """Channels of every type, a rule, and deliveries in each state, made through the console's own forms."""
    client = Client()
    assert client_sign_in(client, cast.owner).status_code == 302
    forms = {
        "slack": {"name": "Ops Slack", "webhook_url": receiver_ok.url},
        "webhook": {
            "name": "Audit webhook",
            "url": receiver_bad.url,
            "signing_secret": "a-very-secret-signing-key",
            "header_count": "1",
            "header_name_0": "X-Team",
            "header_value_0": "platform",
        },
        "email": {"name": "Owner mail", "email_target": f"member:{cast.owner.member.id}"},
        "pager_duty": {
            "name": "On-call",
            "integration_key": "0123456789abcdef0123456789abcdef",
            "severity": "critical",
            "events_url": receiver_ok.url,
        },
        "rootly": {"name": "Rootly alerts", "token": "rootly-token-1234", "alert_source_url": receiver_ok.url},
    }
    ids = {}
    for kind, data in forms.items():
        response = client.post(
            f"/notifications/channels/new?type={kind}", {"type": kind, "owner": "org", "enabled": "on", **data}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        ids[kind] = response["Location"].rsplit("/", 1)[1]
    client.post(f"/notifications/channels/{ids['slack']}/test")
    client.post(f"/notifications/channels/{ids['webhook']}/test")  # 500: failed, channel failing
    rule = {
        "name": "Team changes",
        "owner": "org",
        "event_types": ["team.created", "team.deleted"],
        "scope_type": "organization",
        "channel_ids": [ids["slack"], ids["webhook"]],
        "enabled": "on",
    }
    assert client.post("/notifications/rules/new", rule).status_code == 302
    teams.create_team(cast.org, "Analytics", cast.owner.member)  # webhook answers 500: stays pending for a retry
    return ids


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_every_notification_screen(page: Page, cast, live_server, theme, axe_check):
    with Receiver() as ok, Receiver(statuses=[500]) as bad:
        page.context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
        page.goto("/")
        sign_in(page, cast.owner.email, cast.owner.password)
        page.goto("/notifications/channels")
        shot(page, f"channels-empty-{theme}")
        page.goto("/notifications/rules")
        shot(page, f"rules-empty-{theme}")
        ids = seed(cast, ok, bad)

        page.goto("/notifications/channels")
        expect(page.locator(".badge-status", has_text="Failing")).to_be_visible()
        shot(page, f"channels-list-{theme}")
        axe_check(page)
        page.goto("/notifications/channels/new")
        shot(page, f"channel-type-picker-{theme}")
        for kind in ["email", "slack", "webhook", "pager_duty", "rootly"]:
            page.goto(f"/notifications/channels/new?type={kind}")
            shot(page, f"channel-form-{kind}-{theme}")
            axe_check(page)
        page.goto(f"/notifications/channels/{ids['webhook']}")
        shot(page, f"channel-edit-webhook-{theme}")

        page.goto("/notifications/channels")
        page.locator(f"#channel-{ids['slack']}").get_by_role("button", name=re.compile("^Send test")).click()
        expect(page.get_by_text("Test delivered")).to_be_visible()
        shot(page, f"test-result-success-{theme}")
        page.goto(f"/notifications/channels/{ids['webhook']}")
        page.get_by_role("button", name="Send test").click()
        expect(page.get_by_text("Test failed")).to_be_visible()
        shot(page, f"test-result-failure-{theme}")

        page.goto("/notifications/rules")
        shot(page, f"rules-list-{theme}")
        axe_check(page)
        page.goto("/notifications/rules/new")
        page.locator("summary", has_text="Member").click()
        shot(page, f"rule-form-{theme}")
        axe_check(page)

        page.goto("/notifications/history")
        poll = page.locator("#delivery-table .delivery-poll")  # a pending row: the table refreshes itself
        expect(poll).to_have_attribute("hx-trigger", "every 3s")
        expect(poll).to_have_attribute("hx-target", "#delivery-table")
        expect(page.locator("#delivery-table .badge-status", has_text="Pending").first).to_be_visible()
        expect(page.locator("#delivery-table .badge-status", has_text="Failed").first).to_be_visible()
        shot(page, f"history-pending-failed-{theme}")
        axe_check(page)
        page.locator("tbody tr", has_text="team.created").first.get_by_role("link", name=re.compile("^Details")).click()
        expect(page.locator("#delivery-detail")).to_contain_text("Attempts")
        shot(page, f"delivery-panel-{theme}")
        href = page.locator("tbody tr").first.get_by_role("link", name=re.compile("^Details")).get_attribute("href")
        assert href
        page.goto(href)
        shot(page, f"delivery-detail-page-{theme}")
        axe_check(page)
        assert Channel.objects.filter(status="failing").exists()

        # The platform fails on submit: the form stays as typed, with the reason above it.
        page.goto("/notifications/channels/new?type=slack")
        page.get_by_label("Name").fill("Typed <name>")
        page.get_by_label("Slack webhook URL").fill("http://127.0.0.1:9/typed")
        with faults(writes_fail):
            page.get_by_role("button", name="Create channel").click()
            expect(page.locator("#channel-form-alert")).to_contain_text("nothing was saved")
        expect(page.get_by_label("Name")).to_have_value("Typed <name>")
        expect(page.get_by_label("Slack webhook URL")).to_have_value("http://127.0.0.1:9/typed")
        shot(page, f"channel-form-platform-down-{theme}")
        axe_check(page)
        page.goto("/notifications/rules")
        with faults(writes_fail):
            page.get_by_role("switch", name="Enabled: Team changes").click()
            expect(page.locator("[id$=-toggle-alert]")).to_contain_text("Nothing was saved")
        expect(page.get_by_role("switch", name="Enabled: Team changes")).to_have_attribute("aria-checked", "true")
        shot(page, f"rule-switch-platform-down-{theme}")
