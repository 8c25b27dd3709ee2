"""The delivery pipeline (contract §3.21, §4): events -> rules -> deliveries -> real HTTP and SMTP."""

import itertools
import json
import logging
import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from localplatform.events import emit
from localplatform.notifications.models import Channel, Delivery
from tests.conftest import bearer
from tests.localplatform.helpers import ok
from tests.localplatform.notify_support import FakeDns, Receiver, SmtpSink, verify_signature

SECRET = "whsec-pipeline-secret-abcdef"


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Names like t.test resolve to nothing; no DNS query leaves the machine."""
    return FakeDns(monkeypatch)


@pytest.fixture
def owner_call(api, cast, login):
    token = login(cast.owner)["accessToken"]

    def _call(method: str, path: str, **kwargs):
        return api.request(method, path, headers=bearer(token), **kwargs)

    return _call


def make_channel(call, body: dict) -> dict:
    return ok(call("POST", "/notifications/channels", json=body), 201)


def make_rule(call, name: str, event_types: list[str], channel_ids: list[str], **extra) -> dict:
    body = {"name": name, "eventTypes": event_types, "scopeType": "organization", "channelIds": channel_ids, **extra}
    return ok(call("POST", "/notifications/rules", json=body), 201)


# --- Must show 2: accepting an invitation -> one delivered webhook + one mail through real SMTP -----------


def test_accepting_an_invitation_delivers_a_webhook_and_a_real_smtp_mail(
    owner_call, api, cast, django_capture_on_commit_callbacks
):
    with Receiver() as receiver, SmtpSink() as smtp, override_settings(MAILERS=smtp.mailers()):
        hook = make_channel(
            owner_call,
            {"type": "webhook", "name": "Joins", "config": {"url": receiver.url, "signingSecret": SECRET}},
        )
        email = make_channel(
            owner_call, {"type": "email", "name": "Owner", "config": {"memberId": cast.owner.member.id}}
        )
        rule = make_rule(owner_call, "Membership changes", ["member.any"], [hook["id"], email["id"]])

        with django_capture_on_commit_callbacks(execute=True):
            ok(owner_call("POST", "/org/invitations", json={"email": "nina.new@acme.test"}), 201)
        invitation_mail = next(m for m in smtp.messages if "invited you" in m["Subject"])
        token = re.search(
            r"/invitations/([A-Za-z0-9_-]{43})",
            invitation_mail.get_payload(0).get_payload(decode=True).decode()
            if invitation_mail.is_multipart()
            else invitation_mail.get_payload(),
        ).group(1)
        with django_capture_on_commit_callbacks(execute=True):
            accepted = api.post(
                f"/invitations/{token}/accept",
                json={"password": "a-long-enough-password", "givenName": "Nina", "familyName": "New"},
            )
        assert accepted.status_code == 200, accepted.text
        new_member_id = accepted.json()["member"]["id"]

    # exactly one webhook request: member.joined, signed
    joined = [r for r in receiver.requests if r.headers["LakeSail-Event-Type"] == "member.joined"]
    assert len(joined) == 1 and len(receiver.requests) == 1
    assert verify_signature(SECRET, joined[0].body, joined[0].headers["LakeSail-Signature"])
    payload = json.loads(joined[0].body)
    assert payload["resource"] == {"type": "member", "id": new_member_id, "name": "Nina New"}
    assert payload["data"]["email"] == "nina.new@acme.test" and payload["data"]["actorMemberId"] == new_member_id
    # exactly one notification mail, to the owner's primary address, through the SMTP server
    notices = [m for m in smtp.messages if m["Subject"].startswith("[LakeSail]")]
    assert len(notices) == 1
    assert notices[0]["To"] == "owner@acme.test"
    assert notices[0]["Subject"] == "[LakeSail] Member joined: Nina New"
    assert "email: nina.new@acme.test" in notices[0].get_payload()
    # both visible in the history, delivered, with their attempts
    history = ok(owner_call("GET", f"/notifications/deliveries?ruleId={rule['id']}"))
    by_channel = {d["channelId"]: d for d in history["items"]}
    assert set(by_channel) == {hook["id"], email["id"]}
    assert all(
        d["status"] == "delivered" and d["attempts"] == 1 and d["eventType"] == "member.joined"
        for d in history["items"]
    )
    assert by_channel[hook["id"]]["responseStatus"] == 200
    assert {c["id"] for c in history["included"]["channels"]} == {hook["id"], email["id"]}
    assert [r["id"] for r in history["included"]["rules"]] == [rule["id"]]
    assert ok(owner_call("GET", "/notifications/deliveries?status=delivered"))["items"]
    assert ok(owner_call("GET", "/notifications/deliveries?status=failed"))["items"] == []


def test_one_event_reaching_a_channel_through_two_rules_is_attempted_once(
    owner_call, cast, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        hook = make_channel(owner_call, {"type": "webhook", "name": "H", "config": {"url": receiver.url}})
        first = make_rule(owner_call, "First", ["team.created"], [hook["id"]])
        second = make_rule(owner_call, "Second", ["team.created", "team.deleted"], [hook["id"]])
        with django_capture_on_commit_callbacks(execute=True):
            emit(
                cast.org.id,
                "team.created",
                "team",
                "TEAM000001",
                "Growth",
                data={"teamId": "TEAM000001"},
                team_ids=["TEAM000001"],
            )
    assert len(receiver.requests) == 1
    deliveries = {d.rule_id: d for d in Delivery.objects.all()}
    assert deliveries[first["id"]].status == "delivered"
    assert deliveries[second["id"]].status == "skipped" and "Duplicate" in deliveries[second["id"]].status_message


def test_disabled_channels_and_rules_skip_and_unmatched_scopes_do_not_deliver(
    owner_call, cast, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        hook = make_channel(
            owner_call, {"type": "webhook", "name": "H", "config": {"url": receiver.url}, "enabled": False}
        )
        make_rule(owner_call, "R", ["team.created"], [hook["id"]])
        team_hook = make_channel(
            owner_call, {"type": "webhook", "name": "T", "teamId": cast.team.id, "config": {"url": receiver.url}}
        )
        make_rule(owner_call, "Team", ["team.member_added"], [team_hook["id"]], scopeType="team", teamId=cast.team.id)
        with django_capture_on_commit_callbacks(execute=True):
            emit(cast.org.id, "team.created", "team", "TEAM000001", "Growth", data={})
            emit(cast.org.id, "team.member_added", "team", "TEAM000002", "Other", data={}, team_ids=["TEAM000002"])
            emit(cast.other_org.id, "team.created", "team", "TEAM000003", "Elsewhere", data={})
            emit(
                cast.org.id, "team.member_added", "team", cast.team.id, cast.team.name, data={}, team_ids=[cast.team.id]
            )
    (skipped,) = Delivery.objects.filter(channel_id=hook["id"])
    assert skipped.status == "skipped" and skipped.status_message == "Skipped: the channel is disabled."
    (team_delivery,) = Delivery.objects.filter(channel_id=team_hook["id"])
    assert team_delivery.status == "delivered" and team_delivery.resource_id == cast.team.id
    assert len(receiver.requests) == 1


def test_personal_rules_match_own_resources_only(api, cast, login, django_capture_on_commit_callbacks):
    token = login(cast.member)["accessToken"]
    member_id = cast.member.member.id
    with Receiver() as receiver:
        channel = ok(
            api.post(
                "/notifications/channels",
                headers=bearer(token),
                json={"type": "webhook", "name": "Mine", "memberId": member_id, "config": {"url": receiver.url}},
            ),
            201,
        )
        ok(
            api.post(
                "/notifications/rules",
                headers=bearer(token),
                json={
                    "name": "My roles",
                    "memberId": member_id,
                    "scopeType": "own_resources",
                    "eventTypes": ["member.roles_changed"],
                    "channelIds": [channel["id"]],
                },
            ),
            201,
        )
        with django_capture_on_commit_callbacks(execute=True):
            emit(
                cast.org.id,
                "member.roles_changed",
                "member",
                cast.admin.member.id,
                "Adam Admin",
                data={},
                owner_member_id=cast.admin.member.id,
            )
            emit(
                cast.org.id,
                "member.roles_changed",
                "member",
                member_id,
                "Mia Member",
                data={},
                owner_member_id=member_id,
            )
    assert len(receiver.requests) == 1 and json.loads(receiver.requests[0].body)["resource"]["id"] == member_id


def test_email_to_a_team_reaches_each_active_explicit_member(owner_call, cast, django_capture_on_commit_callbacks):
    channel = make_channel(owner_call, {"type": "email", "name": "Team mail", "config": {"teamId": cast.team.id}})
    make_rule(owner_call, "Teams", ["team.created"], [channel["id"]])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        emit(
            cast.org.id,
            "team.created",
            "team",
            "TEAM000009",
            "Growth",
            data={"teamId": "TEAM000009", "teamName": "Growth"},
        )
    # the creator (owner) joined as Team Admin, Mia was added: both explicit members
    assert sorted(m.to[0] for m in mail.outbox) == ["member@acme.test", "owner@acme.test"]
    assert mail.outbox[0].subject == "[LakeSail] Team created: Growth"


def test_team_deleted_and_member_removed_take_their_channels_and_rules_along(
    owner_call, cast, django_capture_on_commit_callbacks
):
    team_channel = make_channel(
        owner_call, {"type": "webhook", "name": "T", "teamId": cast.team.id, "config": {"url": "https://t.test"}}
    )
    team_email = make_channel(owner_call, {"type": "email", "name": "To team", "config": {"teamId": cast.team.id}})
    member_email = make_channel(
        owner_call, {"type": "email", "name": "To Mia", "config": {"memberId": cast.member.member.id}}
    )
    with django_capture_on_commit_callbacks(execute=True):
        emit(cast.org.id, "team.deleted", "team", cast.team.id, cast.team.name, data={}, team_ids=[cast.team.id])
        emit(cast.org.id, "member.removed", "member", cast.member.member.id, "Mia Member", data={})
    assert Channel.objects.get(id=team_channel["id"]).deleted_at is not None
    for channel_id in (team_email["id"], member_email["id"]):
        channel = Channel.objects.get(id=channel_id)
        assert channel.enabled is False and channel.status == "disabled" and channel.status_message


def test_purge_command_deletes_deliveries_older_than_30_days(owner_call, cast):
    channel = make_channel(owner_call, {"type": "webhook", "name": "H", "config": {"url": "http://127.0.0.1:9/x"}})
    ok(owner_call("POST", f"/notifications/channels/{channel['id']}/test"))
    old = Delivery.objects.get()
    Delivery.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=31))
    ok(owner_call("POST", f"/notifications/channels/{channel['id']}/test"))
    call_command("purge_deliveries")
    assert list(Delivery.objects.values_list("id", flat=True)) != [old.id] and Delivery.objects.count() == 1


# --- Must show 5: secrets are never logged ---------------------------------------------------------------


def test_no_secret_reaches_a_log_line(owner_call, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="httpx")  # settings keep httpx at WARNING; its URL lines are checked too
    slack_path = "/services/T0AAA/B0BBB/TOPSECRETSLACKPATH"
    with Receiver(statuses=[500]) as receiver:
        slack = make_channel(
            owner_call, {"type": "slack", "name": "S", "config": {"webhookUrl": receiver.url + slack_path}}
        )
        hook = make_channel(
            owner_call, {"type": "webhook", "name": "W", "config": {"url": receiver.url, "signingSecret": SECRET}}
        )
        rootly = make_channel(
            owner_call,
            {"type": "rootly", "name": "R", "config": {"token": "rootly-secret-token", "alertSourceUrl": receiver.url}},
        )
        for channel in (slack, hook, rootly):
            result = ok(owner_call("POST", f"/notifications/channels/{channel['id']}/test"))
            assert result["delivered"] is False
            for secret in ("TOPSECRETSLACKPATH", SECRET, "rootly-secret-token"):
                assert secret not in json.dumps(result)
        history = owner_call("GET", "/notifications/deliveries")
    assert receiver.requests[0].path.endswith("TOPSECRETSLACKPATH")  # it really was sent there
    assert "notification delivery" in caplog.text and "HTTP Request: POST" in caplog.text
    for secret in ("TOPSECRETSLACKPATH", SECRET, "rootly-secret-token"):
        assert secret not in caplog.text
        assert secret not in history.text


# --- Must show 3: a receiver answering 500 is retried on schedule, ends failed, channel failing ----------


@pytest.mark.django_db(transaction=True)
def test_a_failing_receiver_is_retried_on_schedule_by_the_database_worker(catalogue, cast, api, login):
    delays = [1, 2, 1]
    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with Receiver(statuses=[500]) as receiver, override_settings(TASKS=backend, LAKESAIL_NOTIFY_RETRY_DELAYS=delays):
        token = login(cast.owner)["accessToken"]

        def call(method, path, **kwargs):
            return api.request(method, path, headers=bearer(token), **kwargs)

        hook = make_channel(call, {"type": "webhook", "name": "Flaky", "config": {"url": receiver.url}})
        make_rule(call, "Teams", ["team.created"], [hook["id"]])
        emit(cast.org.id, "team.created", "team", "TEAM000001", "Growth", data={"teamId": "TEAM000001"})
        delivery = Delivery.objects.get()
        assert delivery.status == "pending" and receiver.requests == []  # queued, not sent in the request
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
            delivery.refresh_from_db()
            if delivery.status in ("delivered", "failed"):
                break
            if delivery.status == "pending" and delivery.attempts:
                assert delivery.next_attempt_at is not None
            time.sleep(0.2)
        history = ok(call("GET", f"/notifications/deliveries?channelId={hook['id']}"))
        channel = ok(call("GET", f"/notifications/channels/{hook['id']}"))

    (row,) = history["items"]
    assert row["status"] == "failed" and row["attempts"] == 4 and len(receiver.requests) == 4
    assert [a["attempt"] for a in row["attemptLog"]] == [1, 2, 3, 4]
    assert all(a["responseStatus"] == 500 and "HTTP 500" in a["statusMessage"] for a in row["attemptLog"])
    assert row["responseStatus"] == 500 and row["nextAttemptAt"] is None and row["completedAt"]
    # on schedule: each retry came no sooner than its delay after the previous attempt
    sent = [a.received_at for a in receiver.requests]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert all(gap >= delay - 0.05 for gap, delay in zip(gaps, delays, strict=True)), gaps
    assert channel["status"] == "failing" and "HTTP 500" in channel["statusMessage"]


def test_invitation_rules_with_own_resources_follow_the_inviter(api, cast, login, django_capture_on_commit_callbacks):
    """An admin's personal rule on their own invitations hears about the ones they sent, not the owner's."""
    token = login(cast.admin)["accessToken"]
    admin_id = cast.admin.member.id
    with Receiver() as receiver:
        channel = ok(
            api.post(
                "/notifications/channels",
                headers=bearer(token),
                json={"type": "webhook", "name": "Mine", "memberId": admin_id, "config": {"url": receiver.url}},
            ),
            201,
        )
        body = {
            "name": "My invitations",
            "memberId": admin_id,
            "scopeType": "own_resources",
            "eventTypes": ["invitation.created"],
            "channelIds": [channel["id"]],
        }
        ok(api.post("/notifications/rules", headers=bearer(token), json=body), 201)
        owner_token = login(cast.owner)["accessToken"]
        with django_capture_on_commit_callbacks(execute=True):
            ok(api.post("/org/invitations", headers=bearer(owner_token), json={"email": "a@acme.test"}), 201)
            ok(api.post("/org/invitations", headers=bearer(token), json={"email": "b@acme.test"}), 201)
    assert [json.loads(r.body)["data"]["email"] for r in receiver.requests] == ["b@acme.test"]
