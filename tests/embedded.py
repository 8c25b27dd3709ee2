"""The embedded transport for tests: the platform request runs in the test's own thread and transaction.

A `django_db` test wraps everything in one transaction on one connection, which the platform must see
(the cast, the seeded data) and must not commit. So, as Django's own test Client does, the nested
request runs in the calling thread, with close_old_connections kept off request_started and
request_finished while it runs (Django would otherwise close the test's connection), and the caller's
thread-local URL state restored afterwards. The product's transport (database connections of its
own, nothing changed process-wide) is exercised by tests/client/test_transport.py in committed tests.
"""

import threading

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from console.client.transport import EmbeddedTransport


class _ConnectionsKept:
    """Reference-counted: close_old_connections is off the two signals while any nested request runs."""

    def __init__(self):
        self.lock = threading.Lock()
        self.depth = 0
        self.reconnect: list = []

    def __enter__(self):
        with self.lock:
            if self.depth == 0:
                self.reconnect = [
                    signal for signal in (request_started, request_finished) if signal.disconnect(close_old_connections)
                ]
            self.depth += 1

    def __exit__(self, *exc_info):
        with self.lock:
            self.depth -= 1
            if self.depth == 0:
                for signal in self.reconnect:
                    signal.connect(close_old_connections)
                self.reconnect = []


_kept = _ConnectionsKept()


class SharedConnectionTransport(EmbeddedTransport):
    """EmbeddedTransport in the calling thread, sharing the test's connection and transaction."""

    def databases(self):
        return _kept
