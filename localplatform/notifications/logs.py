"""Keep channel secrets out of log lines.

Our own log lines name deliveries and channels by id only. httpx logs every request URL at INFO
("HTTP Request: POST https://hooks.slack.com/services/T000/B000/XXXX ..."), and a Slack webhook URL's
path is a secret, so while a notification is being sent (`sending()`), a filter on the httpx and
httpcore loggers cuts every URL down to its origin. Other httpx users (the console's client) keep
their paths.
"""

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SENDING: ContextVar[bool] = ContextVar("lakesail_notification_sending", default=False)


@contextmanager
def sending() -> Iterator[None]:
    token = SENDING.set(True)
    try:
        yield
    finally:
        SENDING.reset(token)


URL = re.compile(r"(https?://[^/\s'\"]+)(/[^\s'\"]*)?")


def redact(text: str) -> str:
    """'POST https://host/services/T/B/X' -> 'POST https://host/…'."""
    return URL.sub(lambda m: m.group(1) + ("/…" if m.group(2) and m.group(2) != "/" else ""), text)


class RedactUrls(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not SENDING.get():
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot be formatted is dropped rather than leaked
            return False
        record.msg = redact(message)
        record.args = None
        return True


def install() -> None:
    for name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11", "httpcore.http2", "httpcore.proxy"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactUrls) for f in logger.filters):
            logger.addFilter(RedactUrls())
