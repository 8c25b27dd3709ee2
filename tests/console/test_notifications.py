"""Notifications screens: channels (forms per type, test send), rules (picker, inline toggle), history, permissions."""

import re

import httpx
import pytest
from django.test import Client

from console.forms.lists import MarkerQuery
from localplatform.identity.services import directory, teams
from localplatform.notifications.models import Channel, Delivery, Rule
from tests.client.support import assert_kept, error_response, faults, on, writes_fail
from tests.conftest import Person
from tests.console.conftest import sign_in
from tests.console.test_dashboard import text_of
from tests.localplatform.notify_support import Receiver

SECRET = "whsec-super-secret-value-0123456789"
PD_KEY = "0123456789abcdef0123456789ABCDEF"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def owner(cast):
    return as_person(cast.owner)


def as_person(person) -> Client:
    """A separate browser for `person` (the `signed_in` fixture shares one client)."""
    client = Client()
    assert sign_in(client, person).status_code == 302
    return client


def create_channel(client, channel_type: str, **fields):
    data = {"type": channel_type, "owner": "org", "enabled": "on", **fields}
    return client.post(f"/notifications/channels/new?type={channel_type}", data)


def channel_named(name: str) -> Channel:
    return Channel.objects.get(name=name, deleted_at=None)


def history(client) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in client.get("/").wsgi_request.platform.history]


# --- Navigation, anonymous, empty states -----------------------------------------------------------


