"""Local receivers for notification tests (an HTTP endpoint and a real SMTP server, both on loopback), a DNS
that never leaves the machine, and a recorder of outgoing connections."""

import hashlib
import hmac
import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.monotonic)


@dataclass
class Receiver:
    """An http.server on 127.0.0.1 (a free port) recording each POST and answering `statuses` in turn."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0  # seconds to wait before answering (timeouts)
    requests: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                time.sleep(receiver.delay)
                index = min(len(receiver.requests) - 1, len(receiver.statuses) - 1)
                self.send_response(receiver.statuses[index])
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()


def verify_signature(secret: str, raw_body: bytes, header: str) -> bool:
    """The receiver side of §4.2, exactly as the contract documents it."""
    expected = "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free loopback port; `messages` holds what it received."""

    def __init__(self):
        self.messages: list = []

    def __enter__(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller
        from aiosmtpd.handlers import Message

        sink = self

        class Collect(Message):
            def handle_message(self, message):
                sink.messages.append(message)

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Collect(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "use_tls": False, "timeout": 5},
            }
        }


class FakeDns:
    """socket.getaddrinfo for tests: no query leaves the machine.

    IP literals resolve as usual (numerically), `localhost` to 127.0.0.1, each name in `names` to its
    addresses (a list, or a callable returning one, for answers that change), every other name to nothing.
    """

    def __init__(self, monkeypatch, names: dict | None = None):
        self.real = socket.getaddrinfo
        self.names: dict = {"localhost": ["127.0.0.1"], **(names or {})}
        self.asked: list[str] = []
        monkeypatch.setattr(socket, "getaddrinfo", self)

    def __call__(self, host, port, *args, **kwargs):
        text = host.decode() if isinstance(host, bytes) else host
        try:
            ipaddress.ip_address(text) if text is not None else None
            return self.real(host, port, *args, **kwargs)
        except ValueError:
            pass
        self.asked.append(text)
        answer = self.names.get(text)
        addresses = answer() if callable(answer) else answer
        if not addresses:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, int(port or 0)))
            for a in addresses
        ]


class Connections:
    """Records every socket.create_connection; one to an address other than loopback fails the test
    before any packet is sent (tests never send traffic anywhere else)."""

    def __init__(self, monkeypatch):
        self.real = socket.create_connection
        self.made: list[tuple] = []
        monkeypatch.setattr(socket, "create_connection", self)

    def __call__(self, address, *args, **kwargs):
        self.made.append(address)
        assert ipaddress.ip_address(address[0]).is_loopback, f"a test tried to connect to {address}"
        return self.real(address, *args, **kwargs)
