"""The pooled client, the embedded transport, and transport faults becoming Unavailable."""

import time
import weakref
from contextlib import nullcontext
from dataclasses import replace

import httpx
import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, connections, transaction
from django.test import override_settings
from django.urls import get_script_prefix, get_urlconf, set_script_prefix, set_urlconf

from console.client import auth, roles, transport
from console.client.base import Platform
from console.client.errors import Unauthorized, Unavailable
from console.client.tokens import TOKENS_KEY, TokenBundle
from console.client.transport import browser_origin
from console.client.users import describe_me
from console.sessions import SessionStore, write_tokens
from tests.client.support import closed_port_url, faults, on


def test_embedded_client_is_pooled_and_described(settings):
    client = transport.client()
    assert client is transport.client()
    assert str(client.base_url) == "https://platform.internal/api/v1/"
    assert client.headers["User-Agent"].startswith("LakeSail-Console/")
    assert client.headers["Accept"] == "application/json"
    assert client.timeout.read == settings.LAKESAIL_API_TIMEOUT


def test_settings_change_rebuilds_the_client():
    before = transport.client()
    with override_settings(LAKESAIL_API_URL="https://platform.example.test/api/v1", LAKESAIL_API_TIMEOUT=3.5):
        remote = transport.client()
        assert remote is not before
        assert str(remote.base_url) == "https://platform.example.test/api/v1/"
        assert remote.timeout.connect == 3.5
        assert isinstance(remote._transport, httpx.HTTPTransport)
    assert isinstance(transport.client()._transport, transport.EmbeddedTransport)


def test_embedded_request_keeps_the_callers_database_connection(platform_for, cast):
    platform = platform_for(cast.member)
    assert connection.in_atomic_block  # the test's transaction
    describe_me(platform)
    assert connection.in_atomic_block and connection.connection is not None
    for signal in (request_started, request_finished):  # reconnected afterwards
        assert signal.disconnect(close_old_connections)
        signal.connect(close_old_connections)


def test_embedded_request_keeps_the_callers_url_state(platform_for, cast):
    platform = platform_for(cast.member)
    set_script_prefix("/console/")
    set_urlconf("tests.console.urls")
    try:
        describe_me(platform)
        assert get_script_prefix() == "/console/"
        assert get_urlconf() == "tests.console.urls"
    finally:
        set_script_prefix("/")
        set_urlconf(None)


def test_real_http_to_a_closed_port_is_unavailable(platform_for, cast):
    platform = platform_for(cast.member)
    with override_settings(LAKESAIL_API_URL=closed_port_url()), pytest.raises(Unavailable) as caught:
        roles.list_roles(platform)
    assert caught.value.code == "unreachable"
    assert "ConnectError" in caught.value.message


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        (httpx.ConnectTimeout("timed out"), "timeout"),
        (httpx.ReadTimeout("timed out"), "timeout"),
        (httpx.ConnectError("refused"), "unreachable"),
        (httpx.ReadError("connection reset by peer"), "unreachable"),
        (httpx.RemoteProtocolError("peer closed connection"), "unreachable"),
    ],
)
def test_transport_exceptions_become_unavailable(platform_for, cast, exception, code):
    platform = platform_for(cast.member)
    with faults(on("/org/roles", exception)), pytest.raises(Unavailable) as caught:
        roles.list_roles(platform)
    assert caught.value.code == code
    assert not isinstance(caught.value.__cause__, httpx.HTTPError)
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, content=b"<html>proxy page</html>", headers={"Content-Type": "text/html"}),
        httpx.Response(200, content=b'{"total": 1, "items": [{"role": "not a role"}]'),
        httpx.Response(200, json={"total": "many", "items": None}),
        httpx.Response(404, content=b"<html>Not Found</html>", headers={"Content-Type": "text/html"}),
        httpx.Response(502, content=b"Bad Gateway"),
        httpx.Response(400, json=["not", "an", "error", "object"]),
    ],
)
def test_malformed_bodies_become_unavailable(platform_for, cast, response):
    platform = platform_for(cast.member)
    with faults(on("/org/roles", response)), pytest.raises(Unavailable) as caught:
        roles.list_roles(platform)
    assert caught.value.code in ("malformed_response", "unavailable")


