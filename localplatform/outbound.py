"""The one way the platform sends a request to a URL a user supplied (contract §6 item 15).

Notification senders use it now; IdP discovery and registration, and any later fetch, use it too.
`check_url()` at create/update time (a 422 for the field), `post()`/`get()` at send time:

- The URL: https (plain http only in the local profile), no `user:password@`, no spaces or control
  characters, a port in 1..65535, a host that parses.
- The destination: the host is resolved (IP literals in every notation first: 127.1, 2130706433,
  0x7f000001, 0177.0.0.1, [::ffff:127.0.0.1]) and every address must be public. Loopback, private,
  link-local, CGNAT, multicast, unspecified, reserved and documentation ranges are refused, and IPv4
  addresses inside IPv6 (mapped, compatible, NAT64) are judged as IPv4. The local profile
  (`LAKESAIL_LOCAL_MODE`) allows loopback, and only loopback.
- The connection goes to the address that was checked (pinned, so DNS cannot answer differently between
  the check and the connect) while the Host header, TLS SNI and the certificate check keep the name.
  No redirects; proxies from the environment are ignored.
- Headers: names are RFC 7230 tokens, values printable ASCII. Framing and hop-by-hop headers are never
  taken from callers; Authorization and Cookie only from the platform's own code (`headers=`), never
  from what users configured (`user_headers=`).
- One deadline for everything (resolution, connect, TLS, request, response): when it passes, the socket
  is shut down, whatever the peer does.

Every failure is an OutboundError whose `message` is safe to show. It never tells what a refused or
unreachable address runs (no "connection refused" vs "TLS error": that difference makes a port scanner)
and never repeats the URL's path, query or credentials.
"""

import contextlib
import ipaddress
import json as jsonlib
import logging
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings

logger = logging.getLogger("localplatform.outbound")

NOT_ALLOWED = "This address is not allowed: it points to a private or local network."
BAD_HEADER = "A header of this request is not allowed or not valid."
MAX_URL_LENGTH = 2048
MAX_HEADER_VALUE = 4096
RESOLVE_SECONDS = 3.0  # for check_url(); a send resolves within its own deadline
TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$")
HEADER_VALUE = re.compile(r"^(?:[!-~](?:[ !-~]*[!-~])?)?$")  # printable ASCII, no outer spaces (h11's rule)
LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
HOST_NAME = re.compile(rf"^(?=.{{1,253}}$){LABEL}(?:\.{LABEL})*\.?$")
FRAMING = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade", "expect"}
)
CREDENTIALS = frozenset({"authorization", "cookie"})
NAT64 = ipaddress.ip_network("64:ff9b::/96")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundError(Exception):
    """The request was not sent, or not answered; `message` is safe to show to the user."""

    permanent = False  # True: trying again cannot help until the configuration changes

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidDestination(OutboundError):
    """The URL or a header is malformed or not allowed."""

    permanent = True


class Refused(OutboundError):
    """The destination resolves to an address that is not allowed."""

    permanent = True

    def __init__(self) -> None:
        super().__init__(NOT_ALLOWED)


class Unreachable(OutboundError):
    """The host did not resolve, or no connection could be made or kept (whatever the reason)."""


class TimedOut(OutboundError):
    """No complete answer before the deadline."""


@dataclass(frozen=True)
class Reply:
    """An answer of any status (redirects are answers too: they are never followed)."""

    status: int
    headers: httpx.Headers
    content: bytes
    where: str  # host[:port], for messages

    def json(self) -> Any:
        return jsonlib.loads(self.content)


@dataclass(frozen=True)
class Destination:
    url: str
    host: str  # lower case; IPv6 without brackets
    port: int
    where: str  # host[:port] as written, for messages (never the userinfo, path or query)


def local_mode() -> bool:
    """The local profile: loopback destinations and plain http are allowed."""
    return bool(getattr(settings, "LAKESAIL_LOCAL_MODE", False))


# --- URLs and addresses ------------------------------------------------------------------------------


def parse(url: Any) -> Destination:
    """The destination of a URL; InvalidDestination when it cannot or may not be used."""
    if not isinstance(url, str) or not 1 <= len(url) <= MAX_URL_LENGTH:
        raise InvalidDestination(f"Enter a URL of at most {MAX_URL_LENGTH} characters.")
    if any(char.isspace() or not char.isprintable() for char in url):
        raise InvalidDestination("Enter a URL without spaces or control characters.")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:  # "http://[::1/", "http://x:99999/", "http://x:port/"
        raise InvalidDestination("Enter a URL with a valid host and a port between 1 and 65535.") from None
    schemes = ("https", "http") if local_mode() else ("https",)
    if parts.scheme not in schemes:
        raise InvalidDestination("Enter an http:// or https:// URL." if local_mode() else "Enter an https:// URL.")
    if "@" in parts.netloc:
        raise InvalidDestination("Enter a URL without a user name or password (user:password@).")
    if port is not None and not 1 <= port <= 65535:
        raise InvalidDestination("Enter a port between 1 and 65535.")
    if not host or (literal(host) is None and not HOST_NAME.match(host)):
        raise InvalidDestination("Enter a URL with a valid host name.")
    shown = f"[{host}]" if ":" in host else host
    where = f"{shown}:{port}" if port else shown
    return Destination(url, host, port or (443 if parts.scheme == "https" else 80), where)


