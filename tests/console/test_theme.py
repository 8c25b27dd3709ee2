"""Theme choice: a cookie set by a plain POST form, rendered server-side on the next page."""

import pytest


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
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/theme", {"theme": "dark"})
    assert response.status_code == 403


def test_user_menu_marks_the_current_theme(signed_in, cast):
    client = signed_in(cast.member)
    client.post("/theme", {"theme": "dark", "next": "/"})
    html = client.get("/").content.decode()
    assert 'name="theme" value="dark" aria-pressed="true"' in html
    assert 'name="theme" value="light" aria-pressed="false"' in html
    assert '<input type="hidden" name="next" value="/">' in html