def test_no_cookie_is_kept_between_calls(platform_for, cast):
    platform = platform_for(cast.member)
    cookie = httpx.Response(200, json={"items": []}, headers={"Set-Cookie": "sessionid=abc; Path=/"})
    with faults(on("/auth/permissions", cookie)) as injected:
        auth.list_permissions(platform)
        roles.list_roles(platform)
    assert "cookie" not in {name.lower() for name in injected.requests[-1].headers}


def test_requests_carry_the_token_and_organization_only_where_scoped(platform_for, cast):
    platform = platform_for(cast.member)
    with faults(lambda request: None) as injected:
        roles.list_roles(platform)
        auth.list_permissions(platform)
    scoped, unscoped = injected.requests
    assert scoped.headers["Authorization"] == f"DPoP {platform.tokens.access_token}"  # bound: tests/client/test_dpop.py
    assert scoped.headers["DPoP"] != unscoped.headers["DPoP"]  # a proof per call
    assert scoped.headers["LakeSail-Organization-Id"] == cast.org.id
    assert unscoped.headers["Authorization"].startswith("DPoP ")
    assert "LakeSail-Organization-Id" not in unscoped.headers


def test_calls_are_counted(platform_for, cast):
    platform = platform_for(cast.member)
    roles.list_roles(platform)
    roles.list_team_roles(platform)
    assert platform.calls == 2
    assert platform.history == ["GET /org/roles 200", "GET /org/team-roles 200"]


def test_anonymous_platform_refuses_authenticated_calls():
    with pytest.raises(Unauthorized):
        describe_me(Platform.anonymous())


# --- The product's embedded transport: a thread and a transaction of its own -----------------------------


def receivers_of(signal) -> list:
    return [ref() if isinstance(ref, weakref.ReferenceType) else ref for _, ref, *_ in signal.receivers]


@pytest.fixture
def own_thread_transport(monkeypatch):
    """The transport the product uses (tests otherwise share their connection and transaction with the platform)."""
    monkeypatch.setattr(transport, "embedded_transport", transport.EmbeddedTransport)
    transport.reset()
    yield
    monkeypatch.undo()
    transport.reset()


@pytest.mark.django_db(transaction=True)
def test_the_platform_runs_on_database_connections_of_its_own(catalogue, cast, own_thread_transport):
    seen = []

    def probe(sender, **kwargs):
        seen.append((id(connections["default"]), receivers_of(request_started)))

    caller = connections["default"]
    request_started.connect(probe)
    try:
        set_urlconf("tests.console.urls")
        issued = auth.login(Platform.anonymous(), email=cast.member.email, password=cast.member.password)
        describe_me(Platform(None, TokenBundle.issued(issued)))
        assert get_urlconf() == "tests.console.urls"  # the caller's thread-local URL state is its own
    finally:
        set_urlconf(None)
        request_started.disconnect(probe)
    assert connections["default"] is caller  # the caller's connection is back, untouched
    platform_connections = {connection for connection, _ in seen}
    assert id(caller) not in platform_connections
    assert len(platform_connections) == 1  # the platform's connection persists between its requests
    assert all(close_old_connections in receivers for _, receivers in seen)  # nothing changed process-wide
    assert close_old_connections in receivers_of(request_started)
    assert close_old_connections in receivers_of(request_finished)


@pytest.mark.django_db(transaction=True)
def test_the_platform_commits_on_its_own_whatever_the_caller_does(catalogue, cast, own_thread_transport):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite allows one writer: a caller's open write transaction would block the platform")
    from localplatform.identity.models import Login

    before = Login.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        auth.login(Platform.anonymous(), email=cast.member.email, password=cast.member.password)
        raise RuntimeError("the console's transaction rolls back")
    assert Login.objects.count() == before + 1  # the platform's login stayed


