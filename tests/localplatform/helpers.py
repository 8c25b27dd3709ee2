"""Assertions shared by the local platform tests."""

import httpx

from tests.contract.openapi_check import assert_conforms

ERROR_KEYS = {"code", "message", "errorType", "details"}
DETAIL_KEYS = {"retryable", "retryAfter", "fieldErrors", "requestId", "causedBy"}


def ok(response: httpx.Response, status: int = 200):
    """Assert a success status and a body that matches the OpenAPI document; return the body."""
    assert response.status_code == status, response.text
    assert response.headers["LakeSail-Request-Id"]
    return assert_conforms(response)


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    """Assert the contract's Error object (§1.6) with this status and code; return it."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert set(body["details"]) == DETAIL_KEYS
    assert body["code"] == code
    assert body["message"]
    assert body["details"]["requestId"] == response.headers["LakeSail-Request-Id"]
    return body
