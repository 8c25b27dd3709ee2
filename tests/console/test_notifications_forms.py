"""The long notification forms: the rule form's scopes and resource picker, error summaries and friendly messages,
webhook header rows without saving, the rule switch's toasts, and copyable ids."""

import re

from localplatform.notifications.models import Channel, Rule
from tests.client.support import error_response, faults, on
from tests.console import test_notifications
from tests.console.test_dashboard import text_of
from tests.console.test_notifications import (
    HTMX,
    SECRET,
    as_person,
    calls_of,
    channel_named,
    create_channel,
    make_rule,
    selected,
)

owner, receiver = test_notifications.owner, test_notifications.receiver  # the fixtures, shared
NEW_RULE = "/notifications/rules/new"


def refresh(client, target: str, url: str = NEW_RULE, **data):
    """What the rule form posts when its owner, events or scope change, or the search is typed: nothing is saved."""
    body = {"name": "", "owner": "org", "action": "refresh", **data}
    return client.post(url, body, headers={**HTMX, "HX-Target": target})


def scopes_of(html: str) -> list[str]:
    return re.findall(r'name="scope_type" value="([a-z_]+)"', html)


# --- Rule form: the scopes that fit, and a resource picker instead of a raw id --------------------------------


def test_the_scopes_follow_the_owner_and_the_events(owner, cast):
    page = owner.get(NEW_RULE).content.decode()
    assert scopes_of(page) == ["organization", "resource"]  # organization-owned: its own scope or one resource
    assert "Every resource in the organization" in page and "Resource id" not in page
    members = refresh(owner, "rule-scope", event_types=["member.joined"])
    assert calls_of(members) == ["GET /notifications/event-types"]  # no channels, teams or members for this
    html = members.content.decode()
    assert html.lstrip().startswith('<fieldset id="rule-scope"') and "<html" not in html
    assert scopes_of(html) == ["organization", "resource"]
    assert "Every member in the organization" in html and "One specific member" in html and "Find the member" in html
    team = f"team:{cast.team.id}"
    assert scopes_of(refresh(owner, "rule-scope", owner=team, event_types=["member.joined"]).content.decode()) == [
        "resource"  # team scope does not apply to member events (§3.21)
    ]
    teams = refresh(owner, "rule-scope", owner=team, event_types=["team.created"]).content.decode()
    assert scopes_of(teams) == ["team", "resource"] and "The owning team itself" in teams
    me = f"member:{cast.owner.member.id}"
    assert scopes_of(refresh(owner, "rule-scope", owner=me, event_types=["team.created"]).content.decode()) == [
        "resource"  # "own resources" means nothing for teams
    ]
    invitations = refresh(owner, "rule-scope", owner=me, event_types=["invitation.created"]).content.decode()
    assert scopes_of(invitations) == ["own_resources", "resource"] and "Invitations I sent" in invitations
    assert not Rule.objects.exists()


def test_the_picker_lists_the_resources_of_the_events_type(owner, cast):
    options = {"scope_type": "resource", "action": "find"}
    found = refresh(owner, "resource-options", event_types=["member.any"], resource_find="mia", **options)
    assert calls_of(found) == ["GET /notifications/event-types", "GET /org/members"]
    html = found.content.decode()
    assert html.lstrip().startswith('<fieldset id="resource-options"')
    assert f'value="{cast.member.member.id}"' in html and "Mia Member" in html and "Olivia" not in html
    teams = refresh(owner, "resource-options", event_types=["team.deleted"], resource_find="data", **options)
    assert calls_of(teams)[-1] == "GET /org/teams" and f'value="{cast.team.id}"' in teams.content.decode()
    nothing = refresh(owner, "resource-options", event_types=["invitation.created"], resource_find="x", **options)
    assert "No invitation matches “x”." in text_of(nothing)
    # Job runs have no list in the console: their id is typed, and no list is asked for.
    runs = refresh(owner, "rule-scope", event_types=["job_run.failed"], scope_type="resource")
    assert calls_of(runs) == ["GET /notifications/event-types"]
    assert "Job run id" in text_of(runs) and 'name="resource_id"' in runs.content.decode()


def test_a_member_who_cannot_list_invitations_is_told_so(cast):
    member = as_person(cast.member)
    me = f"member:{cast.member.member.id}"
    data = {"owner": me, "event_types": ["invitation.created"], "scope_type": "resource", "action": "find"}
    response = refresh(member, "resource-options", **data)
    assert response.status_code == 200 and "You cannot list these" in text_of(response)


