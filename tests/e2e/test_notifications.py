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

    page.locator(".empty-state").get_by_role("link", name="New channel").click()
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
    page.locator(".empty-state").get_by_role("link", name="New rule").click()
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
    panel = page.get_by_role("dialog").locator("#delivery-detail")
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
        details = page.locator("tbody tr", has_text="team.created").first.get_by_role(
            "link", name=re.compile("^Details")
        )
        details.click()
        expect(page.get_by_role("dialog").locator("#delivery-detail")).to_contain_text("Attempts")
        shot(page, f"delivery-drawer-{theme}")
        axe_check(page)
        with page.expect_response(lambda r: r.request.headers.get("hx-target") == "delivery-table"):
            pass  # the table behind the drawer refreshes itself (a pending row)
        page.keyboard.press("Escape")
        expect(details).to_be_focused()  # the same link, kept through the refresh (hx-preserve)
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


def test_a_failed_delivery_redelivered_from_the_history_drawer(page: Page, cast, live_server, axe_check):
    """Must show 4: a failed delivery, redelivered to a receiver that now answers 204, ends delivered with the new
    attempt in its history; the drawer takes the focus and gives it back to the row's Details."""
    with Receiver(statuses=[500, 204]) as receiver:
        client = Client()
        assert client_sign_in(client, cast.owner).status_code == 302
        data = {"type": "webhook", "owner": "org", "enabled": "on", "name": "Audit hook", "url": receiver.url}
        channel_id = client.post("/notifications/channels/new?type=webhook", data)["Location"].rsplit("/", 1)[1]
        client.post(f"/notifications/channels/{channel_id}/test")  # 500: a failed delivery
        page.context.grant_permissions(["clipboard-read", "clipboard-write"])
        page.goto("/")
        sign_in(page, cast.owner.email, cast.owner.password)
        page.goto("/notifications/history")
        row = page.locator("tbody tr", has_text="notification.test")
        expect(row).to_contain_text("Failed")
        details = row.get_by_role("link", name=re.compile("^Details"))
        details.click()

        drawer = page.get_by_role("dialog", name="notification.test")
        expect(drawer).to_be_visible()
        expect(drawer.get_by_role("button", name="Close")).to_be_focused()
        axe_check(page)
        drawer.get_by_role("button", name="Copy payload").click()
        expect(drawer.get_by_role("button", name="Copied")).to_be_visible()
        expect(page.locator("#announcer")).to_have_text("Copied")  # said to screen readers too
        assert '"type": "notification.test"' in page.evaluate("navigator.clipboard.readText()")
        expect(drawer.get_by_role("button", name="Copy payload")).to_be_visible()  # back after 2 s

        drawer.get_by_role("button", name="Redeliver now").click()
        expect(drawer.locator(".card-header .badge-status")).to_have_text("Delivered")
        attempts = drawer.get_by_role("table").locator("tbody tr")
        expect(attempts).to_have_count(2)
        expect(attempts.nth(0)).to_contain_text("500")
        expect(attempts.nth(1)).to_contain_text("204")
        expect(drawer.get_by_role("button", name="Redeliver now")).to_have_count(0)  # delivered: nothing to redo
        expect(page.locator(".toast", has_text="Redelivering")).to_be_visible()
        expect(row).to_contain_text("Delivered")  # the row behind the drawer follows
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "delivery-drawer-redelivered-light.png"))

        page.keyboard.press("Escape")
        expect(drawer).to_be_hidden()
        expect(details).to_be_focused()
    assert len(receiver.requests) == 2
    assert receiver.requests[0].headers["LakeSail-Delivery-Id"] == receiver.requests[1].headers["LakeSail-Delivery-Id"]


