"""Mail links point at the console's origin: the browser's, passed through the embedded transport (contract §7)."""

import httpx
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from console.client import transport
from console.client.transport import browser_origin
from console.middleware import PlatformMiddleware
from tests.embedded import SharedConnectionTransport
from tests.localplatform.account_support import last_mail


def test_embedded_requests_carry_the_browser_origin_into_mail_links(cast):
    with httpx.Client(transport=SharedConnectionTransport(), base_url="https://platform.internal/api/v1") as client:
        with browser_origin("http", "localhost:8123"):
            response = client.post("/auth/password/forgot", json={"email": "member@acme.test"})
        assert response.status_code == 204, response.text
        assert "http://localhost:8123/reset-password?token=" in last_mail("member@acme.test").body
        # Outside a browser request the embedded host is used, as before.
        assert client.post("/auth/password/forgot", json={"email": "admin@acme.test"}).status_code == 204
        assert "https://testserver/reset-password?token=" in last_mail("admin@acme.test").body


def test_the_console_middleware_records_the_browser_origin(db):
    seen = []

    def view(request):
        seen.append(transport._browser_origin.get())
        return HttpResponse()

    request = RequestFactory().get("/", HTTP_HOST="localhost:8123")
    request.session = SessionStore()
    PlatformMiddleware(view)(request)
    assert seen == [("http", "localhost:8123")]
    assert transport._browser_origin.get() is None