def test_a_rule_about_one_member_is_created_from_the_picker(owner, receiver, cast):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    chosen = cast.member.member.id
    data = {"event_types": ["member.roles_changed"], "scope_type": "resource", "resource_id": chosen}
    response = make_rule(owner, channel_named("Ops"), **data)
    assert response.status_code == 302
    rule = Rule.objects.get(name="Membership")
    assert rule.scope_type == "resource" and rule.resource_id == chosen
    page = owner.get(f"/notifications/rules/{rule.id}")  # the edit page shows the chosen member, picked
    html = page.content.decode()
    assert selected(html, "resource_id", chosen) and "Mia Member" in html
    assert calls_of(page)[-1] == "GET /org/members"


def test_without_javascript_find_shows_the_matches_and_keeps_the_form(owner, receiver, cast):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    data = {"action": "find", "resource_find": "data", "scope_type": "resource", "event_types": ["team.created"]}
    response = make_rule(owner, channel_named("Ops"), name="Typed", **data)
    assert response.status_code == 200 and not Rule.objects.exists()
    html = response.content.decode()
    assert 'value="Typed"' in html and selected(html, "channel_ids", channel_named("Ops").id)
    assert f'value="{cast.team.id}"' in html and 'value="data"' in html
    assert "Nothing was saved" not in html and "is-invalid" not in html  # a refresh judges nothing


