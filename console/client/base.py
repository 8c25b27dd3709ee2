"""The Platform object a view calls through: auth headers, DPoP proofs, token refresh, error parsing, call counting.

DPoP (contract §1.4, §5): a Platform with a browser session signs a proof with that session's key
(console/sessions.py) for every token request, so every login it starts or refreshes is bound, and for
every call made with a bound token. Turning on an organization's requireDpop therefore changes nothing
for it; a login from before the console bound its tokens is bound at its next refresh, which a
`401 dpop_required` brings forward.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pydantic
from django.db import connections, router, transaction

from console.client import transport
from console.client.dpop import DpopKey
from console.client.errors import Forbidden, PlatformError, Unauthorized, Unavailable, error_class
from console.client.tokens import TOKENS_KEY, TokenBundle
from console.logs import redact
from console.sessions import Identity, current_browser_session, dpop_key, read_identity, read_tokens, write_tokens

logger = logging.getLogger("console.client")

ORG_HEADER = "LakeSail-Organization-Id"
REQUEST_ID_HEADER = "LakeSail-Request-Id"
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# The token-issuing operations (§1.4): their proof has no `ath`, and binds the tokens they issue.
TOKEN_REQUESTS = frozenset(
    {"/auth/login", "/auth/login/mfa", "/auth/login/code/verify", "/auth/sso/callback", "/auth/token/refresh"}
)
# A 401 a refresh can cure: the access token expired, or an unbound one meets requireDpop (the refresh binds it).
RENEWABLE = frozenset({"token_expired", "dpop_required"})


class Platform:
    """One console request's view of the platform API, acting for the session's login."""

    def __init__(self, session=None, tokens: TokenBundle | None = None, identity: Identity | None = None):
        self.session = session
        self.tokens = tokens
        self.identity = identity  # who is signed in, for the layout (snapshot of GET /me at sign-in)
        org_id = identity.organization_id if identity else getattr(tokens, "organization_id", None)
        self.organization_id = org_id  # sent as LakeSail-Organization-Id on organization-scoped calls
        self.calls = 0  # HTTP requests made (refreshes included); tests assert on it
        self.history: list[str] = []  # "GET /org/members 200", for test diagnostics
        # Headers added to every call, e.g. the browser's User-Agent on sign-in so the login shows its device.
        self.extra_headers: dict[str, str] = {}
        self._dpop: DpopKey | None = None

    @classmethod
    def from_session(cls, session) -> "Platform | None":
        """The platform of a signed-in browser session, or None when it holds no tokens."""
        tokens = read_tokens(session)
        if tokens is None:
            return None
        return cls(session, tokens, read_identity(session))

    @classmethod
    def anonymous(cls, session=None) -> "Platform":
        """A caller without a login, for the public routes (sign-in).

        It signs token requests with the key of `session`, by default the browser session of the console
        request being served, so the login it starts is bound to the key the session keeps.
        """
        return cls(session if session is not None else current_browser_session())

    def dpop_key(self) -> DpopKey | None:
        """The browser session's DPoP key (made on first use); None without a session, which then speaks Bearer."""
        if self._dpop is None and self.session is not None:
            self._dpop = dpop_key(self.session)
        return self._dpop

    def __repr__(self) -> str:
        return f"Platform(organization_id={self.organization_id!r}, calls={self.calls})"

    # --- calling -------------------------------------------------------------------------------

    def call(self, method: str, path: str, *, params=None, body=None, auth: bool = True, scoped: bool = True) -> Any:
        """Send one operation and return its JSON body (None for 204), or raise a PlatformError."""
        method = method.upper()
        if auth:
            if self.tokens is None:
                raise Unauthorized("You are not signed in.", code="unauthenticated")
            if self.tokens.expiring():
                self.refresh()
        response = self._send(method, path, params=params, body=body, auth=auth, scoped=scoped)
        code = _code(response) if auth and response.status_code == 401 else None
        if code in RENEWABLE and (code == "token_expired" or self.dpop_key() is not None):
            self.refresh()
            if method not in IDEMPOTENT:
                raise Unavailable(
                    "Your sign-in was renewed while this was being sent, and nothing was changed. Please try again.",
                    status=401,
                    code=code,
                    request_id=response.headers.get(REQUEST_ID_HEADER),
                )
            response = self._send(method, path, params=params, body=body, auth=auth, scoped=scoped)
        return parse_body(response)

    def _send(self, method, path, *, params, body, auth, scoped) -> httpx.Response:
        headers = dict(self.extra_headers)
        if auth and self.tokens is not None:
            headers["Authorization"] = f"{self.tokens.token_type} {self.tokens.access_token}"
        proof = self._proof(method, path, auth)
        if proof is not None:
            headers["DPoP"] = proof
        if scoped and self.organization_id:
            headers[ORG_HEADER] = self.organization_id
        self.calls += 1
        started = time.monotonic()
        try:
            url = request_url(path)
            response = transport.send(method, url, params=params, body=body, headers=headers)
        except httpx.TimeoutException as exc:
            self._log(method, path, "timeout", started)
            raise Unavailable(f"The platform did not answer in time ({type(exc).__name__}).", code="timeout") from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            self._log(method, path, "error", started)
            raise Unavailable(f"Could not reach the platform ({type(exc).__name__}).", code="unreachable") from None
        self._log(method, path, response.status_code, started, response.headers.get(REQUEST_ID_HEADER))
        return response

    def _proof(self, method: str, path: str, auth: bool) -> str | None:
        """The DPoP proof for one call: token requests always (without `ath`), other calls with a bound token."""
        if auth:
            bound = self.tokens is not None and self.tokens.token_type == "DPoP"
            key = self.dpop_key() if bound else None
            access_token = self.tokens.access_token if self.tokens is not None else None
            return key.proof(method, transport.platform_url(path), access_token) if key else None
        if path.split("?", 1)[0] not in TOKEN_REQUESTS:
            return None
        key = self.dpop_key()
        return key.proof(method, transport.platform_url(path)) if key else None

    def _log(self, method, path, status, started, request_id=None) -> None:
        elapsed_ms = (time.monotonic() - started) * 1000
        self.history.append(f"{method} {path} {status}")
        # One line per call, masked here too: a path can hold a token (/invitations/<token>).
        logger.info(
            "platform %s %s -> %s in %.0f ms (request %s)", method, redact(path), status, elapsed_ms, request_id or "-"
        )

    # --- refresh -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Renew the tokens once for all concurrent requests of this browser session.

        Serialized per browser session: if another request already rotated the tokens, adopt its bundle,
        because reusing a spent refresh token revokes the whole login on the platform.
        """
        from console.client import auth  # late: auth builds on this module

        if self.session is None or self.tokens is None:
            raise Unauthorized("You are not signed in.", code="unauthenticated")
        failure: PlatformError | None = None
        with refreshing(self.session):
            stored = TokenBundle.from_dict(self.session.load_locked().get(TOKENS_KEY))
            if stored is None:
                raise Unauthorized("This browser session was signed out.", code="invalid_token")
            latest = max(stored, self.tokens, key=lambda bundle: bundle.generation)
            if latest.access_token != self.tokens.access_token and not latest.expiring():
                self.tokens = latest
            else:
                try:
                    self.tokens = latest.successor(auth.refresh_tokens(self, refresh_token=latest.refresh_token))
                except PlatformError as error:
                    failure = error
            if failure is None:
                write_tokens(self.session, self.tokens)
                self.session.save()
        if isinstance(failure, Unauthorized | Forbidden):
            raise Unauthorized(failure.message, code=failure.code, request_id=failure.request_id)
        if failure is not None:
            raise failure


_session_locks: dict[str, threading.Lock] = {}
_session_locks_guard = threading.Lock()


@contextmanager
def refreshing(session) -> Iterator[None]:
    """Hold the refresh of one browser session: other requests of that session wait, then adopt its tokens.

    PostgreSQL (and other databases with row locks): a transaction holding the session row's lock, which
    works across processes and leaves the platform's own tables alone. SQLite locks the whole database
    for a writing transaction, which would block an embedded platform writing the new tokens from its own
    connection, so there a lock per session in this process serializes instead (SQLite deployments run
    one process, as bin/run does).
    """
    alias = router.db_for_write(session.model)
    if connections[alias].vendor != "sqlite":
        with transaction.atomic(using=alias):
            yield
        return
    with _session_locks_guard:
        lock = _session_locks.setdefault(session.session_key or "", threading.Lock())
    with lock:
        yield


def request_url(path: str) -> str:
    """Where a call goes: the absolute URL its proof names (a query written into the path, the SSO callback's,
    goes along); a URL outside the API (the local outbox) as it is."""
    if "://" in path:
        return path
    return transport.platform_url(path) + (f"?{path.split('?', 1)[1]}" if "?" in path else "")


def _code(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def parse_body(response: httpx.Response) -> Any:
    """The JSON body of a success, or the Error object raised as the matching PlatformError."""
    request_id = response.headers.get(REQUEST_ID_HEADER)
    if response.status_code == 204 or (response.is_success and not response.content):
        return None
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        raise Unavailable(
            f"The platform answered {response.status_code} with a body that is not JSON.",
            code="malformed_response",
            request_id=request_id,
        ) from None
    if response.is_success:
        return body
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        raise Unavailable(
            f"The platform answered {response.status_code} without an error description.",
            code="malformed_response",
            request_id=request_id,
        )
    details = _dict(body.get("details"))
    field_errors = _dict(details.get("fieldErrors"))
    raise error_class(response.status_code)(
        str(body.get("message") or body["code"]),
        status=response.status_code,
        code=body["code"],
        field_errors={str(key): str(value) for key, value in field_errors.items()},
        request_id=details.get("requestId") or request_id,
        retry_after=_retry_after(details.get("retryAfter"), response.headers.get("Retry-After")),
    )


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _retry_after(*candidates) -> int | None:
    for value in candidates:
        try:
            return max(0, int(value))
        except (TypeError, ValueError):
            continue
    return None


def parse[M: pydantic.BaseModel](model: type[M], data: Any) -> M:
    """Validate a response body into a model; a shape the contract does not allow is Unavailable."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        logger.warning("platform response does not match %s: %s", model.__name__, _first_error(exc))
        raise Unavailable(
            f"The platform sent an unexpected {model.__name__} ({_first_error(exc)}).", code="malformed_response"
        ) from None


def _first_error(exc: pydantic.ValidationError) -> str:
    errors = exc.errors(include_input=False, include_url=False)
    if not errors:
        return "invalid"
    first = errors[0]
    return f"{'.'.join(map(str, first.get('loc', ())))}: {first.get('msg', 'invalid')}"