@pytest.mark.django_db(transaction=True)
def test_console_pages_and_token_refresh_through_the_product_transport(catalogue, cast, own_thread_transport):
    from django.test import Client

    from tests.console.conftest import sign_in

    client = Client()
    assert sign_in(client, cast.owner).status_code == 302
    page = client.get("/members")
    assert page.status_code == 200 and "Mia Member" in page.content.decode()
    # The refresh path serializes per browser session without holding a transaction across the call.
    session = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    write_tokens(session, replace(TokenBundle.from_dict(session[TOKENS_KEY]), expires_at=time.time() + 5))
    session.save()
    page = client.get("/members")
    assert page.status_code == 200
    assert page.wsgi_request.platform.history[0] == "POST /auth/token/refresh 200"


# --- Direct calls: the embedded platform without building an httpx request ------------------------------


def recording_transport() -> tuple[transport.EmbeddedTransport, list[dict]]:
    """An EmbeddedTransport around a WSGI app that records what it was sent and answers with a JSON body."""
    seen: list[dict] = []

    def app(environ, start_response):
        seen.append({**environ, "body": environ["wsgi.input"].read()})
        start_response("201 Created", [("Content-Type", "application/json"), ("LakeSail-Request-Id", "req_1")])
        return [b'{"ok": true}']

    return transport.EmbeddedTransport(app=app), seen


SENT = (
    "REQUEST_METHOD",
    "wsgi.url_scheme",
    "SERVER_NAME",
    "SERVER_PORT",
    "PATH_INFO",
    "QUERY_STRING",
    "REMOTE_ADDR",
    "CONTENT_TYPE",
    "CONTENT_LENGTH",
    "body",
    "HTTP_HOST",
    "HTTP_AUTHORIZATION",
    "HTTP_DPOP",
    "HTTP_USER_AGENT",
    "HTTP_ACCEPT",
)


@pytest.mark.parametrize("origin", [None, ("http", "127.0.0.1:8000", "127.0.0.9")])
def test_a_direct_call_sends_what_the_httpx_path_sends(origin):
    direct, seen = recording_transport()
    url = "https://platform.internal/api/v1/org/teams/team%20%C3%A9/members"
    params = {"filter[search]": "Zoë & co", "limit": 25, "active": True}
    body = {"name": "Équipe", "tags": ["a", None]}
    headers = {"Authorization": "DPoP token", "DPoP": "proof"}
    with browser_origin(*origin) if origin else nullcontext():
        answer = direct.call("POST", url, params=params, body=body, headers={**transport.HEADERS, **headers})
        with httpx.Client(transport=direct, headers=transport.HEADERS) as client:
            through_httpx = client.request("POST", url, params=params, json=body, headers=headers)
    by_call, by_httpx = ({key: environ.get(key) for key in SENT} for environ in seen)
    # The path as gunicorn would pass it (PEP 3333: UTF-8 bytes as Latin-1); httpx passes the decoded text.
    assert by_call.pop("PATH_INFO").encode("latin-1").decode() == by_httpx.pop("PATH_INFO")
    assert by_call == by_httpx
    assert by_call["HTTP_HOST"] == (origin[1] if origin else transport.embedded_host())
    assert (answer.status_code, answer.json(), answer.headers["LakeSail-Request-Id"]) == (201, {"ok": True}, "req_1")
    assert answer.headers == through_httpx.headers and answer.content == through_httpx.content


def test_calls_go_direct_unless_a_test_transport_is_put_in(platform_for, cast):
    platform = platform_for(cast.member)
    transport.client()
    assert isinstance(transport._embedded, transport.EmbeddedTransport)
    with faults(lambda request: None) as injected:
        roles.list_roles(platform)
        assert transport._embedded is None  # the injected transport sees every call
    assert [request.url.path for request in injected.requests] == ["/api/v1/org/roles"]
    roles.list_roles(platform)
    assert isinstance(transport._embedded, transport.EmbeddedTransport)


def test_a_direct_call_keeps_a_query_written_into_the_url():
    direct, seen = recording_transport()
    direct.call("GET", "https://platform.internal/api/v1/auth/sso/callback?code=a%26b&state=s", headers={})
    assert seen[0]["QUERY_STRING"] == "code=a%26b&state=s"
    assert seen[0]["PATH_INFO"] == "/api/v1/auth/sso/callback"
