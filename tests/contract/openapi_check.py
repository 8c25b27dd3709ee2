"""Check live responses against the OpenAPI document the local platform publishes (and we snapshot).

A small structural validator, enough for the shapes pydantic emits: $ref, anyOf, objects (required keys,
no undeclared keys), arrays, enums/consts, patterns and the JSON scalar types.
"""

import json
import re
from functools import cache

import httpx

API_PREFIX = "/api/v1"


@cache
def openapi() -> dict:
    from localplatform.api.app import api

    return json.loads(json.dumps(api.get_openapi_schema()))  # as served: string status codes


@cache
def _operations() -> list[tuple[re.Pattern, str, dict]]:
    routes = []
    for path, methods in openapi()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in methods.items():
            routes.append((pattern, method.upper(), operation))
    return routes


def operation_for(method: str, path: str) -> dict:
    """The OpenAPI operation serving METHOD /api/v1/<path>."""
    path = path.removeprefix(API_PREFIX)
    for pattern, op_method, operation in _operations():
        if op_method == method and pattern.match(path):
            return operation
    raise AssertionError(f"no operation {method} {path} in the OpenAPI document")


def assert_conforms(response: httpx.Response) -> dict | None:
    """Assert that the response body matches the schema its operation declares for its status; return the body."""
    operation = operation_for(response.request.method, response.request.url.path)
    declared = operation["responses"].get(str(response.status_code))
    assert declared is not None, f"status {response.status_code} is not declared for {operation['operationId']}"
    content = declared.get("content")
    if content is None:
        assert response.content == b"", "a response declared without content has a body"
        return None
    body = response.json()
    problems = validate(content["application/json"]["schema"], body, "$")
    assert not problems, f"{operation['operationId']} {response.status_code}: " + "; ".join(problems[:10])
    return body


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = openapi()["components"]["schemas"][name]
    return schema


def validate(schema: dict, value, where: str) -> list[str]:
    """Problems found in `value` (empty when it conforms)."""
    schema = _resolve(schema)
    if "anyOf" in schema:
        options = [validate(option, value, where) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else min(options, key=len)
    if "allOf" in schema:
        return [problem for part in schema["allOf"] for problem in validate(part, value, where)]
    if "const" in schema and value != schema["const"]:
        return [f"{where}: {value!r} is not {schema['const']!r}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} is not one of {schema['enum']}"]
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind is not None and not checks[kind](value):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    if kind == "string" and "pattern" in schema and not re.search(schema["pattern"], value):
        return [f"{where}: {value!r} does not match {schema['pattern']}"]
    if kind == "array":
        return [p for i, item in enumerate(value) for p in validate(schema.get("items", {}), item, f"{where}[{i}]")]
    if kind == "object":
        return _validate_object(schema, value, where)
    return []


def _validate_object(schema: dict, value: dict, where: str) -> list[str]:
    properties = schema.get("properties", {})
    problems = [f"{where}: missing {key!r}" for key in schema.get("required", []) if key not in value]
    extra = schema.get("additionalProperties", not properties)
    for key, item in value.items():
        if key in properties:
            problems += validate(properties[key], item, f"{where}.{key}")
        elif isinstance(extra, dict):
            problems += validate(extra, item, f"{where}.{key}")
        elif not extra:
            problems.append(f"{where}: undeclared key {key!r}")
    return problems
