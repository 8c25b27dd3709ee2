"""Django's error handlers render without help from a session or the platform."""

from django.test import RequestFactory

from console.views import errors


def test_server_error_needs_no_session_or_platform():
    request = RequestFactory().get("/")  # no session, no platform, no middleware at all
    response = errors.server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_server_error_falls_back_to_plain_html(monkeypatch):
    def broken(name):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_forbidden_and_not_found_handlers(client):
    request = RequestFactory().get("/x")
    request.session = {}
    assert errors.forbidden(request).status_code == 403
    assert errors.not_found(request).status_code == 404