def sendable(destination: Destination) -> None:
    """InvalidDestination unless httpx can send to the URL (after the address check: httpx refuses some
    literal notations, such as 0177.0.0.1, that must read as refused first)."""
    try:
        httpx.URL(destination.url)
    except (httpx.InvalidURL, UnicodeError):
        raise InvalidDestination("Enter a valid URL.") from None


def literal(host: str) -> Address | None:
    """The address an IP-literal host names, in any notation inet_aton accepts (as resolvers do)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host[:1].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def permitted(address: Address) -> bool:
    """A public unicast address (or loopback in the local profile)."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return permitted(inner)
    if address.is_loopback:
        return local_mode()
    return address.is_global and not address.is_multicast and not address.is_reserved


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, IPv4-compatible or NAT64 IPv6 address stands for."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    value = int(address)
    if (value >> 32 == 0 and value > 1) or address in NAT64:  # ::a.b.c.d (not :: nor ::1), 64:ff9b::a.b.c.d
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    return None


def resolve(destination: Destination, seconds: float) -> list[Address]:
    """Every address the host resolves to, within `seconds` (getaddrinfo has no timeout of its own)."""
    found: dict[str, Any] = {}

    def lookup() -> None:
        with contextlib.suppress(OSError, UnicodeError):
            found["infos"] = socket.getaddrinfo(destination.host, destination.port, type=socket.SOCK_STREAM)

    thread = threading.Thread(target=lookup, name="outbound-resolve", daemon=True)
    thread.start()
    thread.join(max(seconds, 0))
    infos = found.get("infos")
    if not infos:
        raise Unreachable(f"Could not connect to {destination.where}.")
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def addresses(destination: Destination, seconds: float) -> list[str]:
    """The checked addresses to connect to; Refused unless every address the host has is permitted."""
    address = literal(destination.host)
    found = [address] if address is not None else resolve(destination, seconds)
    if not all(permitted(address) for address in found):
        raise Refused()
    connect_to = [str(getattr(address, "ipv4_mapped", None) or address) for address in found]
    return list(dict.fromkeys(connect_to))


def check_url(url: Any) -> str:
    """The URL when it may be a destination; InvalidDestination or Refused otherwise.

    A host name that does not resolve (yet) passes: every send checks again before it connects.
    """
    destination = parse(url)
    with contextlib.suppress(Unreachable):
        addresses(destination, RESOLVE_SECONDS)
    sendable(destination)
    return url


# --- Headers -------------------------------------------------------------------------------------------


def header_name_problem(name: Any, *, from_user: bool = True) -> str | None:
    """Why a header name cannot be sent (None when it can)."""
    if not isinstance(name, str) or not TOKEN.match(name):
        return "Enter a valid header name of 1 to 128 characters."
    lower = name.lower()
    if lower in FRAMING or lower.startswith("proxy-") or (from_user and lower in CREDENTIALS):
        return "This header cannot be set on outbound requests."
    return None


def header_value_problem(value: Any) -> str | None:
    """Why a header value cannot be sent (None when it can)."""
    if not isinstance(value, str) or len(value) > MAX_HEADER_VALUE or not HEADER_VALUE.match(value):
        return f"Enter a value of at most {MAX_HEADER_VALUE} printable ASCII characters, without outer spaces."
    return None


def request_headers(headers: dict, user_headers: dict) -> dict[str, str]:
    """The caller's headers over the user's, every one checked; InvalidDestination otherwise."""
    merged: dict[str, str] = {}
    for source, from_user in ((user_headers, True), (headers, False)):
        if not isinstance(source, dict):
            raise InvalidDestination(BAD_HEADER)
        for name, value in source.items():
            if header_name_problem(name, from_user=from_user) or header_value_problem(value):
                raise InvalidDestination(BAD_HEADER)
            for existing in [key for key in merged if key.lower() == name.lower()]:
                del merged[existing]
            merged[name] = value
    return merged


# --- Sending -------------------------------------------------------------------------------------------


