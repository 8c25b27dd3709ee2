"""Notifications hardening (issue 9 items 3 and 4): poisoned configs never give a 5xx, and the delivery
pipeline always ends a delivery `pending` or `failed`, whatever the sender raises or the worker suffers."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from localplatform.events import emit
from localplatform.notifications import pipeline, senders
from localplatform.notifications.models import Channel, Delivery
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.notify_support import Connections, FakeDns, Receiver

PUBLIC = "8.8.8.8"  # a fake DNS answer only: nothing ever connects to it


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    return FakeDns(monkeypatch, {"public.test": [PUBLIC]})


@pytest.fixture
def tokens(cast, login, auditor):
    people = {"owner": cast.owner, "admin": cast.admin, "member": cast.member, "auditor": auditor}
    return {name: login(person)["accessToken"] for name, person in people.items()}


@pytest.fixture
def call(api, tokens):
    def _call(method: str, path: str, who: str = "owner", **kwargs):
        return api.request(method, path, headers=bearer(tokens[who]), **kwargs)

    return _call


def new_webhook(call, url: str, name: str = "W", **extra) -> dict:
    body = {"type": "webhook", "name": name, "config": {"url": url}, **extra}
    return ok(call("POST", "/notifications/channels", json=body), 201)


def org_rule(channel_id: str) -> dict:
    return {"name": "R", "eventTypes": ["team.created"], "scopeType": "organization", "channelIds": [channel_id]}


def rule_and_event(call, cast, channel_id: str, capture) -> Delivery:
    """A rule on the channel and a matching event; the worker (in-process queue) makes the first attempt."""
    ok(call("POST", "/notifications/rules", json=org_rule(channel_id)), 201)
    with capture(execute=True):
        emit(cast.org.id, "team.created", "team", "TEAM000001", "Growth", data={})
    return Delivery.objects.get(channel_id=channel_id, rule_id__isnull=False)


# --- Must show 4 (notifications part): poisoned configs never give a 5xx ------------------------------

POISONED = [
    ({"url": "https://public.test/a\r\nX-Injected: yes"}, "config.url"),
    ({"url": "https://public.test/\x00"}, "config.url"),
    ({"url": "http://[::1/"}, "config.url"),
    ({"url": "https://public.test:99999/"}, "config.url"),
    ({"url": "https://public.test:0/"}, "config.url"),
    ({"url": "https://user:hunter2-pw@public.test/"}, "config.url"),
    ({"headers": {"X-Env": "caf\u00e9"}}, "config.headers.X-Env"),
    ({"headers": {"X-Env": "a\r\nX-Injected: yes"}}, "config.headers.X-Env"),
    ({"headers": {"Content-Length": "5"}}, "config.headers.Content-Length"),
    ({"headers": {"Transfer-Encoding": "chunked"}}, "config.headers.Transfer-Encoding"),
    ({"headers": {"Host": "evil.test"}}, "config.headers.Host"),
    ({"headers": {"Authorization": "Bearer x"}}, "config.headers.Authorization"),
    ({"headers": {"Cookie": "a=b"}}, "config.headers.Cookie"),
    ({"headers": {"Proxy-Authorization": "x"}}, "config.headers.Proxy-Authorization"),
    ({"headers": {"Bad Name": "x"}}, "config.headers.Bad Name"),
]


@pytest.mark.parametrize("poison, field", POISONED)
def test_poisoned_configs_are_422_at_create_and_update_and_fail_cleanly_when_stored(
    poison, field, call, cast, monkeypatch, django_capture_on_commit_callbacks
):
    connections = Connections(monkeypatch)
    config = {"url": "https://public.test/hook"} | poison
    # Control characters are refused at the API's edge (400, any route); the rest by the channel's rules (422).
    texts = [*poison.get("headers", {}).values(), poison.get("url", "")]
    edge = any("\x00" in text for text in texts)  # CR and LF may be in text; the rules refuse them here
    status, code = (400, "invalid_request") if edge else (422, "validation_failed")
    created = call("POST", "/notifications/channels", json={"type": "webhook", "name": "P", "config": config})
    assert field in assert_error(created, status, code)["details"]["fieldErrors"]
    assert "hunter2" not in created.text
    good = {"type": "webhook", "name": "W", "config": {"url": "https://public.test/"}}
    channel_id = ok(call("POST", "/notifications/channels", json=good), 201)["id"]
    updated = call("PATCH", f"/notifications/channels/{channel_id}", json={"config": config})
    assert field in assert_error(updated, status, code)["details"]["fieldErrors"]
    if "\x00" in config["url"] and connection.vendor == "postgresql":
        return  # PostgreSQL cannot store NUL in JSON: such a row cannot exist there
    stored = {"url": config["url"], "signingSecretSet": False, "headers": config.get("headers", {})}
    Channel.objects.filter(id=channel_id).update(config=stored)  # a row written before the guard

    result = ok(call("POST", f"/notifications/channels/{channel_id}/test"))
    assert result["delivered"] is False and result["message"].startswith("The channel's configuration is not valid.")
    delivery = rule_and_event(call, cast, channel_id, django_capture_on_commit_callbacks)
    assert delivery.status == "failed" and delivery.attempts == 1  # no retry: the config must change first
    history = ok(call("GET", f"/notifications/deliveries?channelId={channel_id}"))
    assert [d["status"] for d in history["items"]] == ["failed", "failed"]
    messages = [result["message"]] + [a["statusMessage"] for d in history["items"] for a in d["attemptLog"]]
    assert "hunter2" not in str(messages)
    assert connections.made == []


# --- Whatever a sender raises, the delivery ends pending or failed ----------------------------------------


@pytest.mark.parametrize(
    "error", [RuntimeError("boom"), KeyError("webhookUrl"), UnicodeEncodeError("ascii", "é", 0, 1, "x")]
)
def test_a_sender_that_raises_ends_the_delivery_pending_or_failed(
    error, call, cast, monkeypatch, django_capture_on_commit_callbacks
):
    def explode(*args, **kwargs):
        raise error

    monkeypatch.setattr(senders, "send", explode)
    channel = new_webhook(call, "http://127.0.0.1:9/")
    result = ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
    assert result["delivered"] is False and result["message"] == pipeline.INTERNAL
    assert Delivery.objects.get(rule_id=None).status == "failed"
    delivery = rule_and_event(call, cast, channel["id"], django_capture_on_commit_callbacks)
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.next_attempt_at is not None
    assert delivery.attempt_log[0]["statusMessage"] == pipeline.INTERNAL
    assert Channel.objects.get(id=channel["id"]).status == "failing"


def test_deliveries_left_delivering_past_the_lease_are_recovered(call, cast):
    channel = new_webhook(call, "http://127.0.0.1:9/")
    long_ago = timezone.now() - pipeline.LEASE - timedelta(seconds=5)
    common = {"organization_id": cast.org.id, "event_type": "team.created", "channel_id": channel["id"]}
    common |= {"resource_type": "team", "resource_id": "TEAM000001", "status": "delivering"}
    from_rule = Delivery.objects.create(event_id="EVENT00001", rule_id="RULE000001", last_attempt_at=long_ago, **common)
    test = Delivery.objects.create(event_id="EVENT00002", rule_id=None, last_attempt_at=long_ago, **common)
    legacy = Delivery.objects.create(event_id="EVENT00003", rule_id="RULE000001", **common)  # no start time
    Delivery.objects.filter(id=legacy.id).update(created_at=long_ago)
    now = timezone.now()
    fresh = Delivery.objects.create(event_id="EVENT00004", rule_id="RULE000001", last_attempt_at=now, **common)
    assert pipeline.recover_stuck() == 2 + 1
    for delivery in (from_rule, test, legacy, fresh):
        delivery.refresh_from_db()
    assert from_rule.status == "pending" and from_rule.next_attempt_at and from_rule.attempts == 1
    assert from_rule.attempt_log[0]["statusMessage"] == pipeline.INTERRUPTED
    assert test.status == "failed" and legacy.status == "pending"
    assert fresh.status == "delivering"  # still within its lease: an attempt may be under way


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_dies_mid_attempt_leaves_nothing_stuck(catalogue, cast, api, login, monkeypatch):
    """A sender interrupted by something no `except Exception` catches (as when the worker is killed)."""
    backend = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(pipeline, "LEASE", timedelta(seconds=1))
    real_send = senders.send
    crashed = []

    def crash_once(*args, **kwargs):
        if not crashed:
            crashed.append(True)
            raise KeyboardInterrupt
        return real_send(*args, **kwargs)

    monkeypatch.setattr(senders, "send", crash_once)
    with Receiver(statuses=[204]) as receiver, override_settings(TASKS=backend, LAKESAIL_NOTIFY_RETRY_DELAYS=[1]):
        token = login(cast.owner)["accessToken"]

        def call(method, path, **kwargs):
            return api.request(method, path, headers=bearer(token), **kwargs)

        channel = new_webhook(call, receiver.url)
        ok(call("POST", "/notifications/rules", json=org_rule(channel["id"])), 201)
        emit(cast.org.id, "team.created", "team", "TEAM000001", "Growth", data={})
        delivery = Delivery.objects.get()
        seen = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and delivery.status != "delivered":
            call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
            delivery.refresh_from_db()
            seen.append(delivery.status)
            time.sleep(0.2)
    assert seen[0] == "delivering"  # the crash left it there
    assert delivery.status == "delivered" and delivery.attempts == 2 and len(receiver.requests) == 1
    assert delivery.attempt_log[0]["statusMessage"] == pipeline.INTERRUPTED
