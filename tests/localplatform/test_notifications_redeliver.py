"""Describe a delivery (§3.21.14) and redeliver it now (§3.21.15)."""

import json

import pytest

from localplatform.notifications.models import Delivery
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.notify_support import FakeDns, Receiver


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    return FakeDns(monkeypatch)


@pytest.fixture
def tokens(cast, login, auditor):
    people = {"owner": cast.owner, "member": cast.member, "auditor": auditor, "outsider": cast.outsider}
    return {name: login(person)["accessToken"] for name, person in people.items()}


@pytest.fixture
def call(api, tokens):
    def _call(method: str, path: str, who: str = "owner", **kwargs):
        return api.request(method, path, headers=bearer(tokens[who]), **kwargs)

    return _call


def failed_test_delivery(call, receiver: Receiver, **channel) -> tuple[dict, Delivery]:
    body = {"type": "webhook", "name": "Hook", "config": {"url": receiver.url}, **channel}
    created = ok(call("POST", "/notifications/channels", json=body), 201)
    assert ok(call("POST", f"/notifications/channels/{created['id']}/test"))["delivered"] is False
    return created, Delivery.objects.get(channel_id=created["id"])


def test_a_failed_delivery_redelivered_to_a_receiver_that_now_answers_ends_delivered(
    call, django_capture_on_commit_callbacks
):
    with Receiver(statuses=[500, 204]) as receiver:
        channel, delivery = failed_test_delivery(call, receiver)
        assert delivery.status == "failed"
        with django_capture_on_commit_callbacks(execute=True):
            answer = call("POST", f"/notifications/deliveries/{delivery.id}/redeliver")
            queued = ok(answer, 202)["delivery"]
            assert queued["status"] == "pending" and queued["nextAttemptAt"] and queued["completedAt"] is None
        detail = ok(call("GET", f"/notifications/deliveries/{delivery.id}"))
    done = detail["delivery"]
    assert done["status"] == "delivered" and done["attempts"] == 2 and done["responseStatus"] == 204
    assert [(a["attempt"], a["responseStatus"]) for a in done["attemptLog"]] == [(1, 500), (2, 204)]
    assert done["completedAt"] and done["nextAttemptAt"] is None
    assert [c["id"] for c in detail["included"]["channels"]] == [channel["id"]] and detail["included"]["rules"] == []
    # the same payload and delivery id, twice (PostgreSQL's jsonb may order the stored payload's keys anew)
    first, second = receiver.requests
    assert json.loads(first.body) == json.loads(second.body)
    assert first.headers["LakeSail-Delivery-Id"] == second.headers["LakeSail-Delivery-Id"] == delivery.id


def test_only_failed_and_pending_deliveries_of_live_enabled_channels_are_redelivered(call):
    with Receiver(statuses=[200]) as receiver:
        body = {"type": "webhook", "name": "Fine", "config": {"url": receiver.url}}
        channel = ok(call("POST", "/notifications/channels", json=body), 201)
        ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
    delivered = Delivery.objects.get(channel_id=channel["id"])
    path = f"/notifications/deliveries/{delivered.id}/redeliver"
    assert "delivered" in assert_error(call("POST", path), 409, "invalid_state")["message"]
    for status in ("delivering", "skipped"):
        Delivery.objects.filter(id=delivered.id).update(status=status)
        assert status in assert_error(call("POST", path), 409, "invalid_state")["message"]
    Delivery.objects.filter(id=delivered.id).update(status="failed")
    ok(call("PATCH", f"/notifications/channels/{channel['id']}", json={"enabled": False}))
    assert "disabled" in assert_error(call("POST", path), 409, "invalid_state")["message"]
    assert call("DELETE", f"/notifications/channels/{channel['id']}").status_code == 204
    assert "deleted" in assert_error(call("POST", path), 409, "invalid_state")["message"]
    # a deleted channel's delivery can still be described (history keeps it)
    assert ok(call("GET", f"/notifications/deliveries/{delivered.id}"))["included"]["channels"][0]["deletedAt"]


def test_describe_and_redeliver_follow_the_channel_permissions(call, cast):
    with Receiver(statuses=[500]) as receiver:
        _org, org_delivery = failed_test_delivery(call, receiver)
        _team, team_delivery = failed_test_delivery(call, receiver, name="Team", teamId=cast.team.id)
    org, team = f"/notifications/deliveries/{org_delivery.id}", f"/notifications/deliveries/{team_delivery.id}"
    # the auditor views organization channels: describe yes, redeliver no
    ok(call("GET", org, who="auditor"))
    assert_error(call("POST", f"{org}/redeliver", who="auditor"), 403, "permission_denied")
    # Mia (Contributor) views her team's channel only
    ok(call("GET", team, who="member"))
    assert_error(call("GET", org, who="member"), 404, "not_found")
    assert_error(call("POST", f"{org}/redeliver", who="member"), 404, "not_found")
    assert_error(call("POST", f"{team}/redeliver", who="member"), 403, "permission_denied")
    # another organization sees nothing; malformed and unknown ids
    assert_error(call("GET", org, who="outsider"), 404, "not_found")
    assert_error(call("GET", "/notifications/deliveries/AAAAAAAAAA"), 404, "not_found")
    assert_error(call("GET", "/notifications/deliveries/not-an-id"), 400, "invalid_request")
    assert_error(call("POST", "/notifications/deliveries/AAAAAAAAAA/redeliver"), 404, "not_found")


def test_redelivery_is_limited_to_ten_per_channel_a_minute(call):
    with Receiver(statuses=[500]) as receiver:
        _channel, delivery = failed_test_delivery(call, receiver)
        path = f"/notifications/deliveries/{delivery.id}/redeliver"
        for _ in range(10):
            ok(call("POST", path), 202)  # the queued attempts wait for on_commit: never run in this test
        error = assert_error(call("POST", path), 429, "rate_limited")
    assert error["details"]["retryAfter"] >= 1
