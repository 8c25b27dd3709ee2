"""How every platform call travels: real HTTP to LAKESAIL_API_URL, or the embedded local platform in-process.

send() is the one entry point. A remote platform is reached through one pooled httpx client. The embedded
platform is called straight through its WSGI app (EmbeddedTransport.call): building an httpx request, its
cookie jar and its redirect handling cost more than the platform's own routing of the call. A transport
that tests put in (transport_for_tests, to inject faults) sits in the pooled client, and every call then
goes through the client to reach it.
"""

import io
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from http.cookiejar import CookieJar, DefaultCookiePolicy
from importlib.metadata import PackageNotFoundError, version
from typing import cast
from urllib.parse import unquote_to_bytes, urlsplit

import httpx
from django.conf import settings
from django.db import connections
from django.http.request import split_domain_port, validate_host
from django.test.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, set_script_prefix, set_urlconf
from django.utils.module_loading import import_string

# https, so that a production SECURE_SSL_REDIRECT does not bounce the in-process request.
EMBEDDED_BASE_URL = "https://platform.internal/api/v1"
EMBEDDED_HOST = "platform.internal"

# The scheme and host of the browser request being served (set by console.middleware.PlatformMiddleware). The
# embedded platform sees them as its own request's origin, so the links it mails point at this console (§7).
_browser_origin: ContextVar[tuple[str, str] | None] = ContextVar("lakesail_browser_origin", default=None)
# The browser's address, so logins, trusted devices and per-IP throttles see the person, not the console.
_browser_address: ContextVar[str | None] = ContextVar("lakesail_browser_address", default=None)

_lock = threading.Lock()
_client: httpx.Client | None = None
_embedded: "EmbeddedTransport | None" = None  # the pooled client's own in-process transport, called directly
_transport_for_tests: httpx.BaseTransport | None = None


def user_agent() -> str:
    try:
        return f"LakeSail-Console/{version('lakesail-console')}"
    except PackageNotFoundError:
        return "LakeSail-Console/dev"


def embedded_host() -> str:
    """A Host header Django accepts: platform.internal if allowed, else this deployment's first allowed host."""
    allowed = settings.ALLOWED_HOSTS or ([".localhost", "127.0.0.1"] if settings.DEBUG else [])
    if validate_host(EMBEDDED_HOST, allowed):
        return EMBEDDED_HOST
    for pattern in allowed:
        domain, _ = split_domain_port(pattern.lstrip("."))
        if domain and validate_host(domain, allowed):
            return domain
    return EMBEDDED_HOST


@contextmanager
def browser_origin(scheme: str, host: str, address: str | None = None) -> Iterator[None]:
    """Inside the block, in-process platform requests carry this origin (host already validated by Django)
    and this client address."""
    token = _browser_origin.set((scheme, host))
    address_token = _browser_address.set(address)
    try:
        yield
    finally:
        _browser_address.reset(address_token)
        _browser_origin.reset(token)


def _with_browser_address(application):
    """The WSGI app, seeing the browser's address as REMOTE_ADDR when a console request is in progress."""

    def app(environ, start_response):
        address = _browser_address.get()
        if address:
            environ["REMOTE_ADDR"] = address
        return application(environ, start_response)

    return app