def test_the_resource_scope_without_a_resource_asks_for_one(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    response = make_rule(owner, channel_named("Ops"), event_types=["team.created"], scope_type="resource")
    assert response.status_code == 422
    assert "Choose the team to watch." in text_of(response)
    assert "POST /notifications/rules" not in calls_of(response)


# --- Error summaries and friendly messages -----------------------------------------------------------------------


def test_the_rule_form_lists_its_errors_at_the_top_with_links(owner):
    response = owner.post(NEW_RULE, {"owner": "org", "scope_type": "organization"})
    assert response.status_code == 422
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert 'tabindex="-1" autofocus' in summary and "3 fields to correct" in summary
    assert '<a href="#id_name" data-field="name">Name: Give the rule a name.</a>' in summary
    assert 'data-field="event_types">Events: Choose at least one event.</a>' in summary
    assert 'data-field="channel_ids">Channels: Choose at least one channel to send to.</a>' in summary
    assert 'id="rule-events"' in html and 'id="rule-channels"' in html
    assert "This field is required." not in html


def test_the_channel_form_lists_its_errors_at_the_top(owner):
    response = owner.post("/notifications/channels/new?type=slack", {"type": "slack", "owner": "org"})
    assert response.status_code == 422
    text = text_of(response)
    assert "2 fields to correct" in text and "Name: Give the channel a name." in text
    assert "Slack webhook URL: Paste the incoming-webhook URL from your Slack app." in text
    assert "This field is required." not in text
    one = owner.post("/notifications/channels/new?type=email", {"type": "email", "owner": "org", "name": "Mail"})
    assert "Choose who receives the mail." in text_of(one) and "to correct" not in text_of(one)  # one: at its field


def test_platform_field_errors_are_summarised_too(owner, receiver):
    refusal = error_response(422, "validation_failed", fieldErrors={"config.url": "Use https.", "name": "Taken."})
    with faults(on("/notifications/channels", refusal, method="POST")):
        response = create_channel(owner, "webhook", name="Hook", url=receiver.url, header_count="0")
    html = response.content.decode()
    assert response.status_code == 422 and '<a href="#id_url" data-field="url">URL: Use https.</a>' in html


# --- Webhook header rows: added and removed without saving -----------------------------------------------------


def webhook(**extra) -> dict:
    return {"type": "webhook", "owner": "org", "name": "Hook", "url": "http://127.0.0.1:9/x", **extra}


def test_header_rows_are_added_and_removed_in_place(owner):
    url = "/notifications/channels/new?type=webhook"
    rows = {"header_count": "1", "header_name_0": "X-One", "header_value_0": "1"}
    added = owner.post(url, webhook(action="add_header", **rows), headers={**HTMX, "HX-Target": "webhook-headers"})
    assert calls_of(added) == ["GET /org/teams"] and not Channel.objects.exists()
    html = added.content.decode()
    assert html.lstrip().startswith('<fieldset id="webhook-headers"') and "<html" not in html
    assert 'value="X-One"' in html and 'name="header_count" value="2"' in html
    assert re.search(r'id="header_name_1" name="header_name_1" value=""[^>]*autofocus', html)
    two = {"header_count": "2", "header_name_0": "X-One", "header_value_0": "1", "header_name_1": "X-Two"}
    removed = owner.post(
        url, webhook(action="remove_header:0", **two), headers={**HTMX, "HX-Target": "webhook-headers"}
    )
    html = removed.content.decode()
    assert 'id="header_name_0" name="header_name_0" value="X-Two"' in html and "X-One" not in html
    assert 'name="header_count" value="1"' in html and re.search(r'id="add-header"[^>]*autofocus', html)
    assert not Channel.objects.exists()


def test_without_javascript_add_header_comes_back_as_typed(owner):
    response = owner.post(
        "/notifications/channels/new?type=webhook",
        webhook(action="add_header", signing_secret=SECRET, header_count="nonsense"),
    )
    assert response.status_code == 200 and not Channel.objects.exists()
    html = response.content.decode()
    assert 'value="Hook"' in html and 'name="header_count" value="1"' in html  # a bad count is no rows, plus one
    assert SECRET not in html and "Type the secret again" in html  # a secret is never sent back
    assert "Nothing was saved" not in html and "is-invalid" not in html


def test_header_rows_on_an_existing_channel_save_nothing_until_saved(owner, receiver):
    create_channel(owner, "webhook", name="Hook", url=receiver.url, header_name_0="X-A", header_count="1")
    channel = channel_named("Hook")
    page = owner.get(f"/notifications/channels/{channel.id}").content.decode()
    assert 'value="X-A"' in page and "header_name_1" not in page  # the stored rows, no blank ones
    data = webhook(url=receiver.url, action="add_header", header_count="1", header_name_0="X-A")
    response = owner.post(
        f"/notifications/channels/{channel.id}", data, headers={**HTMX, "HX-Target": "webhook-headers"}
    )
    path = f"/notifications/channels/{channel.id}"
    assert calls_of(response) == [f"GET {path}", "GET /org/teams"]  # no PATCH
    assert 'name="header_count" value="2"' in response.content.decode()
    assert channel_named("Hook").config["headers"] == {"X-A": ""}


# --- Rule switch, copyable ids, words ----------------------------------------------------------------------------


def test_the_rule_switch_says_what_happened_either_way(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    make_rule(owner, channel_named("Ops"))
    rule = Rule.objects.get(name="Membership")
    row = owner.post(f"/notifications/rules/{rule.id}/enabled", {"enabled": "false"}, headers=HTMX)
    html = row.content.decode()
    assert row.status_code == 200 and 'class="rule-toggle"' in html  # console.js marks it busy while it switches
    assert "Rule “Membership” disabled." in html and "hx-swap-oob" in html  # a toast, out of band
    assert ">Disabled</span>" in html
    owner.post(f"/notifications/channels/{channel_named('Ops').id}/delete")  # its last channel: no way to enable
    refused = owner.post(f"/notifications/rules/{rule.id}/enabled", {"enabled": "true"}, headers=HTMX)
    assert refused.status_code == 422 and "Rule “Membership” was not enabled." in refused.content.decode()


def test_channel_and_rule_pages_show_their_id_with_copy(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    channel = channel_named("Ops")
    page = owner.get(f"/notifications/channels/{channel.id}").content.decode()
    assert f'<code id="channel-id">{channel.id}</code>' in page and 'data-copy-target="channel-id"' in page
    assert "Save channel" in page and "Send test" in page and "Delete channel" in page
    make_rule(owner, channel)
    rule = Rule.objects.get(name="Membership")
    page = owner.get(f"/notifications/rules/{rule.id}").content.decode()
    assert f'<code id="rule-id">{rule.id}</code>' in page and 'data-copy-target="rule-id"' in page
    assert "Save rule" in page and "Delete rule" in page
    assert "Copy" not in owner.get("/notifications/rules/new").content.decode()  # no id before it exists


def test_an_auditor_reads_a_rule_without_its_picker_working(owner, receiver, auditor):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    make_rule(owner, channel_named("Ops"))
    rule = Rule.objects.get(name="Membership")
    client = as_person(auditor)
    page = client.get(f"/notifications/rules/{rule.id}").content.decode()
    assert "<fieldset disabled>" in page and "Save rule" not in page and f'id="rule-id">{rule.id}<' in page
    forged = client.post(f"/notifications/rules/{rule.id}", {"name": "X", "action": "find"})
    assert forged.status_code == 200 and Rule.objects.get(id=rule.id).name == "Membership"  # a refresh saves nothing


def test_a_typed_resource_id_counts_only_for_the_resource_scope(owner, receiver):
    create_channel(owner, "slack", name="Ops", webhook_url=receiver.url)
    typed = {"event_types": ["job_run.failed"], "resource_id": "not an id"}
    hidden = make_rule(owner, channel_named("Ops"), scope_type="organization", **typed)
    assert hidden.status_code == 302 and Rule.objects.get(name="Membership").resource_id is None
    shown = make_rule(owner, channel_named("Ops"), name="Runs", scope_type="resource", **typed)
    assert shown.status_code == 422 and "That is not an id" in text_of(shown)
