"""Every unexpected exception in the platform's routes is the JSON `internal` Error object, never an HTML page.

Wherever it is raised (the edge middleware, a middleware below it, URL resolution, an auth class, a view, the Dev
mailbox) and with DEBUG on as well: Django's technical 500 page never reaches an API client.
"""

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.urls.resolvers import URLResolver
from ninja.operation import Operation

from localplatform.accounts.models import OutboxMessage
from localplatform.api import middleware
from localplatform.api.auth import BearerAuth
from tests.conftest import bearer
from tests.localplatform.helpers import assert_error


def boom(*args, **kwargs):
    raise RuntimeError("boom: an unexpected failure")


PLACES = {
    "the edge middleware": (middleware, "nesting_depth"),
    "a middleware below the edge": (SessionMiddleware, "process_request"),
    "URL resolution": (URLResolver, "resolve"),
    "an auth class": (BearerAuth, "__call__"),
    "a view": (Operation, "_result_to_response"),
}


@pytest.fixture(params=[False, True], ids=["DEBUG off", "DEBUG on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def assert_internal(response) -> None:
    body = assert_error(response, 500, "internal")
    assert body["errorType"] == "internal" and body["details"]["retryable"] is False
    assert "boom" not in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("place", PLACES)
def test_an_exception_anywhere_in_the_api_is_the_internal_error(cast, api, login, monkeypatch, debug, place):
    token = login(cast.member)["accessToken"]
    monkeypatch.setattr(*PLACES[place], boom)
    response = api.patch("/me", json={"givenName": "Mia"}, headers=bearer(token))
    assert_internal(response)


def test_an_exception_in_the_dev_mailbox_is_the_internal_error(db, api, monkeypatch, debug):
    monkeypatch.setattr(OutboxMessage.objects, "order_by", boom)
    monkeypatch.setattr(OutboxMessage.objects, "filter", boom)
    assert_internal(api.get("http://testserver/_local/outbox"))
    assert_internal(api.get("http://testserver/_local/outbox/A1B2C3D4E5"))


def test_the_exception_is_logged_with_its_traceback(cast, api, login, monkeypatch, caplog):
    token = login(cast.member)["accessToken"]
    monkeypatch.setattr(Operation, "_result_to_response", boom)
    assert_internal(api.get("/me", headers=bearer(token)))
    record = next(r for r in caplog.records if r.name == "localplatform.api" and r.levelname == "ERROR")
    assert record.getMessage() == "internal error on GET /api/v1/me"
    assert record.exc_info and "boom" in str(record.exc_info[1])


def test_csrf_refusal_on_the_dev_mailbox_is_an_error_object(db, api):
    assert_error(api.post("http://testserver/_local/outbox"), 403, "permission_denied")