class EmbeddedTransport(httpx.WSGITransport):
    """Calls the local platform in-process, the way a socket would: with database connections of its own.

    The platform request runs in the calling thread (a hand-off to another thread costs more than the
    request's own middleware), but on its own database connections: the console's connections are set
    aside for the duration and the platform's (kept per thread between calls, so they persist like any
    other) take their place. The platform therefore has its own transactions, and Django's per-request
    connection handling (close_old_connections on request_started/request_finished) acts on the
    platform's connections only; nothing is changed process-wide. The thread-local URL state the nested
    request sets (script prefix, urlconf) is put back afterwards.
    """

    def __init__(self, remote_addr: str = "127.0.0.1", app=None):
        # The platform's own WSGI app, named by settings (the console never imports localplatform).
        self.application = app or import_string(settings.LAKESAIL_EMBEDDED_WSGI)
        super().__init__(app=_with_browser_address(self.application), remote_addr=remote_addr)

    def databases(self):
        """The database connections the nested request runs on (tests share theirs: tests/embedded.py)."""
        return own_database_connections()

    @contextmanager
    def nested(self) -> Iterator[None]:
        """Around one platform request: its own connections, and the caller's URL state put back after."""
        prefix, urlconf = get_script_prefix(), get_urlconf()
        try:
            with self.databases():
                yield
        finally:
            set_script_prefix(prefix)
            set_urlconf(urlconf)

    def call(self, method: str, url: str, *, params=None, body=None, headers: dict[str, str]) -> httpx.Response:
        """One call straight into the platform's WSGI app: the request httpx would send, without building it.

        `url` is absolute; `params` are encoded and `body` is sent as JSON as httpx does. The path reaches the
        platform as a server decodes it (PEP 3333: UTF-8 bytes as Latin-1), as served over HTTP.
        """
        scheme, host = _origin(url)
        target = urlsplit(url)
        query = str(httpx.QueryParams(params)) if params else target.query  # params replace it, as in httpx
        name, port = split_domain_port(host)
        content = b""
        environ = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scheme,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(target.path).decode("latin-1"),  # as a server decodes it (PEP 3333)
            "QUERY_STRING": query,
            "SERVER_NAME": name or host,
            "SERVER_PORT": port or ("443" if scheme == "https" else "80"),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": _browser_address.get() or self.remote_addr,
            "HTTP_HOST": host,
        }
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
            environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(content))
        environ["wsgi.input"] = io.BytesIO(content)
        for key, value in headers.items():
            environ["HTTP_" + key.upper().replace("-", "_")] = value
        started: list = []  # status line and headers

        def start_response(status: str, response_headers: list, exc_info=None) -> None:
            started[:] = (status, response_headers)

        with self.nested():
            result = self.application(environ, start_response)
            try:
                data = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()  # request_finished fires here, inside the platform's own connections
        status, response_headers = started
        return httpx.Response(int(status.split(" ", 1)[0]), headers=response_headers, content=data)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """The same request through httpx, for a transport that wraps this one (tests' fault injection)."""
        self.address(request)
        with self.nested():
            return self.serve(request)

    def address(self, request: httpx.Request) -> None:
        """Send the request to the browser's origin when a console request is in progress (mail links)."""
        request.url = addressed(request.url)
        request.headers["Host"] = request.url.netloc.decode("ascii")

    def serve(self, request: httpx.Request) -> httpx.Response:
        """Run the request to completion (body read, iterable closed, so request_finished fires here)."""
        response = super().handle_request(request)
        stream = cast(httpx.SyncByteStream, response.stream)  # WSGI bodies are synchronous
        try:
            content = b"".join(stream)
        finally:
            stream.close()
        return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)


def _origin(url: str) -> tuple[str, str]:
    """(scheme, host) an in-process request goes to: the browser's origin during a console request, else the
    embedded host."""
    origin = _browser_origin.get()
    return origin if origin is not None else (url.split(":", 1)[0], embedded_host())


def addressed(url: httpx.URL) -> httpx.URL:
    """`url` sent where an in-process request goes (_origin)."""
    scheme, host = _origin(str(url))
    if url.scheme == scheme and url.netloc == host.encode("ascii"):
        return url  # already addressed (Platform sends the URL it signed, platform_url())
    return url.copy_with(scheme=scheme, netloc=host.encode("ascii"))


def platform_url(path: str) -> str:
    """The URL of a call to `path` as the platform sees it, without query or fragment: a DPoP proof's `htu` (§1.4).

    Over HTTP, LAKESAIL_API_URL + path; in-process, where EmbeddedTransport.address() sends the request.
    Platform requests this very URL, so the transport has nothing left to rewrite.
    """
    api_url = settings.LAKESAIL_API_URL
    origin = None if api_url else _browser_origin.get()
    host = embedded_host() if not api_url and origin is None else None
    return _platform_url(path, api_url, origin, host)