def test_rule_form_offers_the_scopes_and_resources_that_fit_the_events(page: Page, cast, live_server, axe_check):
    """Items 8 and 15: a resource picker instead of a raw id, only the scopes that apply, and an error summary."""
    with Receiver() as receiver:
        client = Client()
        assert client_sign_in(client, cast.owner).status_code == 302
        data = {"type": "slack", "owner": "org", "enabled": "on", "name": "Ops Slack", "webhook_url": receiver.url}
        assert client.post("/notifications/channels/new?type=slack", data).status_code == 302
    page.goto("/")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.goto("/notifications/rules/new")
    page.get_by_role("button", name="Create rule").click()  # nothing filled in: the summary lists what to fix
    summary = page.locator("#rule-form-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Name: Give the rule a name.")
    expect(summary).to_contain_text("Events: Choose at least one event.")
    expect(summary).to_contain_text("Channels: Choose at least one channel to send to.")
    shot(page, "rule-form-error-summary-light")
    axe_check(page)
    summary.get_by_role("link", name="Name: Give the rule a name.").click()
    page.get_by_label("Name").fill("Mia's changes")

    page.locator("summary", has_text="Member").click()
    page.get_by_label(re.compile(r"^Member roles changed")).check()
    scopes = page.locator("#rule-scope")
    expect(scopes.get_by_label("Every member in the organization")).to_be_visible()  # refreshed for member events
    expect(scopes.get_by_role("radio")).to_have_count(2)  # organization-owned: organization or one member
    expect(page.get_by_label("Find the member")).to_be_hidden()
    scopes.get_by_label("One specific member").check()
    find = page.get_by_label("Find the member")
    expect(find).to_be_visible()
    expect(scopes.get_by_label(re.compile("^Mia Member"))).to_be_visible()
    find.fill("olivia")
    expect(scopes.get_by_label(re.compile("^Mia Member"))).to_have_count(0)
    find.fill("mia")
    scopes.get_by_label(re.compile("^Mia Member")).check()
    page.get_by_label("Ops Slack (Slack)").check()
    shot(page, "rule-form-resource-picker-light")
    axe_check(page)
    page.get_by_role("button", name="Create rule").click()
    expect(page.locator(".toast", has_text="Rule “Mia's changes” created.")).to_be_visible()
    row = page.locator("tbody tr", has_text="Mia's changes")
    expect(row).to_contain_text(f"Resource {cast.member.member.id}")

    page.get_by_role("switch", name="Enabled: Mia's changes").click()  # item 12: a toast on success too
    expect(page.locator(".toast", has_text="Rule “Mia's changes” disabled.")).to_be_visible()
    expect(page.get_by_role("switch", name="Enabled: Mia's changes")).to_have_attribute("aria-checked", "false")


def test_webhook_header_rows_are_added_and_removed_in_place(page: Page, cast, live_server):
    """Item 15: header rows come and go without saving, and a typed secret stays in its field."""
    page.goto("/")
    sign_in(page, cast.owner.email, cast.owner.password)
    page.goto("/notifications/channels/new?type=webhook")
    page.get_by_label("Name", exact=True).fill("Hook")
    page.get_by_label("URL", exact=True).fill("http://127.0.0.1:9/hook")
    page.get_by_label("Signing secret").fill("a-very-secret-signing-key")
    page.get_by_label("Header 1 name").fill("X-One")
    page.get_by_label("Header 1 value").fill("1")
    page.get_by_role("button", name="Add header").click()
    expect(page.get_by_label("Header 2 name")).to_be_focused()
    page.get_by_label("Header 2 name").fill("X-Two")
    page.get_by_label("Header 2 value").fill("2")
    page.get_by_role("button", name="Remove header 1").click()
    expect(page.get_by_label("Header 1 name")).to_have_value("X-Two")
    expect(page.get_by_label("Header 2 name")).to_have_count(0)
    expect(page.get_by_role("button", name="Add header")).to_be_focused()
    expect(page.get_by_label("Signing secret")).to_have_value("a-very-secret-signing-key")  # not re-rendered
    shot(page, "channel-form-webhook-headers-light")
    page.get_by_label("Name", exact=True).press("Enter")  # Enter saves: the default button is not "Remove"
    expect(page.get_by_role("heading", name="Hook", level=1, exact=True)).to_be_visible()
    channel = Channel.objects.get(name="Hook")
    assert channel.config["headers"] == {"X-Two": "2"} and channel.secrets  # the typed secret was sent


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_notification_screens_on_a_phone(page: Page, cast, live_server, theme):
    """Every notification screen at 390 px: screenshots to look at, and no page scrolls sideways."""
    with Receiver() as ok, Receiver(statuses=[500]) as bad:
        page.set_viewport_size({"width": 390, "height": 844})
        page.context.add_cookies([{"name": "theme", "value": theme, "url": live_server.url}])
        page.goto("/")
        sign_in(page, cast.owner.email, cast.owner.password)
        ids = seed(cast, ok, bad)
        screens = {
            "channels-list": "/notifications/channels",
            "channel-edit-webhook": f"/notifications/channels/{ids['webhook']}",
            "channel-form-webhook": "/notifications/channels/new?type=webhook",
            "rules-list": "/notifications/rules",
            "rule-form": "/notifications/rules/new",
            "history": "/notifications/history",
        }
        for name, url in screens.items():
            page.goto(url)
            shot(page, f"phone-{name}-{theme}")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        page.locator("tbody tr", has_text="notification.test").first.get_by_role(
            "link", name=re.compile("^Details")
        ).click()
        expect(page.get_by_role("dialog").locator("#delivery-detail")).to_contain_text("Attempts")
        shot(page, f"phone-delivery-drawer-{theme}")
        href = page.locator("tbody tr").first.get_by_role("link", name=re.compile("^Details")).get_attribute("href")
        assert href
        page.goto(href)
        shot(page, f"phone-delivery-page-{theme}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
