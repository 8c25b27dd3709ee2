"""Who may do what with notification channels, and how often (issue 9 items 3 and 7): channel tests are
throttled, and callers who may view a channel but not manage it see its secrets masked."""

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


# --- Channel tests are throttled and bounded -------------------------------------------------------------


def test_channel_tests_are_throttled_per_member_and_per_channel(call):
    with Receiver() as receiver:
        first, second = new_webhook(call, receiver.url, "A"), new_webhook(call, receiver.url, "B")
        for _ in range(5):
            assert ok(call("POST", f"/notifications/channels/{first['id']}/test"))["delivered"] is True
        refused = call("POST", f"/notifications/channels/{second['id']}/test")  # the owner's sixth this minute
        error = assert_error(refused, 429, "rate_limited")
        assert error["details"]["retryable"] is True and 1 <= error["details"]["retryAfter"] <= 60
        assert refused.headers["Retry-After"] == str(error["details"]["retryAfter"])
        # another admin: the first channel had its five this minute, the second none
        assert_error(call("POST", f"/notifications/channels/{first['id']}/test", who="admin"), 429, "rate_limited")
        assert ok(call("POST", f"/notifications/channels/{second['id']}/test", who="admin"))["delivered"] is True
    assert len(receiver.requests) == 6


def test_a_disabled_channel_is_refused_without_using_up_the_allowance(call):
    body = {"type": "webhook", "name": "Off", "enabled": False, "config": {"url": "http://127.0.0.1:9/"}}
    channel = ok(call("POST", "/notifications/channels", json=body), 201)
    for _ in range(7):
        assert_error(call("POST", f"/notifications/channels/{channel['id']}/test"), 409, "invalid_state")


# --- Secrets masked for those who may view but not manage -----------------------------------------------

SECRETS = ["T0KENPATH", "query-s3cret", "header-s3cret", "SLACKPATHSECRET", "pd-route-secret", "rootly-path-secret"]


def test_read_only_viewers_see_destinations_and_header_values_masked(call, cast):
    with Receiver() as receiver:
        hook = f"{receiver.url}/T0KENPATH?key=query-s3cret"
        origin = receiver.url.rsplit("/", 1)[0]
        bodies = [
            {"name": "Org hook", "type": "webhook", "config": {"url": hook, "headers": {"X-Api-Key": "header-s3cret"}}},
            {"name": "Team hook", "type": "webhook", "teamId": cast.team.id, "config": {"url": hook}},
            {"name": "Slack", "type": "slack", "config": {"webhookUrl": f"{origin}/services/T/B/SLACKPATHSECRET"}},
            {
                "name": "PD",
                "type": "pager_duty",
                "config": {"integrationKey": "k" * 32, "severity": "info", "eventsUrl": f"{origin}/pd-route-secret"},
            },
            {
                "name": "Rootly",
                "type": "rootly",
                "config": {"token": "tok", "alertSourceUrl": f"{origin}/rootly-path-secret"},
            },
        ]
        channels = [ok(call("POST", "/notifications/channels", json=body), 201) for body in bodies]
        for channel in channels:
            ok(call("POST", f"/notifications/channels/{channel['id']}/test"))
        ok(call("POST", "/notifications/rules", json=org_rule(channels[0]["id"])), 201)
    org_hook, team_hook = channels[0], channels[1]
    # managers see what they configured (write-only secrets stay write-only)
    assert ok(call("GET", f"/notifications/channels/{org_hook['id']}"))["config"]["url"] == hook
    assert ok(call("GET", f"/notifications/channels/{team_hook['id']}", who="admin"))["config"]["url"] == hook
    # the auditor views organization channels, Mia (Contributor) her team's: both read-only
    seen = ok(call("GET", f"/notifications/channels/{org_hook['id']}", who="auditor"))["config"]
    assert seen == {"url": f"{origin}/…", "signingSecretSet": False, "headers": {"X-Api-Key": "…"}}
    assert ok(call("GET", f"/notifications/channels/{team_hook['id']}", who="member"))["config"]["url"] == f"{origin}/…"
    pages = [
        call("GET", path, who=who)
        for who in ("auditor", "member")
        for path in ("/notifications/channels", "/notifications/rules", "/notifications/deliveries")
    ]
    pages += [call("GET", f"/notifications/channels/{c['id']}", who="auditor") for c in channels]
    pages += [call("GET", f"/notifications/deliveries/{d.id}", who="auditor") for d in Delivery.objects.all()]
    assert all(page.status_code == 200 for page in pages)
    for page in pages:
        ok(page)
        for secret in SECRETS:
            assert secret not in page.text, (page.request.url, secret)
