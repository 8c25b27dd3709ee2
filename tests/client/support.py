"""Test helpers shared by tests/client and tests/console: signed-in platforms and fault injection.

The platform is always the real local platform, called in-process through the real client. The only
stand-in is FaultTransport, for failures the platform cannot produce on demand (timeouts, resets,
malformed bodies, upstream 5xx).
"""

import json
import socket
from collections.abc import Callable
from contextlib import contextmanager

import httpx

from console.client import auth, transport
from console.client.base import Platform
from console.client.tokens import TOKENS_KEY, TokenBundle
from console.client.users import describe_me
from console.sessions import Identity, SessionStore, dpop_key, read_tokens, start_platform_session

Fault = Callable[[httpx.Request], httpx.Response | Exception | None]


class FaultTransport(httpx.BaseTransport):
    """Passes requests to the real transport unless `fault` returns a response or an exception for them."""

    def __init__(self, fault: Fault):
        self.inner = transport.build_transport()
        self.fault = fault
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.fault(request)
        if outcome is None:
            return self.inner.handle_request(request)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@contextmanager
def faults(fault: Fault):
    """Every platform call inside the block goes through a FaultTransport(fault)."""
    injected = FaultTransport(fault)
    with transport.transport_for_tests(injected):
        yield injected


def on(path_suffix: str, outcome, method: str | None = None) -> Fault:
    """A fault for requests whose path ends with `path_suffix` (and method, if given)."""

    def fault(request: httpx.Request):
        if request.url.path.endswith(path_suffix) and (method is None or request.method == method):
            return outcome(request) if callable(outcome) else outcome
        return None

    return fault


def error_response(status: int, code: str, message: str = "Refused.", **details) -> httpx.Response:
    """A platform Error object (§1.6), as a transport fault returns it."""
    body = {
        "code": code,
        "message": message,
        "errorType": "test",
        "details": {
            "retryable": status in (429, 503),
            "retryAfter": details.get("retryAfter"),
            "fieldErrors": details.get("fieldErrors", {}),
            "requestId": details.get("requestId", "req_fault"),
            "causedBy": None,
        },
    }
    headers = {"LakeSail-Request-Id": body["details"]["requestId"]}
    return httpx.Response(status, headers=headers, content=json.dumps(body).encode())


def closed_port_url() -> str:
    """An API URL on a local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1"


def signed_in_session(person) -> SessionStore:
    """A saved console session holding a fresh platform login of `person` (as the sign-in view stores it):
    bound to the session's DPoP key."""
    session = SessionStore()
    issued = auth.login(Platform.anonymous(session), email=person.email, password=person.password)
    tokens = TokenBundle.issued(issued)
    me = describe_me(Platform(session, tokens))
    start_platform_session(session, tokens, Identity.from_me(me))
    session.save()
    return session


def platform_of(session_key: str) -> Platform:
    """A Platform built from a fresh load of the stored session, as the middleware builds it."""
    platform = Platform.from_session(SessionStore(session_key))
    assert platform is not None
    return platform


def stored_tokens(session_key: str) -> TokenBundle:
    bundle = TokenBundle.from_dict(SessionStore(session_key).load().get(TOKENS_KEY))
    assert bundle is not None
    return bundle


# Where the `api` fixture (tests/conftest.py) sends requests, as the platform sees them: the DPoP `htu` base.
API_BASE_URL = "http://testserver/api/v1"


def session_auth(session, method: str, path: str) -> dict[str, str]:
    """Headers that call the platform with a console session's login, as the console would: the bound token
    with a fresh DPoP proof (or the Bearer token of an unbound login), for the `api` fixture."""
    tokens = read_tokens(session)
    assert tokens is not None, "the session holds no login"
    headers = {"Authorization": f"{tokens.token_type} {tokens.access_token}"}
    if tokens.token_type == "DPoP":
        headers["DPoP"] = dpop_key(session).proof(method, API_BASE_URL + path, tokens.access_token)
    return headers


def writes_fail(request: httpx.Request):
    """A fault: the platform stops answering the moment something is written (reads still work).

    With it a form's submission meets the failure while the page around it can still be drawn: the
    console must show the form again with everything the user typed and a form-level error.
    """
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        return httpx.ConnectError("the platform went away")
    return None


def assert_kept(response, values: dict[str, str]) -> None:
    """Every typed value is on the page again (HTML-escaped), with the form-level "nothing was saved" error."""
    from django.utils.html import escape

    html = response.content.decode()
    assert "nothing was saved" in html.lower(), "no form-level error about the failed submission"
    missing = {name: value for name, value in values.items() if escape(value) not in html}
    assert not missing, f"typed values lost: {missing}"
