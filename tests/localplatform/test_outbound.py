"""The outbound-request guard (localplatform/outbound.py, contract §6 item 15).

Every refusal is proven without traffic: the DNS is fake (FakeDns) and every socket connection is recorded
(Connections), which fails the test if one ever goes anywhere but loopback.
"""

import socket
import threading
import time

import pytest
from django.test import override_settings

from localplatform import outbound
from tests.localplatform.notify_support import Connections, FakeDns, Receiver

PUBLIC = "8.8.8.8"  # only ever a fake DNS answer: nothing connects to it (Connections would fail the test)

REFUSED_HOSTS = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0177.0.0.1",
    "0x7f.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::127.0.0.1]",
    "[64:ff9b::7f00:1]",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "[fe80::1]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "0",
    "[::]",
    "224.0.0.1",
    "[ff02::1]",
    "255.255.255.255",
    "240.0.0.1",
    "192.0.2.10",
    "198.18.0.1",
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[2002:7f00:1::]",
    "loopback.test",
    "metadata.test",
    "mixed.test",
]


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    return FakeDns(
        monkeypatch,
        {
            "loopback.test": ["127.0.0.1"],
            "metadata.test": ["169.254.169.254"],
            "mixed.test": [PUBLIC, "10.0.0.7"],  # every address must pass, not only the first
            "public.test": [PUBLIC],
        },
    )


@pytest.fixture(autouse=True)
def connections(monkeypatch):
    return Connections(monkeypatch)


@pytest.mark.parametrize("host", REFUSED_HOSTS)
@override_settings(LAKESAIL_LOCAL_MODE=False)
def test_every_notation_of_a_private_or_local_address_is_refused_before_connecting(host, connections):
    url = f"https://{host}/hook"
    with pytest.raises(outbound.Refused) as refused:
        outbound.check_url(url)
    assert refused.value.message == outbound.NOT_ALLOWED
    with pytest.raises(outbound.Refused):
        outbound.post(url, json={"a": 1})
    with pytest.raises(outbound.Refused):
        outbound.get(url)
    assert connections.made == []


def test_literals_are_judged_without_asking_the_dns(dns):
    with override_settings(LAKESAIL_LOCAL_MODE=False):
        for host in ("127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]", "10.0.0.1"):
            with pytest.raises(outbound.Refused):
                outbound.check_url(f"https://{host}/")
    assert dns.asked == []


@override_settings(LAKESAIL_LOCAL_MODE=False)
def test_a_public_name_passes_and_an_unknown_name_passes_the_check_but_cannot_be_reached(connections):
    assert outbound.check_url("https://public.test/hook?x=1") == "https://public.test/hook?x=1"
    assert outbound.check_url("https://no-such-host.test/") == "https://no-such-host.test/"
    with pytest.raises(outbound.Unreachable) as unreachable:
        outbound.post("https://no-such-host.test/", content=b"")
    assert unreachable.value.message == "Could not connect to no-such-host.test."
    assert connections.made == []


def test_local_mode_allows_loopback_and_only_loopback(connections):
    with Receiver(statuses=[204]) as receiver:
        port = receiver.server.server_address[1]
        for host in ("127.0.0.1", "127.1", "localhost", "loopback.test", "[::ffff:127.0.0.1]"):
            assert outbound.post(f"http://{host}:{port}/hook", content=b"x").status == 204
    for host in ("10.0.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "mixed.test"):
        with pytest.raises(outbound.Refused):
            outbound.post(f"http://{host}:{port}/hook", content=b"x")
    assert {address[0] for address in connections.made} == {"127.0.0.1"}
    assert len(receiver.requests) == 5


@override_settings(LAKESAIL_LOCAL_MODE=False)
def test_plain_http_needs_the_local_mode():
    with pytest.raises(outbound.InvalidDestination) as invalid:
        outbound.check_url("http://public.test/")
    assert invalid.value.message == "Enter an https:// URL."


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://[::1/", "valid host"),
        ("http://[::1]x/", "valid"),
        ("http://host.test:99999/", "between 1 and 65535"),
        ("http://host.test:0/", "between 1 and 65535"),
        ("http://host.test:-1/", "between 1 and 65535"),
        ("http://host.test:port/", "between 1 and 65535"),
        ("http://user:secret-password@host.test/", "user name or password"),
        ("http://token@host.test/", "user name or password"),
        ("http://host.test/a\r\nHost: evil", "control characters"),
        ("http://host.test/\x00", "control characters"),
        ("http://host.test/a b", "spaces"),
        ("http://host\t.test/", "control characters"),
        ("http://host.test/\u2028", "control characters"),
        ("ftp://host.test/", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("//host.test/", "http:// or https://"),
        ("http:///path", "valid host name"),
        ("http://bad_host!.test/", "valid host name"),
        ("http://" + "a" * 64 + ".test/", "valid host name"),
        ("http://host.test/" + "x" * 2048, "at most 2048"),
        ("", "at most 2048"),
        (None, "at most 2048"),
        (42, "at most 2048"),
    ],
)
def test_malformed_urls_are_invalid_with_a_plain_message(url, message, connections):
    with pytest.raises(outbound.InvalidDestination) as invalid:
        outbound.check_url(url)
    assert message in invalid.value.message
    assert "secret-password" not in invalid.value.message and "token" not in invalid.value.message
    with pytest.raises(outbound.InvalidDestination):
        outbound.post(url, content=b"")
    assert connections.made == []