@lru_cache(maxsize=1024)
def _platform_url(path: str, api_url: str, origin: tuple[str, str] | None, host: str | None) -> str:
    """platform_url(), parsed once per path and origin (an httpx.URL costs tens of microseconds to build)."""
    url = httpx.URL(f"{(api_url or EMBEDDED_BASE_URL).rstrip('/')}/{path.lstrip('/')}").copy_with(
        query=None, fragment=None
    )
    if api_url:
        return str(url)
    scheme, netloc = origin if origin is not None else (url.scheme, host or EMBEDDED_HOST)
    return str(url.copy_with(scheme=scheme, netloc=netloc.encode("ascii")))


# The embedded platform's database connections of each thread, between its requests.
_platform_connections = threading.local()


@contextmanager
def own_database_connections() -> Iterator[None]:
    """Inside the block this thread's database connections are the embedded platform's, not the caller's."""
    caller = {connection.alias: connection for connection in connections.all(initialized_only=True)}
    for alias in caller:
        del connections[alias]
    for alias, connection in getattr(_platform_connections, "by_alias", {}).items():
        connections[alias] = connection
    try:
        yield
    finally:
        mine = {connection.alias: connection for connection in connections.all(initialized_only=True)}
        _platform_connections.by_alias = mine
        for alias in mine:
            del connections[alias]
        for alias, connection in caller.items():
            connections[alias] = connection


# The embedded transport class build_transport() uses; tests put one here that shares their transaction.
embedded_transport: type[EmbeddedTransport] = EmbeddedTransport


def build_transport() -> httpx.BaseTransport:
    """The transport the current settings call for (tests wrap it to inject faults)."""
    if settings.LAKESAIL_API_URL:
        return httpx.HTTPTransport(retries=0)
    return embedded_transport()


# Sent with every call.
HEADERS = {"User-Agent": user_agent(), "Accept": "application/json"}


def base_url() -> str:
    return settings.LAKESAIL_API_URL or EMBEDDED_BASE_URL


def _build(chosen: httpx.BaseTransport) -> httpx.Client:
    return httpx.Client(
        base_url=base_url(),
        transport=chosen,
        timeout=httpx.Timeout(settings.LAKESAIL_API_TIMEOUT),
        headers=HEADERS,
        # The client is shared by every user: never keep a cookie from one response for the next request.
        cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        follow_redirects=False,
    )


def client() -> httpx.Client:
    """The process-wide pooled client, built on first use."""
    global _client, _embedded
    if _client is None:
        with _lock:
            if _client is None:
                chosen = _transport_for_tests or build_transport()
                _embedded = chosen if isinstance(chosen, EmbeddedTransport) else None
                _client = _build(chosen)
    return _client


def send(method: str, url: str, *, params=None, body=None, headers: dict[str, str]) -> httpx.Response:
    """One platform call to the absolute `url`: in-process straight into the embedded platform, else over HTTP."""
    pooled = client()
    embedded = _embedded
    if embedded is not None:
        return embedded.call(method, url, params=params, body=body, headers={**HEADERS, **headers})
    return pooled.request(method, url, params=params, json=body, headers=headers)


def reset() -> None:
    """Drop the pooled client; the next call builds one from the current settings."""
    global _client, _embedded
    with _lock:
        old, _client, _embedded = _client, None, None
    if old is not None:
        old.close()


@contextmanager
def transport_for_tests(transport: httpx.BaseTransport) -> Iterator[None]:
    """Route every platform call through `transport` (a fault-injecting wrapper) inside the block."""
    global _transport_for_tests
    previous, _transport_for_tests = _transport_for_tests, transport
    reset()
    try:
        yield
    finally:
        _transport_for_tests = previous
        reset()


def _on_setting_changed(setting, **kwargs):
    if setting in ("LAKESAIL_API_URL", "LAKESAIL_API_TIMEOUT"):
        reset()


setting_changed.connect(_on_setting_changed, dispatch_uid="console.client.transport")
