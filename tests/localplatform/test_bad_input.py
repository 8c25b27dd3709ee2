"""Input rules at the API edge (issue 9, Must show 4): every route answers bad input with the Error object, never a 5xx.

The routes come from the API's own OpenAPI document and the platform's URL patterns, so a new route family is
covered without touching this file. Bad input is refused with 400 invalid_request before any view runs; text with
line breaks and tabs is allowed through to the views, which must not fail on it either.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern

from localplatform.api import urls as platform_urls
from tests.conftest import bearer
from tests.contract.openapi_check import openapi
from tests.localplatform.helpers import assert_error

UNKNOWN_ID = "A1B2C3D4E5"
LINE_BREAKS = "line one\r\nline two\tend"
CONSTRAINED = (UNKNOWN_ID, "123456", "new.person@example.test")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with {param} placeholders; absolute (/api/v1/..., /_local/...)
    authenticated: bool
    body: dict | None  # the request body schema, when the operation takes one
    query: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def api_routes() -> list[Route]:
    routes = []
    for path, operations in openapi()["paths"].items():
        for method, operation in operations.items():
            schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            query = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
            routes.append(Route(method.upper(), "/api/v1" + path, bool(operation.get("security")), schema, query))
    return routes


def local_routes() -> list[Route]:
    """The platform's routes outside /api/v1 (the Dev mailbox), from its URL patterns."""
    routes = []
    for pattern in platform_urls.urlpatterns:
        if isinstance(pattern, URLPattern):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
            routes.append(Route("GET", path, False, None, ()))
    return routes


ROUTES = api_routes() + local_routes()


def test_every_route_family_is_covered():
    """A guard against a silently short list: the families issue 9 names are all there."""
    paths = {route.path for route in ROUTES}
    for family in (
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/me/mfa",
        "/api/v1/org/members",
        "/api/v1/org/roles",
        "/api/v1/org/teams",
        "/api/v1/org/invitations",
        "/api/v1/invitations/{token}",
        "/api/v1/notifications/channels",
        "/_local/outbox",
    ):
        assert any(path.startswith(family) for path in paths), family
    assert len(ROUTES) > 60


# --- request bodies from the OpenAPI schemas -------------------------------------------------------


def resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = openapi()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def sample(schema: dict, text: str, depth: int = 0):
    """A value of the schema's shape whose free-text strings are `text` (enums and patterns keep valid values)."""
    schema = resolve(schema)
    if "anyOf" in schema or "oneOf" in schema:
        options = [resolve(o) for o in schema.get("anyOf", schema.get("oneOf", []))]
        return sample(next((o for o in options if o.get("type") != "null"), options[0]), text, depth)
    if "enum" in schema or "const" in schema:
        return schema["enum"][0] if "enum" in schema else schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        return {name: sample(sub, text, depth + 1) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [sample(schema.get("items", {}), text, depth + 1)]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if "pattern" in schema or schema.get("format") == "email":
        # A constrained string (an id, a code, an address) gets a valid value, so the free text reaches the view.
        pattern = re.compile(schema.get("pattern", "@"))
        return next((v for v in CONSTRAINED if pattern.search(v)), text)
    return text


def first_field(route: Route) -> str:
    properties = resolve(route.body).get("properties", {}) if route.body else {}
    return next(iter(properties), "name")


# --- the cases -----------------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    return b'{"a": ' + b"[" * depth + b"]" * depth + b"}"


def body_case(value) -> dict:
    return {"content": value if isinstance(value, bytes) else json.dumps(value).encode()}


REFUSED = {
    "nested JSON, one level too deep": lambda r: body_case(nested(32)),
    "nested JSON, 100,000 levels": lambda r: body_case(nested(100_000)),
    "NUL in a body string": lambda r: body_case({first_field(r): "a\x00b"}),
    "NUL in a nested body string": lambda r: body_case({first_field(r): [{"x": "a\x00"}]}),
    "NUL in a body key": lambda r: body_case({"na\x00me": "x"}),
    "ESC in a body string": lambda r: body_case({first_field(r): "a\x1b[31mred"}),
    "lone surrogate in a body string": lambda r: body_case(b'{"' + first_field(r).encode() + b'": "\\ud800"}'),
    "NUL in a query value": lambda r: {"query": f"{(r.query or ('q',))[0]}=a%00b"},
    "NUL in a query name": lambda r: {"query": "a%00b=1"},
    "BEL in a query value": lambda r: {"query": f"{(r.query or ('q',))[0]}=%07"},
    "TAB in a query value": lambda r: {"query": f"{(r.query or ('q',))[0]}=a%09b"},
    "NUL in the path": lambda r: {"path_value": "A%00B"},
    "line feed in the path": lambda r: {"path_value": "A%0AB"},
}


@pytest.fixture
def send(cast, api, login):
    """send(route, content=..., query=..., path_value=...) -> response, authenticated as the owner where needed."""
    token = login(cast.owner)["accessToken"]
    known = {"member": cast.member.member.pk, "team": cast.team.pk}

    def _send(route: Route, content: bytes = b"", query: str = "", path_value: str | None = None):
        path = route.path
        if path_value is not None and "{" not in path:
            path += path_value
        path = re.sub(r"\{(\w+)\}", lambda m: path_value or known.get(m.group(1), UNKNOWN_ID), path)
        headers = {"Content-Type": "application/json", **(bearer(token) if route.authenticated else {})}
        url = "http://testserver" + path + (f"?{query}" if query else "")
        return api.request(route.method, url, content=content, headers=headers)

    return _send


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_bad_input_is_refused_with_the_error_object(send, route):
    for case, build in REFUSED.items():
        response = send(route, **build(route))
        assert response.status_code == 400, f"{case}: {response.status_code} {response.text[:300]}"
        body = assert_error(response, 400, "invalid_request")
        assert body["errorType"] == "validation", case


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_line_breaks_in_text_reach_the_view_without_a_server_error(send, route):
    content = json.dumps(sample(route.body, LINE_BREAKS)).encode() if route.body else b""
    response = send(route, content=content)
    assert response.status_code < 500, response.text[:500]
    assert response.headers["LakeSail-Request-Id"]
    if response.status_code >= 400:
        assert_error(response, response.status_code, response.json()["code"])


def test_the_refusal_names_the_field(send):
    route = next(r for r in ROUTES if str(r) == "POST /api/v1/org/teams")
    body = assert_error(
        send(route, content=json.dumps({"name": "ok", "x": [{"y": "\x00"}]}).encode()), 400, "invalid_request"
    )
    assert body["details"]["fieldErrors"] == {"x[0].y": "control character"}
    body = assert_error(send(route, query="search=%00"), 400, "invalid_request")
    assert body["details"]["fieldErrors"] == {"search": "control character"}


def test_depth_at_the_limit_is_parsed(send):
    route = next(r for r in ROUTES if str(r) == "POST /api/v1/auth/login")
    response = send(route, content=nested(31))  # {"a": ...} plus 31 arrays: 32 levels
    assert_error(response, 422, "validation_failed")
