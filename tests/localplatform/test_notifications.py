"""Notifications API (contract §3.21): event types, channels, rules, permissions, masking, test send."""

import logging
import time

import pytest

from localplatform.notifications.models import Channel, Delivery
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.notify_support import FakeDns, Receiver, verify_signature

SECRET = "whsec-signing-secret-0123456789"
SLACK_PATH = "/services/T0000/B0000/SLACKSECRETPATH"
PD_KEY = "pdkey" + "0" * 23 + "89AB"
ROOTLY_TOKEN = "rootly-token-value-xyz"


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Names like example.test resolve to nothing; no DNS query leaves the machine."""
    return FakeDns(monkeypatch)


@pytest.fixture
def tokens(cast, login):
    return {name: login(getattr(cast, name))["accessToken"] for name in ("owner", "admin", "member", "outsider")}


@pytest.fixture
def call(api, tokens):
    def _call(method: str, path: str, who: str = "owner", **kwargs):
        return api.request(method, path, headers=bearer(tokens[who]), **kwargs)

    return _call


def webhook_body(url: str, name: str = "Ops webhook", **extra) -> dict:
    return {"type": "webhook", "name": name, "config": {"url": url, "signingSecret": SECRET}, **extra}


def test_event_types_list_the_catalogue_with_shortcuts(call):
    items = ok(call("GET", "/notifications/event-types"))["items"]
    by_key = {item["key"]: item for item in items}
    assert by_key["member.any"]["expandsTo"] == ["member.joined", "member.removed", "member.roles_changed"]
    assert by_key["job_run.terminal"]["resourceType"] == "job_run"
    assert by_key["member.joined"]["expandsTo"] == []
    assert "notification.test" not in by_key
    assert len(items) == 37


def test_anonymous_and_bad_tokens_are_refused(api):
    assert_error(api.get("/notifications/channels"), 401, "unauthenticated")
    assert_error(api.get("/notifications/channels", headers=bearer("nope")), 401, "invalid_token")


def test_create_channels_of_every_type_with_secrets_masked(call, caplog):
    caplog.set_level(logging.DEBUG)
    bodies = [
        {"type": "email", "name": "Owner mail", "config": {"memberId": None, "teamId": None}},
        {"type": "slack", "name": "Slack", "config": {"webhookUrl": "https://hooks.slack.com" + SLACK_PATH}},
        {
            "type": "webhook",
            "name": "Hook",
            "config": {"url": "https://example.test/hook", "signingSecret": SECRET, "headers": {"X-Env": "prod"}},
        },
        {"type": "pager_duty", "name": "PD", "config": {"integrationKey": PD_KEY, "severity": "critical"}},
        {"type": "rootly", "name": "Rootly", "config": {"token": ROOTLY_TOKEN, "alertSourceUrl": None}},
    ]
    # email needs exactly one target
    assert_error(call("POST", "/notifications/channels", json=bodies[0]), 422, "validation_failed")
    owner_id = ok(call("GET", "/me"))["member"]["id"]
    bodies[0]["config"] = {"memberId": owner_id}
    created = [ok(call("POST", "/notifications/channels", json=body), 201) for body in bodies]
    email, slack, webhook, pager, rootly = created
    assert email["config"] == {"memberId": owner_id, "teamId": None}
    assert slack["config"] == {"webhookUrl": "https://hooks.slack.com/services/…"}
    assert webhook["config"] == {
        "url": "https://example.test/hook",
        "signingSecretSet": True,
        "headers": {"X-Env": "prod"},
    }
    assert pager["config"] == {"integrationKeyLast4": "89AB", "severity": "critical", "eventsUrl": None}
    assert rootly["config"] == {"tokenLast4": "-xyz", "alertSourceUrl": None}
    assert all(c["status"] == "active" and c["verifiedAt"] is None and c["deletedAt"] is None for c in created)
    listing = call("GET", "/notifications/channels")
    ok(listing)
    assert {c["id"] for c in listing.json()["items"]} == {c["id"] for c in created}
    assert listing.json()["included"]["members"][0]["id"] == owner_id
    # secrets are stored encrypted, and appear in no response and no log line
    stored = Channel.objects.get(id=slack["id"])
    assert "SLACKSECRETPATH" not in stored.secrets and "SLACKSECRETPATH" not in str(stored.config)
    for text in [listing.text, *(call("GET", f"/notifications/channels/{c['id']}").text for c in created)]:
        for secret in (SECRET, "SLACKSECRETPATH", PD_KEY, ROOTLY_TOKEN):
            assert secret not in text
    for secret in (SECRET, "SLACKSECRETPATH", PD_KEY, ROOTLY_TOKEN):
        assert secret not in caplog.text


def test_channel_validation_is_reported_at_the_field(call, cast):
    cases = [
        ({"type": "webhook", "name": "W", "config": {"url": "ftp://x"}}, "config.url"),
        (
            {"type": "webhook", "name": "W", "config": {"url": "https://x.test", "signingSecret": "short"}},
            "config.signingSecret",
        ),
        (
            {"type": "webhook", "name": "W", "config": {"url": "https://x.test", "headers": {"User-Agent": "me"}}},
            "config.headers.User-Agent",
        ),
        ({"type": "webhook", "name": "W", "config": {"url": "https://x.test", "bogus": 1}}, "config.bogus"),
        (
            {"type": "pager_duty", "name": "P", "config": {"integrationKey": "short", "severity": "critical"}},
            "config.integrationKey",
        ),
        (
            {"type": "pager_duty", "name": "P", "config": {"integrationKey": PD_KEY, "severity": "loud"}},
            "config.severity",
        ),
        ({"type": "rootly", "name": "R", "config": {}}, "config.token"),
        ({"type": "slack", "name": "S", "config": {}}, "config.webhookUrl"),
        ({"type": "email", "name": "E", "config": {"teamId": "NOSUCHTEAM"}}, "config.teamId"),
        ({"type": "webhook", "name": " ", "config": {"url": "https://x.test"}}, "name"),
        (
            {
                "type": "webhook",
                "name": "W",
                "teamId": cast.team.id,
                "memberId": cast.owner.member.id,
                "config": {"url": "https://x.test"},
            },
            "teamId",
        ),
        ({"type": "fax", "name": "W", "config": {}}, "type"),
    ]
    for body, field in cases:
        error = assert_error(call("POST", "/notifications/channels", json=body), 422, "validation_failed")
        assert field in error["details"]["fieldErrors"], (body, error)


def test_names_are_unique_per_owner_case_insensitively(call, cast):
    ok(call("POST", "/notifications/channels", json=webhook_body("https://a.test")), 201)
    assert_error(
        call("POST", "/notifications/channels", json=webhook_body("https://b.test", name="OPS WEBHOOK")),
        409,
        "already_exists",
    )
    # another owner (the team) may use the same name
    ok(call("POST", "/notifications/channels", json=webhook_body("https://b.test", teamId=cast.team.id)), 201)


def test_update_keeps_omitted_secrets_resets_verification_and_refuses_immutables(call):
    channel = ok(call("POST", "/notifications/channels", json=webhook_body("https://a.test")), 201)
    path = f"/notifications/channels/{channel['id']}"
    updated = ok(call("PATCH", path, json={"config": {"url": "https://b.test"}}))
    assert updated["config"]["signingSecretSet"] is True and updated["config"]["url"] == "https://b.test"
    cleared = ok(call("PATCH", path, json={"config": {"url": "https://b.test", "signingSecret": None}}))
    assert cleared["config"]["signingSecretSet"] is False
    disabled = ok(call("PATCH", path, json={"enabled": False}))
    assert disabled["status"] == "disabled" and disabled["enabled"] is False
    assert_error(call("POST", f"{path}/test"), 409, "invalid_state")
    for key, value in (("type", "slack"), ("teamId", None), ("memberId", None)):
        error = assert_error(call("PATCH", path, json={key: value}), 422, "validation_failed")
        assert key in error["details"]["fieldErrors"]
    assert ok(call("PATCH", path, json={}))["name"] == "Ops webhook"


def test_permissions_by_ownership(call, cast, tokens):
    org_channel = ok(call("POST", "/notifications/channels", json=webhook_body("https://a.test")), 201)
    # a Member (Contributor in the team) cannot see org-owned channels, nor create them, nor team ones
    assert_error(call("GET", f"/notifications/channels/{org_channel['id']}", who="member"), 404, "not_found")
    assert_error(
        call("POST", "/notifications/channels", who="member", json=webhook_body("https://m.test")),
        403,
        "permission_denied",
    )
    assert_error(
        call("POST", "/notifications/channels", who="member", json=webhook_body("https://m.test", teamId=cast.team.id)),
        403,
        "permission_denied",
    )
    # but they manage their own personal channels
    mine = ok(
        call(
            "POST",
            "/notifications/channels",
            who="member",
            json=webhook_body("https://m.test", memberId=cast.member.member.id),
        ),
        201,
    )
    # team-owned channels are visible to team members (view), managed by team admins and org admins
    team_channel = ok(
        call("POST", "/notifications/channels", who="admin", json=webhook_body("https://t.test", teamId=cast.team.id)),
        201,
    )
    seen = ok(call("GET", "/notifications/channels", who="member"))["items"]
    assert {c["id"] for c in seen} == {mine["id"], team_channel["id"]}
    assert_error(
        call("PATCH", f"/notifications/channels/{team_channel['id']}", who="member", json={"name": "x"}),
        403,
        "permission_denied",
    )
    # org admins see everything, incl. personal channels; another org sees nothing
    assert len(ok(call("GET", "/notifications/channels", who="admin"))["items"]) == 3
    assert ok(call("GET", "/notifications/channels", who="outsider"))["items"] == []
    assert_error(call("GET", f"/notifications/channels/{mine['id']}", who="outsider"), 404, "not_found")
    # a member cannot create a personal channel for somebody else
    assert_error(
        call(
            "POST",
            "/notifications/channels",
            who="member",
            json=webhook_body("https://m.test", name="x", memberId=cast.owner.member.id),
        ),
        403,
        "permission_denied",
    )
    # filters
    assert [c["id"] for c in ok(call("GET", f"/notifications/channels?teamId={cast.team.id}"))["items"]] == [
        team_channel["id"]
    ]
    assert ok(call("GET", "/notifications/channels?teamId=NOSUCHTEAM"))["items"] == []
    assert_error(call("GET", "/notifications/channels?teamId=bad-id"), 400, "invalid_request")


def test_email_targets_follow_ownership(call, cast):
    member_id, team_id = cast.member.member.id, cast.team.id
    # team-owned: its own team or one of its members; not the owner (not in the team)
    ok(
        call(
            "POST",
            "/notifications/channels",
            json={"type": "email", "name": "a", "teamId": team_id, "config": {"teamId": team_id}},
        ),
        201,
    )
    ok(
        call(
            "POST",
            "/notifications/channels",
            json={"type": "email", "name": "b", "teamId": team_id, "config": {"memberId": member_id}},
        ),
        201,
    )
    assert_error(
        call(
            "POST",
            "/notifications/channels",
            json={"type": "email", "name": "c", "teamId": team_id, "config": {"memberId": cast.admin.member.id}},
        ),
        422,
        "validation_failed",
    )
    # member-owned: only its own member (defaulted when omitted)
    mine = ok(
        call(
            "POST",
            "/notifications/channels",
            who="member",
            json={"type": "email", "name": "me", "memberId": member_id, "config": {}},
        ),
        201,
    )
    assert mine["config"] == {"memberId": member_id, "teamId": None}
    assert_error(
        call(
            "POST",
            "/notifications/channels",
            who="member",
            json={"type": "email", "name": "x", "memberId": member_id, "config": {"teamId": team_id}},
        ),
        422,
        "validation_failed",
    )


def test_rules_expand_shortcuts_and_check_scope_and_channels(call, cast):
    channel = ok(call("POST", "/notifications/channels", json=webhook_body("https://a.test")), 201)
    rule = ok(
        call(
            "POST",
            "/notifications/rules",
            json={
                "name": "Membership",
                "eventTypes": ["member.any", "member.joined"],
                "scopeType": "organization",
                "channelIds": [channel["id"]],
            },
        ),
        201,
    )
    assert rule["eventTypes"] == ["member.joined", "member.removed", "member.roles_changed"]
    assert rule["resourceType"] == "member" and rule["enabled"] is True
    bad = [
        ({"eventTypes": ["nope.event"]}, "eventTypes[0]"),
        ({"eventTypes": ["member.joined", "team.created"]}, "eventTypes"),
        ({"eventTypes": ["notification.test"]}, "eventTypes[0]"),
        ({"scopeType": "team"}, "scopeType"),
        ({"scopeType": "own_resources"}, "scopeType"),
        ({"scopeType": "resource"}, "resourceId"),
        ({"scopeType": "resource", "resourceId": "NOSUCHMEMBER"}, "resourceId"),
        ({"channelIds": []}, "channelIds"),
        ({"channelIds": ["NOSUCHCHANNEL"]}, "channelIds[0]"),
    ]
    base = {"name": "R2", "eventTypes": ["member.joined"], "scopeType": "organization", "channelIds": [channel["id"]]}
    for change, field in bad:
        error = assert_error(call("POST", "/notifications/rules", json=base | change), 422, "validation_failed")
        assert field in error["details"]["fieldErrors"], (change, error)
    # team scope applies to team events only; team rules may use org channels
    team_rule = {"name": "Team", "teamId": cast.team.id, "scopeType": "team", "channelIds": [channel["id"]]}
    assert_error(
        call("POST", "/notifications/rules", json=team_rule | {"eventTypes": ["member.joined"]}),
        422,
        "validation_failed",
    )
    ok(call("POST", "/notifications/rules", json=team_rule | {"eventTypes": ["team.member_added"]}), 201)
    # a personal rule cannot use an org channel
    personal = {
        "name": "Mine",
        "memberId": cast.member.member.id,
        "scopeType": "own_resources",
        "eventTypes": ["member.roles_changed"],
    }
    assert_error(
        call("POST", "/notifications/rules", who="member", json=personal | {"channelIds": [channel["id"]]}),
        422,
        "validation_failed",
    )
    assert_error(call("POST", "/notifications/rules", json=base | {"name": "membership"}), 409, "already_exists")
    # resource scope on a member
    ok(
        call(
            "POST",
            "/notifications/rules",
            json=base | {"name": "Mia", "scopeType": "resource", "resourceId": cast.member.member.id},
        ),
        201,
    )


def test_rule_update_toggle_and_channel_deletion(call):
    channel = ok(call("POST", "/notifications/channels", json=webhook_body("https://a.test")), 201)
    rule = ok(
        call(
            "POST",
            "/notifications/rules",
            json={
                "name": "R",
                "eventTypes": ["team.created"],
                "scopeType": "organization",
                "channelIds": [channel["id"]],
            },
        ),
        201,
    )
    path = f"/notifications/rules/{rule['id']}"
    assert ok(call("PATCH", path, json={"enabled": False}))["enabled"] is False
    assert ok(call("PATCH", path, json={"enabled": True}))["enabled"] is True
    assert_error(call("PATCH", path, json={"teamId": None}), 422, "validation_failed")
    assert [r["id"] for r in ok(call("GET", f"/notifications/rules?channelId={channel['id']}"))["items"]] == [
        rule["id"]
    ]
    # deleting the channel empties and disables the rule; enabling it again needs channels
    assert call("DELETE", f"/notifications/channels/{channel['id']}").status_code == 204
    assert_error(call("GET", f"/notifications/channels/{channel['id']}"), 404, "not_found")
    after = ok(call("GET", path))
    assert after["channelIds"] == [] and after["enabled"] is False
    error = assert_error(call("PATCH", path, json={"enabled": True}), 422, "validation_failed")
    assert "channelIds" in error["details"]["fieldErrors"]
    assert call("DELETE", path).status_code == 204
    assert_error(call("GET", path), 404, "not_found")
    assert ok(call("GET", "/notifications/rules"))["items"] == []


def test_marker_pagination_of_channels(call):
    for n in range(5):
        ok(call("POST", "/notifications/channels", json=webhook_body("https://a.test", name=f"C{n}")), 201)
    first = ok(call("GET", "/notifications/channels?limit=2"))
    second = ok(call("GET", f"/notifications/channels?limit=2&marker={first['marker']}"))
    third = ok(call("GET", f"/notifications/channels?limit=2&marker={second['marker']}"))
    names = [c["name"] for page in (first, second, third) for c in page["items"]]
    assert names == ["C4", "C3", "C2", "C1", "C0"] and "marker" not in third
    assert_error(
        call("GET", f"/notifications/channels?limit=2&teamId=ABC&marker={first['marker']}"), 400, "invalid_request"
    )


# --- Must show 1: a webhook channel's test send reaches a local receiver, signature verifies -----------


def test_webhook_test_send_reaches_local_receiver_and_signature_verifies(call):
    with Receiver() as receiver:
        channel = ok(
            call(
                "POST",
                "/notifications/channels",
                json={
                    "type": "webhook",
                    "name": "Local",
                    "config": {"url": receiver.url, "signingSecret": SECRET, "headers": {"X-Team": "ops"}},
                },
            ),
            201,
        )
        result = ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
    assert result["delivered"] is True and result["responseStatus"] == 200
    assert result["channel"]["verifiedAt"] is not None and result["channel"]["status"] == "active"
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert verify_signature(SECRET, request.body, request.headers["LakeSail-Signature"])
    assert not verify_signature("another-secret-entirely", request.body, request.headers["LakeSail-Signature"])
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"] == "LakeSail-Notifications/1"
    assert request.headers["LakeSail-Event-Type"] == "notification.test"
    assert request.headers["X-Team"] == "ops"
    import json

    payload = json.loads(request.body)
    assert payload["type"] == "notification.test" and payload["resource"] == {
        "type": "channel",
        "id": channel["id"],
        "name": "Local",
    }
    assert request.body == json.dumps(payload, separators=(",", ":")).encode()  # compact
    history = ok(call("GET", f"/notifications/deliveries?channelId={channel['id']}"))
    (delivery,) = history["items"]
    assert delivery["id"] == request.headers["LakeSail-Delivery-Id"]
    assert delivery["status"] == "delivered" and delivery["ruleId"] is None and delivery["attempts"] == 1
    assert delivery["payload"] == payload and delivery["attemptLog"][0]["responseStatus"] == 200


def test_test_send_failure_explains_itself(call):
    with Receiver(statuses=[503]) as receiver:
        channel = ok(call("POST", "/notifications/channels", json=webhook_body(receiver.url)), 201)
        result = ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
    assert result["delivered"] is False and result["responseStatus"] == 503
    assert "HTTP 503 Service Unavailable" in result["message"]
    assert result["channel"]["status"] == "failing" and result["channel"]["verifiedAt"] is None
    # the receiver is gone now: one neutral message, whatever the cause (no "refused", no "DNS error")
    refused = ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
    assert refused["delivered"] is False and refused["responseStatus"] is None
    assert refused["message"] == f"Could not connect to {receiver.url.split('/')[2]}."
    unknown = ok(
        call("POST", "/notifications/channels", json=webhook_body("http://no-such-host.invalid/hook", name="DNS")), 201
    )
    result = ok(call("POST", f"/notifications/channels/{unknown['id']}/test"))
    assert result["message"] == "Could not connect to no-such-host.invalid."
    assert Delivery.objects.filter(status="failed").count() == 3


def test_slack_pagerduty_rootly_test_sends_use_their_formats(call):
    import json

    with Receiver() as receiver:
        slack = ok(
            call(
                "POST",
                "/notifications/channels",
                json={"type": "slack", "name": "S", "config": {"webhookUrl": receiver.url + SLACK_PATH}},
            ),
            201,
        )
        pager = ok(
            call(
                "POST",
                "/notifications/channels",
                json={
                    "type": "pager_duty",
                    "name": "P",
                    "config": {"integrationKey": PD_KEY, "severity": "warning", "eventsUrl": receiver.url},
                },
            ),
            201,
        )
        rootly = ok(
            call(
                "POST",
                "/notifications/channels",
                json={"type": "rootly", "name": "R", "config": {"token": ROOTLY_TOKEN, "alertSourceUrl": receiver.url}},
            ),
            201,
        )
        for channel in (slack, pager, rootly):
            assert ok(call("POST", f"/notifications/channels/{channel['id']}/test"))["delivered"] is True
    slack_req, pager_req, rootly_req = receiver.requests
    assert slack_req.path == "/hook" + SLACK_PATH
    assert json.loads(slack_req.body) == {"text": "Test notification: S — This is a test notification from LakeSail."}
    event = json.loads(pager_req.body)
    assert event["routing_key"] == PD_KEY and event["event_action"] == "trigger" and event["dedup_key"] == pager["id"]
    assert event["payload"]["severity"] == "warning" and event["payload"]["source"] == "lakesail"
    assert rootly_req.headers["Authorization"] == f"Bearer {ROOTLY_TOKEN}"
    assert json.loads(rootly_req.body)["type"] == "notification.test"


def test_seed_demo_adds_channels_and_rules_through_the_services(db):
    from io import StringIO

    from django.core.management import call_command

    from localplatform.notifications.models import Rule

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "notification channels created: 3" in out.getvalue()
    assert set(Channel.objects.values_list("type", flat=True)) == {"email", "webhook", "slack"}
    membership = Rule.objects.get(name="Membership changes")
    assert membership.event_types == ["member.joined", "member.removed", "member.roles_changed"]
    assert Rule.objects.get(name="Data Platform roster").scope_type == "team"
    test_mail = Delivery.objects.get()
    assert test_mail.status == "delivered" and test_mail.event_type == "notification.test"
    assert Channel.objects.get(type="email").verified_at is not None
    call_command("seed_demo", stdout=StringIO())
    assert Channel.objects.count() == 3 and Rule.objects.count() == 3


def test_a_slow_receiver_times_out_with_an_explanation(call, monkeypatch):
    from localplatform.notifications import pipeline

    assert pipeline.TEST_SECONDS == 10  # §3.21.7, everything included; the throttle keeps workers free
    monkeypatch.setattr(pipeline, "TEST_SECONDS", 0.3)
    with Receiver(delay=1.0) as receiver:
        channel = ok(call("POST", "/notifications/channels", json=webhook_body(receiver.url)), 201)
        started = time.monotonic()
        result = ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
        elapsed = time.monotonic() - started
    assert result["delivered"] is False and result["responseStatus"] is None
    assert result["message"] == f"Timed out: {receiver.url.split('/')[2]} did not answer within 0.3 s."
    assert elapsed < 0.9


def test_delivery_history_is_filtered_by_what_the_caller_can_view(call, cast):
    with Receiver() as receiver:
        org_channel = ok(call("POST", "/notifications/channels", json=webhook_body(receiver.url)), 201)
        team_channel = ok(
            call("POST", "/notifications/channels", json=webhook_body(receiver.url, name="T", teamId=cast.team.id)), 201
        )
        for channel in (org_channel, team_channel):
            ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
    assert len(ok(call("GET", "/notifications/deliveries"))["items"]) == 2
    # Mia (Contributor in the team) sees the team channel's deliveries only
    seen = ok(call("GET", "/notifications/deliveries", who="member"))
    assert [d["channelId"] for d in seen["items"]] == [team_channel["id"]]
    assert [c["id"] for c in seen["included"]["channels"]] == [team_channel["id"]]
    assert ok(call("GET", f"/notifications/deliveries?channelId={org_channel['id']}", who="member"))["items"] == []
    assert ok(call("GET", "/notifications/deliveries", who="outsider"))["items"] == []
    assert_error(call("GET", "/notifications/deliveries?status=lost"), 400, "invalid_request")
    # a deleted channel's history stays, with deletedAt set
    assert call("DELETE", f"/notifications/channels/{team_channel['id']}").status_code == 204
    history = ok(call("GET", f"/notifications/deliveries?channelId={team_channel['id']}"))
    assert len(history["items"]) == 1 and history["included"]["channels"][0]["deletedAt"] is not None
    assert_error(call("POST", f"/notifications/channels/{team_channel['id']}/test"), 404, "not_found")
