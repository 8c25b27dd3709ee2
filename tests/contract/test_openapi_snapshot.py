"""The OpenAPI document of /api/v1 is snapshotted in tests/contract/openapi.json, so contract changes show in review.

After an intended change, regenerate the snapshot and commit it:

    DEBUG=true .venv/bin/python manage.py openapi_snapshot
"""

import difflib
import json
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")
REGENERATE = "DEBUG=true .venv/bin/python manage.py openapi_snapshot"

IMPLEMENTED = {
    ("post", "/auth/login"),
    ("post", "/auth/token/refresh"),
    ("post", "/auth/logout"),
    ("get", "/auth/permissions"),
    ("get", "/me"),
    ("get", "/org/roles"),
    ("get", "/org/roles/{role}"),
    ("get", "/org/team-roles"),
    ("get", "/org/team-roles/{role}"),
    ("get", "/org/settings"),
    ("patch", "/org/settings"),
    ("get", "/org/members"),
    ("get", "/org/teams"),
    # Teams (issue 5)
    ("post", "/org/teams"),
    ("get", "/org/teams/{team}"),
    ("patch", "/org/teams/{team}"),
    ("delete", "/org/teams/{team}"),
    ("get", "/org/teams/{team}/members"),
    ("put", "/org/teams/{team}/members/{member}"),
    ("delete", "/org/teams/{team}/members/{member}"),
    ("put", "/org/teams/{team}/members/{member}/roles"),
    ("get", "/me/teams"),
}


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_live_document_matches_the_snapshot(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    live = render(response.json())
    snapshot = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
    if live != snapshot:
        diff = difflib.unified_diff(
            snapshot.splitlines(), live.splitlines(), "snapshot (tests/contract/openapi.json)", "live", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:80])
        raise AssertionError(
            f"The OpenAPI document differs from the snapshot. If the change is intended, run\n\n    {REGENERATE}\n\n"
            f"and commit tests/contract/openapi.json. First lines of the diff:\n{shown}"
        )


def test_every_operation_is_documented():
    document = json.loads(SNAPSHOT.read_text())
    operations = {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) >= IMPLEMENTED
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(ids) == len(set(ids))
    for (method, path), operation in operations.items():
        where = f"{method.upper()} {path}"
        assert operation.get("summary") and operation.get("description"), f"{where} needs a summary and a docstring"
        assert "\n" not in operation["description"].strip(), f"{where}: one docstring line"
        assert operation.get("tags"), f"{where} needs a tag"


def test_paths_are_relative_to_the_server():
    document = json.loads(SNAPSHOT.read_text())
    assert document["servers"] == [{"url": "/api/v1"}]
    assert all(path.startswith("/") and not path.startswith("/api/") for path in document["paths"])