@pytest.mark.parametrize(
    "name, value",
    [
        ("Host", "evil.test"),
        ("host", "evil.test"),
        ("Cookie", "session=1"),
        ("Authorization", "Bearer stolen"),
        ("Content-Length", "0"),
        ("Transfer-Encoding", "chunked"),
        ("Connection", "close"),
        ("Keep-Alive", "timeout=5"),
        ("Upgrade", "websocket"),
        ("TE", "trailers"),
        ("Trailer", "X"),
        ("Expect", "100-continue"),
        ("Proxy-Authorization", "Basic eA=="),
        ("Proxy-Connection", "keep-alive"),
        ("Bad Name", "x"),
        ("Bad:Name", "x"),
        ("", "x"),
        ("X-" + "a" * 127, "x"),
        ("X-Env", "caf\u00e9"),
        ("X-Env", "a\r\nInjected: yes"),
        ("X-Env", "a\x00b"),
        ("X-Env", "\tx"),
        ("X-Env", " padded "),
        ("X-Env", "x" * 4097),
        ("X-Env", 5),
    ],
)
def test_user_headers_are_checked_before_connecting(name, value, connections):
    with pytest.raises(outbound.InvalidDestination) as invalid:
        outbound.post("http://127.0.0.1:9/", content=b"", user_headers={name: value})
    assert invalid.value.message == outbound.BAD_HEADER
    assert connections.made == []


def test_the_platform_itself_may_send_authorization_and_user_headers_cannot_override_it():
    with Receiver() as receiver:
        outbound.post(
            receiver.url,
            json={"a": 1},
            headers={"Authorization": "Bearer platform", "X-Mine": "platform"},
            user_headers={"X-Mine": "user", "X-Other": "user value"},
        )
    (request,) = receiver.requests
    assert request.headers["Authorization"] == "Bearer platform"
    assert request.headers["X-Mine"] == "platform" and request.headers["X-Other"] == "user value"
    assert request.headers["Content-Type"] == "application/json" and request.body == b'{"a":1}'


def test_the_connection_goes_to_the_checked_address_whatever_the_dns_says_next(dns, connections):
    answers = iter([["127.0.0.1"], ["10.9.8.7"], ["10.9.8.7"]])
    dns.names["rebind.test"] = lambda: next(answers)
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        reply = outbound.post(f"http://rebind.test:{port}/hook", content=b"x")
    assert reply.status == 200 and reply.where == f"rebind.test:{port}"
    assert dns.asked == ["rebind.test"]  # resolved once, by the guard; the connection did not ask again
    assert connections.made == [("127.0.0.1", port)]
    assert receiver.requests[0].headers["Host"] == f"rebind.test:{port}"  # the name stays the Host


def test_redirects_are_answers_not_followed():
    with Receiver(statuses=[302]) as receiver:
        reply = outbound.post(receiver.url, content=b"x")
    assert reply.status == 302 and len(receiver.requests) == 1


def test_failures_are_neutral_and_never_tell_what_runs_there():
    # a closed port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with pytest.raises(outbound.Unreachable) as closed_port:
        outbound.post(f"http://127.0.0.1:{closed}/x", content=b"")
    # TLS spoken to a plain-HTTP server
    with Receiver() as receiver, pytest.raises(outbound.Unreachable) as not_tls:
        outbound.post(receiver.url.replace("http://", "https://"), content=b"")
    port = receiver.server.server_address[1]
    assert closed_port.value.message == f"Could not connect to 127.0.0.1:{closed}."
    assert not_tls.value.message == f"Could not connect to 127.0.0.1:{port}."


def test_a_slow_answer_is_cut_at_the_deadline():
    with Receiver(delay=2.0) as receiver:
        started = time.monotonic()
        with pytest.raises(outbound.TimedOut) as timed_out:
            outbound.post(receiver.url, content=b"", timeout=0.4)
    assert time.monotonic() - started < 1.2
    assert timed_out.value.message.endswith("did not answer within 0.4 s.")


def test_a_peer_that_drips_bytes_cannot_hold_the_request_past_the_deadline():
    server = socket.create_server(("127.0.0.1", 0))

    def drip() -> None:
        peer, _ = server.accept()
        with peer:
            peer.recv(65536)
            try:
                peer.sendall(b"HTTP/1.1 200 OK\r\n")
                for _ in range(50):  # one header line every 0.1 s: each read is quick, the whole is not
                    peer.sendall(b"X-Drip: 1\r\n")
                    time.sleep(0.1)
            except OSError:
                pass

    threading.Thread(target=drip, daemon=True).start()
    started = time.monotonic()
    with server, pytest.raises(outbound.TimedOut):
        outbound.get(f"http://127.0.0.1:{server.getsockname()[1]}/", timeout=0.5)
    assert time.monotonic() - started < 1.5


def test_bodies_are_read_up_to_a_limit():
    with Receiver() as receiver:
        reply = outbound.post(receiver.url, content=b"x", max_bytes=1)
    assert reply.content == b"o"
