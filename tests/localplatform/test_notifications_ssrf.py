"""No channel reaches a private or local address (issue 9, Must show 3; contract §6 item 15).

Each address notation is refused when a channel is created or updated, and again when it is sent to, by the
channel test and by the worker (for rows stored before the guard, or a DNS answer that changed since). The
DNS is fake and every socket connection is recorded: none is ever attempted, and one to an address other
than loopback would fail the test before any packet left.
"""

import pytest
from django.test import override_settings

from localplatform.events import emit
from localplatform.notifications.models import Channel, Delivery
from localplatform.outbound import NOT_ALLOWED
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error, ok
from tests.localplatform.notify_support import Connections, FakeDns

PUBLIC = "8.8.8.8"  # a fake DNS answer only: nothing ever connects to it
NOTATIONS = [
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "loopback.test",  # a name that resolves to loopback
]


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    return FakeDns(monkeypatch, {"loopback.test": ["127.0.0.1"], "public.test": [PUBLIC]})


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    return Connections(monkeypatch)


@pytest.fixture(autouse=True)
def not_local():
    """Outside the local profile, where loopback is refused too."""
    with override_settings(LAKESAIL_LOCAL_MODE=False):
        yield


@pytest.fixture
def call(api, cast, login):
    token = login(cast.owner)["accessToken"]

    def _call(method: str, path: str, **kwargs):
        return api.request(method, path, headers=bearer(token), **kwargs)

    return _call


def webhook(call, url: str, name: str = "Hook"):
    return call("POST", "/notifications/channels", json={"type": "webhook", "name": name, "config": {"url": url}})


def worker_delivery(call, cast, channel_id: str, capture) -> Delivery:
    """A rule on the channel and an event it matches; the worker (in-process queue) makes the attempt."""
    body = {"name": "Teams", "eventTypes": ["team.created"], "scopeType": "organization", "channelIds": [channel_id]}
    ok(call("POST", "/notifications/rules", json=body), 201)
    with capture(execute=True):
        emit(cast.org.id, "team.created", "team", "TEAM000001", "Growth", data={})
    return Delivery.objects.get(channel_id=channel_id, rule_id__isnull=False)


@pytest.mark.parametrize("host", NOTATIONS)
def test_refused_at_create_and_update(host, call, connections):
    error = assert_error(webhook(call, f"https://{host}/hook"), 422, "validation_failed")
    assert error["details"]["fieldErrors"] == {"config.url": NOT_ALLOWED}
    channel = ok(webhook(call, "https://public.test/hook", name="Fine"), 201)
    update = call("PATCH", f"/notifications/channels/{channel['id']}", json={"config": {"url": f"https://{host}/x"}})
    assert assert_error(update, 422, "validation_failed")["details"]["fieldErrors"] == {"config.url": NOT_ALLOWED}
    assert connections.made == []


@pytest.mark.parametrize("host", NOTATIONS)
def test_refused_at_send_by_the_test_and_by_the_worker(
    host, call, cast, connections, django_capture_on_commit_callbacks
):
    channel = ok(webhook(call, "https://public.test/hook"), 201)
    stored = {"url": f"https://{host}/hook", "signingSecretSet": False, "headers": {}}
    Channel.objects.filter(id=channel["id"]).update(config=stored)  # a row from before the guard

    result = ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
    assert result["delivered"] is False and result["responseStatus"] is None
    assert result["message"] == NOT_ALLOWED and result["channel"]["status"] == "failing"
    tested = Delivery.objects.get(channel_id=channel["id"], rule_id=None)
    assert tested.status == "failed" and tested.attempts == 1

    delivery = worker_delivery(call, cast, channel["id"], django_capture_on_commit_callbacks)
    assert delivery.status == "failed" and delivery.attempts == 1  # no retry: the address will not change
    assert delivery.status_message == NOT_ALLOWED and delivery.attempt_log[0]["statusMessage"] == NOT_ALLOWED
    assert connections.made == []


def test_a_name_that_resolves_elsewhere_by_the_time_of_sending_is_refused(
    call, cast, dns, connections, django_capture_on_commit_callbacks
):
    dns.names["rebind.test"] = [PUBLIC]
    channel = ok(webhook(call, "https://rebind.test/hook"), 201)  # public when checked at create
    dns.names["rebind.test"] = [PUBLIC, "127.0.0.1"]  # then one of its addresses is loopback
    assert ok(call("POST", f"/notifications/channels/{channel['id']}/test"))["message"] == NOT_ALLOWED
    dns.names["rebind.test"] = ["169.254.169.254"]
    assert worker_delivery(call, cast, channel["id"], django_capture_on_commit_callbacks).status == "failed"
    assert connections.made == []


@pytest.mark.parametrize(
    "channel_type, config, field",
    [
        ("slack", {"webhookUrl": "https://hooks.slack.com/services/T0/B0/X"}, "webhookUrl"),
        ("pager_duty", {"integrationKey": "k" * 32, "severity": "info", "eventsUrl": "https://10.1.2.3/"}, "eventsUrl"),
        ("rootly", {"token": "rootly-token", "alertSourceUrl": "https://[::ffff:127.0.0.1]/"}, "alertSourceUrl"),
    ],
)
def test_every_channel_type_with_a_url_is_guarded(
    channel_type, config, field, call, cast, dns, connections, django_capture_on_commit_callbacks
):
    dns.names["hooks.slack.com"] = ["127.0.0.1"]
    body = {"type": channel_type, "name": "C", "config": config}
    error = assert_error(call("POST", "/notifications/channels", json=body), 422, "validation_failed")
    assert error["details"]["fieldErrors"] == {f"config.{field}": NOT_ALLOWED}
    # stored anyway (before the guard, or the DNS answered otherwise then): refused when sent
    dns.names["hooks.slack.com"] = [PUBLIC]
    safe = config | {key: None for key in ("eventsUrl", "alertSourceUrl") if key in config}
    channel = ok(call("POST", "/notifications/channels", json=body | {"config": safe}), 201)
    dns.names["hooks.slack.com"] = ["127.0.0.1"]
    Channel.objects.filter(id=channel["id"]).update(config={**channel["config"], **config})
    assert ok(call("POST", f"/notifications/channels/{channel['id']}/test"))["message"] == NOT_ALLOWED
    assert worker_delivery(call, cast, channel["id"], django_capture_on_commit_callbacks).status == "failed"
    assert connections.made == []


def test_the_local_mode_allows_loopback_but_no_other_private_range(call, connections):
    with override_settings(LAKESAIL_LOCAL_MODE=True):
        ok(webhook(call, "http://127.0.0.1:9/hook"), 201)
        ok(webhook(call, "http://[::1]:9/hook", name="v6"), 201)
        for host in ("10.0.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"):
            error = assert_error(webhook(call, f"http://{host}/hook", name=host), 422, "validation_failed")
            assert error["details"]["fieldErrors"] == {"config.url": NOT_ALLOWED}
    assert connections.made == []
