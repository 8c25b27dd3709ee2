"""Dev mailbox: the local platform's outbox, newest first, links clickable, local mode only."""

import httpx
import pytest

from localplatform.accounts.models import OutboxMessage
from tests.client.support import faults, on
from tests.console.accounts_support import last_mail


def recorded(transport) -> list[str]:
    return [f"{request.method} {request.url.path}" for request in transport.requests]


def test_mailbox_lists_newest_first_with_one_call(client, cast, outbox):
    client.post("/forgot-password", {"email": cast.member.email})
    client.post("/sign-in/code", {"email": cast.owner.email})
    with faults(lambda request: None) as transport:
        response = client.get("/dev-mailbox")
    assert recorded(transport) == ["GET /_local/outbox"]
    subjects = [message.subject for message in response.context["mail"]]
    assert len(subjects) == 2 and "code" in subjects[0].lower()  # the later mail first
    html = response.content.decode()
    assert "Back to sign in" in html  # signed out: the sign-in layout


def test_opening_a_message_makes_its_links_clickable(client, cast, outbox):
    client.post("/forgot-password", {"email": cast.member.email})
    message = last_mail(cast.member.email)
    response = client.get(f"/dev-mailbox/{message.id}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="http://testserver/reset-password?token=' in html
    assert cast.member.email in html


def test_signed_in_mailbox_uses_the_console_layout(signed_in, cast, outbox):
    response = signed_in(cast.member).get("/dev-mailbox")
    assert "console/base.html" in [t.name for t in response.templates]
    assert "No mail yet" in response.content.decode()


def test_unknown_message_is_not_found(client, db):
    assert client.get("/dev-mailbox/NOPE123").status_code == 404


def test_mailbox_exists_only_in_local_mode(client, db, settings):
    settings.LAKESAIL_API_URL = "https://platform.lakesail.com/api/v1"
    with faults(lambda request: (_ for _ in ()).throw(AssertionError("no call"))):
        assert client.get("/dev-mailbox").status_code == 404
        html = client.get("/sign-in").content.decode()
    assert "/dev-mailbox" not in html


def test_mailbox_when_the_platform_is_down(client, db):
    with faults(on("/_local/outbox", httpx.ConnectError("refused"))):
        assert client.get("/dev-mailbox").status_code == 503


def test_mailbox_accepts_only_reads(client, db):
    assert client.post("/dev-mailbox").status_code == 405
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("change", [{"LAKESAIL_LOCAL_MODE": False}, {"SMTP_HOST": "smtp.example.com"}])
def test_mailbox_is_absent_outside_the_local_profile(client, cast, settings, signed_in, change):
    """DEBUG off without LAKESAIL_LOCAL_MODE, or with SMTP configured: no link anywhere, and /dev-mailbox is 404."""
    for name, value in change.items():
        setattr(settings, name, value)
    with faults(lambda request: (_ for _ in ()).throw(AssertionError("no call"))):
        assert client.get("/dev-mailbox").status_code == 404
        pages = [client.get(path).content.decode() for path in ("/sign-in", "/sign-in/code", "/forgot-password")]
    assert "Sign in" in pages[0]
    pages.append(signed_in(cast.member).get("/").content.decode())  # the user menu
    assert not [page for page in pages if "/dev-mailbox" in page]


def test_mailbox_links_show_in_the_local_profile(client, cast, signed_in):
    assert 'href="/dev-mailbox"' in client.get("/sign-in").content.decode()
    assert 'href="/dev-mailbox"' in signed_in(cast.member).get("/").content.decode()