@pytest.mark.parametrize("url", ["/notifications/channels", "/notifications/rules", "/notifications/history"])
def test_anonymous_is_sent_to_sign_in(client, cast, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=")


def test_navigation_leads_to_notifications_and_empty_states_say_what_to_do(owner):
    dashboard = owner.get("/").content.decode()
    assert 'href="/notifications/channels"' in dashboard and "Notifications" in dashboard
    text = text_of(owner.get("/notifications/channels"))
    assert "No channels yet" in text and text.count("New channel") == 2  # the header's button and the empty state's
    rules = text_of(owner.get("/notifications/rules"))
    assert "No rules yet" in rules and rules.count("New rule") == 2
    assert "No deliveries yet" in text_of(owner.get("/notifications/history"))


def test_type_picker_offers_every_type(owner):
    html = owner.get("/notifications/channels/new").content.decode()
    for kind in ["email", "slack", "webhook", "pager_duty", "rootly"]:
        assert f'href="?type={kind}"' in html


# --- Channels: create, validation, test send ---------------------------------------------------------


def test_slack_channel_to_a_local_receiver_and_test_send(owner, receiver):
    response = create_channel(owner, "slack", name="Ops Slack", webhook_url=receiver.url)
    channel = channel_named("Ops Slack")
    assert response.status_code == 302 and response["Location"] == f"/notifications/channels/{channel.id}"
    row = owner.post(f"/notifications/channels/{channel.id}/test", headers=HTMX)
    html = row.content.decode()
    assert html.lstrip().startswith(f'<tr id="channel-{channel.id}"')
    assert "Test delivered" in html and "HTTP 200" in html
    assert "Last verified" not in html  # a row, not the page
    assert b'"text"' in receiver.requests[0].body
    listing = text_of(owner.get("/notifications/channels"))
    assert "Ops Slack" in listing and "Enabled" in listing and "Never" not in listing


def test_test_send_failure_is_explained_inline(owner, receiver):
    receiver.statuses = [500]
    create_channel(owner, "webhook", name="Hook", url=receiver.url, header_count="0")
    channel = channel_named("Hook")
    panel = {**HTMX, "HX-Target": "test-panel"}
    html = owner.post(f"/notifications/channels/{channel.id}/test", headers=panel).content.decode()
    assert html.lstrip().startswith('<section id="test-panel"')
    assert "Test failed" in html and "HTTP 500" in html and "Failing" in html


def test_test_send_to_a_closed_port_says_it_could_not_connect(owner):
    create_channel(owner, "webhook", name="Nowhere", url="http://127.0.0.1:9/hook", header_count="0")
    channel = channel_named("Nowhere")
    response = owner.post(f"/notifications/channels/{channel.id}/test")
    assert response.status_code == 302  # without JavaScript: back to the page with a message
    text = text_of(owner.get(response["Location"]))
    assert "Test failed" in text and "onnect" in text


def test_invalid_input_stays_at_the_field_with_what_was_typed(owner):
    response = create_channel(owner, "slack", name="Typed name", webhook_url="ftp://example.com/x")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'value="Typed name"' in html and 'value="ftp://example.com/x"' in html
    assert re.search(r'id="id_webhook_url"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_webhook_url"', html)
    assert 'id="id_webhook_url_error"' in html


def test_duplicate_name_is_reported_at_the_name(owner, receiver):
    create_channel(owner, "slack", name="Dup", webhook_url=receiver.url)
    response = create_channel(owner, "slack", name="dup", webhook_url=receiver.url)
    assert response.status_code == 422
    assert 'id="id_name_error"' in response.content.decode()


def test_webhook_headers_rows_and_write_only_secret(owner, receiver):
    data = {
        "name": "Signed",
        "url": receiver.url,
        "signing_secret": SECRET,
        "header_count": "2",
        "header_name_0": "X-Team",
        "header_value_0": "data",
        "header_name_1": "",
        "header_value_1": "",
    }
    assert create_channel(owner, "webhook", **data).status_code == 302
    channel = channel_named("Signed")
    page = owner.get(f"/notifications/channels/{channel.id}").content.decode()
    assert "Currently set" in page and 'value="X-Team"' in page and SECRET not in page
    # Saving without typing the secret keeps it; the remove box clears it.
    edit = {
        "name": "Signed",
        "url": receiver.url,
        "header_count": "1",
        "header_name_0": "X-Team",
        "header_value_0": "x",
    }
    assert owner.post(f"/notifications/channels/{channel.id}", {**edit, "enabled": "on"}).status_code == 302
    assert "Currently set" in owner.get(f"/notifications/channels/{channel.id}").content.decode()
    owner.post(f"/notifications/channels/{channel.id}", {**edit, "enabled": "on", "remove_signing_secret": "on"})
    assert "Currently not set" in owner.get(f"/notifications/channels/{channel.id}").content.decode()


def test_no_secret_appears_on_any_page_or_log_line(owner, receiver, caplog):
    caplog.set_level("DEBUG")
    create_channel(owner, "webhook", name="W", url=receiver.url, signing_secret=SECRET, header_count="0")
    create_channel(owner, "pager_duty", name="PD", integration_key=PD_KEY, severity="critical", events_url=receiver.url)
    create_channel(owner, "rootly", name="R", token="rootly-token-abcd-9876", alert_source_url=receiver.url)
    slack = receiver.url + "/T000/B000/XXXXSLACKSECRET"
    create_channel(owner, "slack", name="S", webhook_url=slack)
    pages = ["/notifications/channels", "/notifications/rules", "/notifications/history"]
    for name in ["W", "PD", "R", "S"]:
        channel = channel_named(name)
        owner.post(f"/notifications/channels/{channel.id}/test")
        pages.append(f"/notifications/channels/{channel.id}")
    for delivery in Delivery.objects.all():
        pages.append(f"/notifications/history/{delivery.id}")
    for url in pages:
        html = owner.get(url).content.decode()
        for secret in [SECRET, PD_KEY, "rootly-token-abcd-9876", "XXXXSLACKSECRET"]:
            assert secret not in html, (url, secret)
    for secret in [SECRET, PD_KEY, "rootly-token-abcd-9876", "XXXXSLACKSECRET"]:
        assert secret not in caplog.text, secret
    pd_page = owner.get(f"/notifications/channels/{channel_named('PD').id}").content.decode()
    assert "…CDEF" in pd_page


def test_enable_disable_and_delete_with_confirmation(owner, receiver):
    create_channel(owner, "slack", name="Toggle me", webhook_url=receiver.url)
    channel = channel_named("Toggle me")
    owner.post(f"/notifications/channels/{channel.id}/enabled", {"enabled": "false"})
    text = text_of(owner.get("/notifications/channels"))
    assert "Disabled" in text and "Enable Toggle me" in text
    page = owner.get(f"/notifications/channels/{channel.id}").content.decode()
    assert 'role="dialog"' in page and "Delete this channel?" in page
    assert owner.post(f"/notifications/channels/{channel.id}/delete").status_code == 302
    text = text_of(owner.get("/notifications/channels"))
    assert "Channel “Toggle me” deleted" in text and "No channels yet" in text
    assert owner.get(f"/notifications/channels/{channel.id}").status_code == 404


def test_unknown_channel_is_not_found(owner):
    assert owner.get("/notifications/channels/AAAAAAAAAA").status_code == 404
    assert owner.get("/notifications/rules/AAAAAAAAAA").status_code == 404
    assert owner.get("/notifications/history/AAAAAAAAAA").status_code == 404
    assert owner.get("/notifications/channels/not-an-id").status_code == 404


def test_platform_unavailable_shows_the_retry_page(owner):
    with faults(on("/notifications/channels", httpx.ConnectError("refused"))):
        response = owner.get("/notifications/channels")
    assert response.status_code == 503
    with faults(on("/notifications/deliveries", httpx.ConnectError("refused"))):
        partial = owner.get("/notifications/history", headers={**HTMX, "HX-Target": "delivery-table"})
    assert partial.status_code == 503 and "<html" not in partial.content.decode()


# --- Permissions -----------------------------------------------------------------------------------


def test_auditor_sees_everything_read_only(cast, receiver, owner):
    create_channel(owner, "slack", name="Org Slack", webhook_url=receiver.url)
    auditor = directory.add_member(
        cast.org,
        directory.create_user("audit@acme.test", "correct-horse-battery", "Ada", "Auditor", email_verified=True),
        [directory.role("auditor")],
    )
    client = as_person(Person(auditor.user, auditor, "audit@acme.test"))
    html = client.get("/notifications/channels").content.decode()
    # Auditors look at organization channels; like every member they may still keep channels of their own.
    assert "Org Slack" in html and "Send test" not in html and "Edit" not in html and "View" in html
    channel = channel_named("Org Slack")
    detail = client.get(f"/notifications/channels/{channel.id}").content.decode()
    assert "<fieldset disabled>" in detail and "Delete channel" not in detail and "Save changes" not in detail
    assert client.post(f"/notifications/channels/{channel.id}/test").status_code == 403


def test_member_manages_only_their_own_channels(cast, receiver, owner):
    create_channel(owner, "slack", name="Org Slack", webhook_url=receiver.url)
    org_channel = channel_named("Org Slack")
    member = as_person(cast.member)
    form = member.get("/notifications/channels/new?type=slack").content.decode()
    assert f'value="member:{cast.member.member.id}"' in form and 'value="org"' not in form
    response = member.post(
        "/notifications/channels/new?type=slack",
        {
            "type": "slack",
            "owner": f"member:{cast.member.member.id}",
            "name": "Mine",
            "webhook_url": receiver.url,
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    html = member.get("/notifications/channels").content.decode()
    assert "Mine" in html and "Org Slack" not in html and "Send test" in html
    assert member.get(f"/notifications/channels/{org_channel.id}").status_code == 404
    # The platform still refuses an ownership the form did not offer.
    forged = member.post(
        "/notifications/channels/new?type=slack",
        {"type": "slack", "owner": "org", "name": "Forged", "webhook_url": receiver.url},
    )
    assert forged.status_code == 422


def test_team_admin_manages_their_team_channels(signed_in, cast, receiver):
    teams.replace_roles(cast.team, cast.member.member, [directory.role("team_admin")])
    member = signed_in(cast.member)
    form = member.get("/notifications/channels/new?type=slack").content.decode()
    assert f'value="team:{cast.team.id}"' in form and "Team · Data Platform" in form
    data = {
        "type": "slack",
        "owner": f"team:{cast.team.id}",
        "name": "Team Slack",
        "webhook_url": receiver.url,
        "enabled": "on",
    }
    assert member.post("/notifications/channels/new?type=slack", data).status_code == 302
    text = text_of(member.get("/notifications/channels"))
    assert "Team Slack" in text and "Data Platform" in text and "Send test to Team Slack" in text


# --- Rules ------------------------------------------------------------------------------------------


def make_rule(client, channel: Channel, **extra):
    data = {
        "name": "Membership",
        "owner": "org",
        "event_types": ["member.any"],
        "scope_type": "organization",
        "channel_ids": [channel.id],
        "enabled": "on",
        **extra,
    }
    return client.post("/notifications/rules/new", data)


def test_rule_picker_groups_events_and_offers_shortcuts(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    html = owner.get("/notifications/rules/new").content.decode()
    assert 'data-expands="member.joined member.removed member.roles_changed"' in html
    assert "<summary>Member" in html and "<summary>Job run" in html
    assert "Ops (Slack)" in html


def test_create_rule_expands_the_shortcut_and_toggles_inline(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    response = make_rule(owner, channel_named("Ops"))
    assert response.status_code == 302 and response["Location"] == "/notifications/rules"
    text = text_of(owner.get("/notifications/rules"))
    assert "Membership" in text and "Member joined" in text and "Ops" in text
    rule_id = re.search(r'id="rule-([A-Z0-9]+)"', owner.get("/notifications/rules").content.decode()).group(1)
    row = owner.post(f"/notifications/rules/{rule_id}/enabled", {"enabled": "false"}, headers=HTMX).content.decode()
    assert row.lstrip().startswith(f'<tr id="rule-{rule_id}"') and 'aria-checked="false"' in row
    assert "<html" not in row
    # Without JavaScript the same form posts and the list comes back.
    response = owner.post(f"/notifications/rules/{rule_id}/enabled", {"enabled": "true"})
    assert response.status_code == 302
    assert 'aria-checked="true"' in owner.get("/notifications/rules").content.decode()


def test_rule_validation_keeps_the_choices(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    channel = channel_named("Ops")
    mixed = make_rule(owner, channel, event_types=["member.joined", "team.created"])
    assert mixed.status_code == 422
    html = mixed.content.decode()
    assert "Choose events of one resource type" in html and 'value="Membership"' in html
    assert re.search(r'value="team.created" id="[^"]+" checked', html)
    wrong_scope = make_rule(owner, channel, scope_type="team")
    assert wrong_scope.status_code == 422 and "Membership" in wrong_scope.content.decode()


def test_rule_events_produce_history_rows_with_detail(owner, receiver, cast, django_capture_on_commit_callbacks):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    make_rule(owner, channel_named("Ops"), event_types=["team.created"], name="Teams")
    with django_capture_on_commit_callbacks(execute=True):
        teams.create_team(cast.org, "Analytics", cast.owner.member)
    text = text_of(owner.get("/notifications/history"))
    assert "Analytics" in text and "team.created" in text and "Delivered" in text and "Teams" in text
    delivery = Delivery.objects.get(event_type="team.created")
    url = f"/notifications/history/{delivery.id}"
    panel = owner.get(url, headers={**HTMX, "HX-Target": "delivery-detail"}).content.decode()
    assert panel.lstrip().startswith('<section id="delivery-detail"') and "hx-trigger" not in panel
    assert '"type": "team.created"' in panel.replace("&quot;", '"') and "Attempts" in panel
    full = owner.get(url)
    assert full.status_code == 200 and "<h1>Analytics</h1>" in full.content.decode()


def test_history_polls_while_pending_and_stops_after(owner, receiver, cast, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 200]
    create_channel(owner, "webhook", name="Flaky", url=receiver.url, header_count="0")
    make_rule(owner, channel_named("Flaky"), event_types=["team.created"], name="Teams")
    with django_capture_on_commit_callbacks(execute=True):
        teams.create_team(cast.org, "Analytics", cast.owner.member)
    delivery = Delivery.objects.get(event_type="team.created")
    assert delivery.status == "pending"  # the in-process task backend cannot defer the retry
    page = owner.get("/notifications/history?status=pending")
    html = page.content.decode()
    assert 'hx-trigger="every 3s"' in html and "Pending" in html and "retry" in html
    from localplatform.notifications import pipeline

    pipeline.attempt(delivery.id)
    poll = owner.get("/notifications/history", headers={**HTMX, "HX-Target": "delivery-table"})
    assert "hx-trigger" not in poll.content.decode() and "Delivered" in poll.content.decode()
    assert poll.wsgi_request.platform.history[-1].startswith("GET /notifications/deliveries")


def test_history_filters_live_in_the_url(owner, receiver):
    receiver.statuses = [500]
    create_channel(owner, "webhook", name="Broken", url=receiver.url, header_count="0")
    broken = channel_named("Broken")
    owner.post(f"/notifications/channels/{broken.id}/test")
    failed = text_of(owner.get("/notifications/history?status=failed"))
    assert "Broken" in failed and "Failed" in failed
    assert "Nothing matches" in text_of(owner.get("/notifications/history?status=delivered"))
    assert "Broken" in text_of(owner.get(f"/notifications/history?channel={broken.id}"))
    assert owner.get("/notifications/history?channel=bad id").status_code == 200  # malformed filter is dropped


# --- Platform calls per screen ----------------------------------------------------------------------


def calls(client, url, **kwargs) -> list[str]:
    client.get(url)  # warm the session's role relations (console/views/access.py)
    response = client.get(url, **kwargs)
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def test_platform_calls_per_screen(owner, cast):
    assert calls(owner, "/notifications/channels") == ["GET /notifications/channels"]
    assert calls(owner, "/notifications/rules") == ["GET /notifications/rules", "GET /notifications/event-types"]
    assert calls(owner, "/notifications/history") == [
        "GET /notifications/deliveries",
        "GET /notifications/channels",
        "GET /notifications/rules",
    ]
    assert calls(owner, "/notifications/history", headers={**HTMX, "HX-Target": "delivery-table"}) == [
        "GET /notifications/deliveries"
    ]
    member = as_person(cast.member)
    assert calls(member, "/notifications/channels") == ["GET /notifications/channels", "GET /me/teams"]


def test_revoked_login_is_sent_to_sign_in(owner):
    with faults(on("/notifications/rules", error_response(401, "invalid_token"))):
        response = owner.get("/notifications/rules")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")


def test_email_channel_targets_a_team_through_the_picker(owner, cast):
    html = owner.get("/notifications/channels/new?type=email").content.decode()
    assert '<optgroup label="Members">' in html and '<optgroup label="Teams">' in html
    response = create_channel(owner, "email", name="Team mail", email_target=f"team:{cast.team.id}")
    assert response.status_code == 302
    assert "to Team Data Platform" in text_of(owner.get("/notifications/channels"))


def test_edit_and_delete_a_rule(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    make_rule(owner, channel_named("Ops"))
    rule_id = re.search(r'id="rule-([A-Z0-9]+)"', owner.get("/notifications/rules").content.decode()).group(1)
    page = owner.get(f"/notifications/rules/{rule_id}").content.decode()
    assert re.search(r'value="member.joined" id="[^"]+" checked', page)  # stored expanded
    assert 'value="Membership"' in page and "Delete this rule?" in page
    data = {
        "name": "Joins only",
        "event_types": ["member.joined"],
        "scope_type": "organization",
        "channel_ids": [channel_named("Ops").id],
    }
    assert owner.post(f"/notifications/rules/{rule_id}", data).status_code == 302
    text = text_of(owner.get("/notifications/rules"))
    assert (
        "Joins only" in text
        and "Member removed" not in text
        and 'aria-checked="false"' in owner.get("/notifications/rules").content.decode()
    )
    assert owner.post(f"/notifications/rules/{rule_id}/delete").status_code == 302
    assert owner.get(f"/notifications/rules/{rule_id}").status_code == 404


# --- The screen kit: every form keeps what was typed when the platform fails on submit ----------------


def calls_of(response) -> list[str]:
    return [entry.rsplit(" ", 1)[0] for entry in response.wsgi_request.platform.history]


def selected(html: str, name: str, value: str) -> bool:
    """The <option> or checkbox/radio `value` of the field `name` is chosen on the page."""
    option = rf'<option value="{re.escape(value)}"[^>]*selected'
    box = rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"[^>]*checked'
    return bool(re.search(option, html) or re.search(box, html))


def form_alert_shown(html: str, form_id: str) -> bool:
    return bool(re.search(rf'id="{form_id}-alert" [^>]*role="alert">', html))


@pytest.mark.parametrize(
    ("channel_type", "typed", "secret"),
    [
        ("slack", {"name": "Ops <Slack>", "webhook_url": "http://127.0.0.1:9/hooks/typed"}, {}),
        (
            "webhook",
            {
                "name": "Audit hook",
                "url": "http://127.0.0.1:9/typed",
                "header_name_0": "X-Team",
                "header_value_0": "a&b",
            },
            {"signing_secret": SECRET, "header_count": "1"},
        ),
        ("pager_duty", {"name": "On-call", "events_url": "http://127.0.0.1:9/pd"}, {"integration_key": PD_KEY}),
        ("rootly", {"name": "Rootly alerts", "alert_source_url": "http://127.0.0.1:9/r"}, {"token": "rootly-tok-1"}),
        ("email", {"name": "Team mail"}, {}),
    ],
)
def test_channel_create_keeps_what_was_typed_when_the_platform_fails_on_submit(
    owner, cast, channel_type, typed, secret
):
    chosen = {"pager_duty": ("severity", "critical"), "email": ("email_target", f"team:{cast.team.id}")}
    extra = dict([chosen[channel_type]]) if channel_type in chosen else {}
    with faults(writes_fail):
        response = create_channel(owner, channel_type, **typed, **secret, **extra)
    assert response.status_code == 422
    assert_kept(response, typed)  # write-only secrets are never sent back to the browser, typed or not
    html = response.content.decode()
    assert form_alert_shown(html, "channel-form")
    for name, value in extra.items():
        assert selected(html, name, value), name
    expected = ["GET /org/teams", "GET /org/members"] if channel_type == "email" else ["GET /org/teams"]
    assert calls_of(response) == [*expected, "POST /notifications/channels"]
    assert not Channel.objects.filter(name=typed["name"]).exists()


def test_channel_edit_keeps_what_was_typed_when_the_platform_fails_on_submit(owner, receiver):
    create_channel(owner, "webhook", name="Hook", url=receiver.url, header_count="0")
    channel = channel_named("Hook")
    typed = {
        "name": "Renamed hook",
        "url": "http://127.0.0.1:9/moved",
        "header_name_0": "X-New",
        "header_value_0": "v1",
    }
    in_place = {**HTMX, "HX-Target": "channel-form"}
    with faults(writes_fail):
        response = owner.post(f"/notifications/channels/{channel.id}", {**typed, "header_count": "1"}, headers=in_place)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="channel-form"') and "<html" not in html  # the form alone
    assert_kept(response, typed)
    assert form_alert_shown(html, "channel-form")
    assert not re.search(r'name="enabled"[^>]*checked', html)  # "Enabled" was unticked, and stays so
    path = f"/notifications/channels/{channel.id}"
    assert calls_of(response) == [f"GET {path}", "GET /org/teams", f"PATCH {path}"]
    assert channel_named("Hook").config["url"] == receiver.url


def test_rule_create_keeps_what_was_typed_when_the_platform_fails_on_submit(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    channel = channel_named("Ops")
    typed = {"name": "Typed rule", "description": "Tell <ops> when teams change", "resource_id": "ABC123"}
    with faults(writes_fail):
        response = make_rule(
            owner, channel, **typed, event_types=["team.created", "team.deleted"], scope_type="resource"
        )
    assert response.status_code == 422
    assert_kept(response, typed)
    html = response.content.decode()
    assert form_alert_shown(html, "rule-form")
    for name, value in [("event_types", "team.created"), ("event_types", "team.deleted"), ("scope_type", "resource")]:
        assert selected(html, name, value), value
    assert selected(html, "channel_ids", channel.id) and not selected(html, "event_types", "team.updated")
    assert calls_of(response) == [
        "GET /org/teams",
        "GET /notifications/channels",
        "GET /notifications/event-types",
        "POST /notifications/rules",
        "GET /org/teams",  # the resource picker's teams, with the typed id kept as the chosen one
    ]
    assert selected(html, "resource_id", "ABC123")
    assert not Rule.objects.filter(name="Typed rule").exists()


def test_rule_edit_keeps_what_was_typed_when_the_platform_fails_on_submit(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    make_rule(owner, channel_named("Ops"))
    rule = Rule.objects.get(name="Membership")
    typed = {"name": "Joins only", "description": "Only new members"}
    channel = channel_named("Ops")
    data = {**typed, "event_types": ["member.joined"], "scope_type": "organization", "channel_ids": [channel.id]}
    with faults(writes_fail):
        response = owner.post(f"/notifications/rules/{rule.id}", data, headers={**HTMX, "HX-Target": "rule-form"})
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="rule-form"') and "<html" not in html
    assert_kept(response, typed)
    assert form_alert_shown(html, "rule-form")
    assert selected(html, "event_types", "member.joined") and not selected(html, "event_types", "member.removed")
    assert selected(html, "channel_ids", channel.id)
    assert not re.search(r'name="enabled"[^>]*checked', html)  # "Enabled" was unticked, and stays so
    path = f"/notifications/rules/{rule.id}"
    assert calls_of(response) == [
        f"GET {path}",
        "GET /org/teams",
        "GET /notifications/channels",
        "GET /notifications/event-types",
        f"PATCH {path}",
    ]
    assert Rule.objects.get(id=rule.id).name == "Membership"


# --- The screen kit: row actions, paging, filters ------------------------------------------------------


def test_a_refused_switch_says_why_in_its_row(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    make_rule(owner, channel_named("Ops"))
    rule = Rule.objects.get(name="Membership")
    owner.post(f"/notifications/channels/{channel_named('Ops').id}/delete")  # the rule's last channel: disabled
    row = owner.post(f"/notifications/rules/{rule.id}/enabled", {"enabled": "true"}, headers=HTMX)
    assert row.status_code == 422
    html = row.content.decode()
    assert html.lstrip().startswith(f'<tr id="rule-{rule.id}"') and 'aria-checked="false"' in html
    assert form_alert_shown(html, f"rule-{rule.id}-toggle") and "channel" in text_of(row).lower()
    assert not Rule.objects.get(id=rule.id).enabled


def test_a_refused_test_says_why_in_its_row(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    channel = channel_named("Ops")
    owner.post(f"/notifications/channels/{channel.id}/enabled", {"enabled": "false"})
    row = owner.post(f"/notifications/channels/{channel.id}/test", headers=HTMX)
    assert row.status_code == 422
    html = row.content.decode()
    assert html.lstrip().startswith(f'<tr id="channel-{channel.id}"')
    assert form_alert_shown(html, f"channel-{channel.id}-test") and "The channel is disabled" in html
    assert not receiver.requests


def test_row_forms_go_back_to_the_page_they_were_on(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    channel = channel_named("Ops")
    page = {**HTMX, "HX-Current-URL": "http://testserver/notifications/channels?marker=X1"}
    row = owner.post(f"/notifications/channels/{channel.id}/test", headers=page).content.decode()
    assert 'name="next" value="/notifications/channels?marker=X1"' in row  # not the test's own URL
    done = owner.post(f"/notifications/channels/{channel.id}/enabled", {"enabled": "false", "next": "//evil.example"})
    assert done.status_code == 302 and done["Location"] == "/notifications/channels"


def test_lists_page_by_the_platforms_marker(owner, receiver, monkeypatch):
    monkeypatch.setattr(MarkerQuery, "page_size", 2)
    for name in ["First", "Second", "Third"]:
        create_channel(owner, "slack", name=name, webhook_url=receiver.url)
    page = owner.get("/notifications/channels")
    html = page.content.decode()
    assert len(re.findall(r'<tr id="channel-', html)) == 2
    marker = re.search(r'id="channel-table-next" href="\?marker=([^"]+)" hx-get', html).group(1)
    table = {**HTMX, "HX-Target": "channel-table"}
    second = owner.get(f"/notifications/channels?marker={marker}", headers=table)
    assert calls_of(second) == ["GET /notifications/channels"]
    html = second.content.decode()
    assert html.lstrip().startswith('<div id="channel-table"') and len(re.findall(r'<tr id="channel-', html)) == 1
    assert 'id="channel-table-previous" href="?"' in html and "channel-table-next" not in html
    stale = owner.get("/notifications/channels?q=stray&marker=bad-or-expired")  # an edited or old URL
    assert stale.status_code == 302 and stale["Location"] == "/notifications/channels?q=stray"  # its first page
    first = owner.get(stale["Location"])
    assert len(re.findall(r'<tr id="channel-', first.content.decode())) == 2
    assert "no longer available" in text_of(first)
    assert "Filtered by" not in text_of(first) and "channel-table-previous" not in first.content.decode()


def test_history_filters_show_as_named_chips_and_the_table_refreshes_alone(owner, receiver):
    receiver.statuses = [500]
    create_channel(owner, "webhook", name="Broken", url=receiver.url, header_count="0")
    broken = channel_named("Broken")
    owner.post(f"/notifications/channels/{broken.id}/test")
    page = owner.get(f"/notifications/history?channel={broken.id}&status=failed")
    assert "Filtered by Channel: Broken (remove this filter) Status: Failed (remove this filter)" in text_of(page)
    assert selected(page.content.decode(), "channel", broken.id)
    table = {**HTMX, "HX-Target": "delivery-table"}
    failed = owner.get(f"/notifications/history?channel={broken.id}&status=failed", headers=table)
    assert calls_of(failed) == ["GET /notifications/deliveries"]  # the rows' `included` names the chips
    assert "Channel: Broken" in text_of(failed)
    refresh = owner.get(f"/notifications/history?channel={broken.id}&status=delivered", headers=table)
    # an empty page names nothing: the chips take the names from the menus' lists
    assert calls_of(refresh) == [
        "GET /notifications/deliveries",
        "GET /notifications/channels",
        "GET /notifications/rules",
    ]
    text = text_of(refresh)
    assert "Nothing matches" in text and "Channel: Broken" in text and "Status: Delivered" in text
    assert "Clear filters" in text
    assert 'href="?channel=' in refresh.content.decode()  # removing the status chip keeps the channel


def test_form_pages_make_the_calls_they_need(owner, receiver):
    assert calls(owner, "/notifications/channels/new?type=slack") == ["GET /org/teams"]
    assert calls(owner, "/notifications/channels/new?type=email") == ["GET /org/teams", "GET /org/members"]
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    path = f"/notifications/channels/{channel_named('Ops').id}"
    assert calls(owner, path) == [f"GET {path}", "GET /org/teams", "GET /notifications/rules"]
    assert calls(owner, "/notifications/rules/new") == [
        "GET /org/teams",
        "GET /notifications/channels",
        "GET /notifications/event-types",
    ]
