"""Error pages inside the app shell when signed in, with a way back to the list the page belonged to; the
branded 404 even with DEBUG on (never Django's technical page)."""

import pytest
from django.test import RequestFactory

from console.views.errors import way_back
from tests.client.support import error_response, faults, on

SHELL = '<nav class="app-nav" aria-label="Main">'


def back_link(html: str) -> str | None:
    start = html.find('class="btn btn-primary" href="')
    return html[start:].split('"')[3] if start >= 0 and "Back to" in html else None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/teams/ZZZZZZZZZZ/settings", {"url": "/teams", "label": "Teams"}),
        ("/members/ZZZZZZZZZZ", {"url": "/members", "label": "Members"}),
        ("/members/invitations/ZZZZZZZZZZ/resend", {"url": "/members/invitations", "label": "invitations"}),
        ("/notifications/rules/ZZZZZZZZZZ", {"url": "/notifications/rules", "label": "notification rules"}),
        ("/roles/team/ZZZZZZZZZZ", {"url": "/roles", "label": "Roles"}),
        ("/account/sessions/ZZZZZZZZZZ/revoke", {"url": "/account/sessions", "label": "sessions"}),
        ("/no-such-page", None),
        ("/", None),
    ],
)
def test_the_way_back_is_the_nearest_list_above_the_page(path, expected):
    assert way_back(RequestFactory().get(path)) == expected


def test_a_missing_item_is_a_404_in_the_app_shell_with_a_way_back_to_its_list(signed_in, cast):
    response = signed_in(cast.owner).get("/teams/ZZZZZZZZZZ")
    html = response.content.decode()
    assert response.status_code == 404
    assert SHELL in html and "Olivia Owner" in html  # sidebar and user menu
    assert "Back to Teams" in html and back_link(html) == "/teams"
    assert 'href="/">Go to the dashboard' in html


def test_a_refusal_is_a_403_in_the_app_shell(signed_in, cast):
    response = signed_in(cast.member).get("/members/invitations")
    html = response.content.decode()
    assert response.status_code == 403
    assert SHELL in html and "You don't have access to this" in html
    assert "Back to Members" in html


@pytest.mark.parametrize(
    ("status", "code", "heading"),
    [
        (409, "conflict", "That can't be done right now"),
        (429, "rate_limited", "Slow down a little"),
        (503, "unavailable", "The platform isn't responding"),
    ],
)
def test_conflict_rate_limit_and_outage_pages_keep_the_app_shell(signed_in, cast, status, code, heading):
    client = signed_in(cast.owner)
    with faults(on("/org/teams", error_response(status, code, retryAfter=5), method="GET")):
        response = client.get("/teams")
    html = response.content.decode()
    assert response.status_code == status
    assert SHELL in html and heading in html


def test_signed_out_the_error_page_stands_alone(client, cast):
    response = client.get("/no-such-page")
    html = response.content.decode()
    assert response.status_code == 404
    assert SHELL not in html and "We couldn't find that page" in html


def test_signed_in_an_unknown_address_leads_to_the_dashboard(signed_in, cast):
    html = signed_in(cast.owner).get("/no-such-page").content.decode()
    assert SHELL in html and "Back to" not in html and 'class="btn btn-primary" href="/">Go to the dashboard' in html


@pytest.mark.parametrize("path", ["/no-such-page", "/members/ZZZZZZZZZZ/nothing-here"])
def test_debug_shows_the_branded_404_not_the_technical_one(signed_in, cast, settings, path):
    client = signed_in(cast.owner)
    settings.DEBUG = True  # as bin/run runs it
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn't find that page" in html and SHELL in html
    assert "URLconf" not in html and "Django tried these URL patterns" not in html


def test_debug_shows_the_branded_404_for_a_views_http404(signed_in, cast, settings):
    client = signed_in(cast.owner)
    settings.DEBUG = True
    response = client.get("/notifications/history/ZZZZZZZZZZ")  # the view raises Http404
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn't find that page" in html and "Raised by" not in html
    assert "Back to notification history" in html


def test_debug_keeps_the_api_404_as_json(client, cast, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/no-such-operation")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
