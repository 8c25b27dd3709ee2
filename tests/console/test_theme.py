"""Theme choice: a cookie set by a plain POST form, rendered server-side on the next page."""

import re

import pytest
from django.test import Client

from console.context_processors import CSRF_SLOT, NEXT_SLOT
from tests.console.conftest import sign_in

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize("theme", ["light", "dark", "system"])
def test_theme_is_saved_in_a_cookie(client, theme):
    response = client.post("/theme", {"theme": theme, "next": "/sign-in?next=%2F"})
    assert response.status_code == 302
    assert response["Location"] == "/sign-in?next=%2F"
    cookie = response.cookies["theme"]
    assert cookie.value == theme
    assert cookie["samesite"] == "Lax" and cookie["httponly"] and cookie["max-age"] == 60 * 60 * 24 * 365


def test_the_next_page_renders_the_theme(client):
    client.post("/theme", {"theme": "dark", "next": "/sign-in"})
    html = client.get("/sign-in").content.decode()
    assert '<html lang="en" data-theme-choice="dark" data-bs-theme="dark">' in html


def test_system_renders_light_until_the_script_decides(client):
    client.post("/theme", {"theme": "system"})
    html = client.get("/sign-in").content.decode()
    assert 'data-theme-choice="system" data-bs-theme="light"' in html


def test_no_cookie_means_system(client):
    html = client.get("/sign-in").content.decode()
    assert 'data-theme-choice="system"' in html


def test_a_forged_cookie_falls_back_to_system(client):
    client.cookies["theme"] = '"><script>'
    html = client.get("/sign-in").content.decode()
    assert 'data-theme-choice="system"' in html


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "", "javascript:alert(1)"])
def test_unsafe_or_missing_next_goes_to_the_dashboard(client, next_url):
    response = client.post("/theme", {"theme": "light", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("theme", ["", "blue", "LIGHT", "dark "])
def test_unknown_theme_is_refused(client, theme):
    response = client.post("/theme", {"theme": theme, "next": "/"})
    assert response.status_code == 400
    assert "theme" not in response.cookies


def test_theme_accepts_only_posts(client):
    assert client.get("/theme").status_code == 405


def test_theme_form_needs_the_csrf_token(db):
    response = Client(enforce_csrf_checks=True).post("/theme", {"theme": "dark"})
    assert response.status_code == 302 and "theme" not in response.cookies  # refused (tests/console/test_csrf.py)


def test_user_menu_marks_the_current_theme(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/theme", {"theme": "dark", "next": "/"})
    html = client.get("/").content.decode()
    assert 'name="theme" value="dark" aria-pressed="true"' in html
    assert 'name="theme" value="light" aria-pressed="false"' in html
    assert '<input type="hidden" name="next" value="/">' in html


def signed_in_strictly(person) -> Client:
    """A client that sends CSRF tokens as a browser does (taken from the page), signed in as `person`."""
    client = Client(enforce_csrf_checks=True)
    token = CSRF_INPUT.search(client.get("/sign-in").content.decode()).group(1)
    assert sign_in(client, person, csrfmiddlewaretoken=token).status_code == 302
    return client


def test_the_reused_top_bar_has_each_pages_person_path_and_csrf_token(cast):
    owner, member = signed_in_strictly(cast.owner), signed_in_strictly(cast.member)
    pages = (owner.get("/teams?q=a&sort=-name"), owner.get("/teams"), member.get("/teams"))
    filtered, owners, members = (page.content.decode() for page in pages)
    for html in (filtered, owners, members):
        assert CSRF_SLOT not in html and NEXT_SLOT not in html
    assert '<input type="hidden" name="next" value="/teams?q=a&amp;sort=-name">' in filtered
    assert '<input type="hidden" name="next" value="/teams">' in owners
    assert cast.owner.email in owners and cast.member.email not in owners
    assert cast.member.email in members and cast.owner.email not in members
    # The token in the menu's forms is the session's own: the member's works for the member, the owner's does not.
    mine, theirs = CSRF_INPUT.search(members).group(1), CSRF_INPUT.search(owners).group(1)
    assert member.post("/theme", {"theme": "dark", "next": "/teams", "csrfmiddlewaretoken": theirs}).status_code == 403
    assert member.post("/theme", {"theme": "dark", "next": "/teams", "csrfmiddlewaretoken": mine}).status_code == 302
    assert 'name="theme" value="dark" aria-pressed="true"' in member.get("/teams").content.decode()