def post(url: str, *, content: bytes | None = None, json: Any = None, **options: Any) -> Reply:
    """POST `content` (or `json`, compact UTF-8) to a user-supplied URL; see request()."""
    if json is not None:
        content = jsonlib.dumps(json, separators=(",", ":"), ensure_ascii=False).encode()
        options["headers"] = {"Content-Type": "application/json", **(options.get("headers") or {})}
    return request("POST", url, content=content, **options)


def get(url: str, **options: Any) -> Reply:
    """GET a user-supplied URL; see request()."""
    return request("GET", url, **options)


def request(
    method: str,
    url: str,
    *,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    user_headers: dict[str, str] | None = None,
    timeout: float = 10.0,
    max_bytes: int = 1 << 20,
) -> Reply:
    """One request, all of it within `timeout` seconds; at most `max_bytes` of the body are read.

    Raises InvalidDestination or Refused before any connection is attempted, Unreachable or TimedOut after.
    """
    deadline = time.monotonic() + timeout
    destination = parse(url)
    merged = request_headers(headers or {}, user_headers or {})
    backend = PinnedBackend(addresses(destination, deadline - time.monotonic()), deadline)
    sendable(destination)
    client = httpx.Client(transport=PinnedTransport(backend), follow_redirects=False, trust_env=False, timeout=timeout)
    try:
        with client, client.stream(method, url, content=content, headers=merged) as response:
            body = read_at_most(response, max_bytes)
            return Reply(response.status_code, response.headers, body, destination.where)
    except (httpx.HTTPError, OSError) as error:  # OSError: ssl.SSLError and socket errors alike
        logger.debug("outbound %s to %s failed: %s", method, destination.where, type(error).__name__)
        if isinstance(error, httpx.TimeoutException) or time.monotonic() >= deadline:
            raise TimedOut(f"Timed out: {destination.where} did not answer within {timeout:g} s.") from None
        raise Unreachable(f"Could not connect to {destination.where}.") from None
    finally:
        backend.close()


def read_at_most(response: httpx.Response, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= max_bytes:
            break
    return b"".join(chunks)[:max_bytes]


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport, connecting through a PinnedBackend, one connection, never kept alive."""

    def __init__(self, backend: "PinnedBackend"):
        super().__init__(trust_env=False)
        # httpx takes no network backend; its pool is replaced by the same pool built with ours.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=1,
            max_keepalive_connections=0,
            network_backend=backend,
        )


class PinnedBackend(httpcore.NetworkBackend):
    """Connects to the checked addresses whatever host httpx asks for; cuts every socket at the deadline."""

    def __init__(self, addresses: list[str], deadline: float):
        self.addresses = addresses
        self.deadline = deadline
        self.cutters: list[Cutter] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception = httpcore.ConnectError("no address")
        for address in self.addresses:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("deadline passed")
            try:
                stream = httpcore.SyncBackend().connect_tcp(address, port, timeout=remaining)
            except httpcore.ConnectError as failure:
                error = failure
                continue
            cutter = Cutter(stream.get_extra_info("socket"), remaining)
            self.cutters.append(cutter)
            return CutStream(stream, cutter)
        raise error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("not supported")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def close(self) -> None:
        for cutter in self.cutters:
            cutter.cancel()


class Cutter:
    """Shuts a connection down when the deadline passes, so no peer can hold a request longer.

    It works on the descriptor (TLS wraps the socket object but keeps the descriptor), and only while the
    descriptor is still connected to the same peer, so a descriptor number reused later is left alone.
    """

    def __init__(self, sock: socket.socket, seconds: float):
        self.fd, self.peer = sock.fileno(), sock.getpeername()
        self.lock = threading.Lock()
        self.done = False
        self.timer = threading.Timer(seconds, self.cut)
        self.timer.daemon = True
        self.timer.start()

    def cut(self) -> None:
        with self.lock:
            if self.done:
                return
            self.done = True
            try:
                borrowed = socket.socket(fileno=self.fd)
                try:
                    if borrowed.getpeername() == self.peer:
                        borrowed.shutdown(socket.SHUT_RDWR)
                finally:
                    borrowed.detach()
            except OSError:
                pass

    def cancel(self) -> None:
        with self.lock:
            self.done = True
        self.timer.cancel()


class CutStream(httpcore.NetworkStream):
    """A network stream whose Cutter is cancelled before its descriptor is closed."""

    def __init__(self, inner: httpcore.NetworkStream, cutter: Cutter):
        self.inner, self.cutter = inner, cutter

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout)

    def close(self) -> None:
        self.cutter.cancel()
        self.inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return CutStream(self.inner.start_tls(ssl_context, server_hostname, timeout), self.cutter)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)
