"""One name per operation on both sides of the seam: a console client function is named as the platform's
operationId for the operation its docstring names ("GET /org/members" -> list_members on both sides).
"""

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("openapi.json")
OPERATION = re.compile(r"^(GET|POST|PUT|PATCH|DELETE) (/\S*)$")


def shape(path: str) -> str:
    """/org/members/{member} and /org/members/{memberId} are the same path."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def client_operations() -> dict[tuple[str, str], str]:
    """(method, path shape) -> client function, from every one-line "METHOD /path" docstring."""
    found = {}
    for module in sorted((ROOT / "console" / "client").glob("*.py")):
        for node in ast.parse(module.read_text()).body:
            doc = ast.get_docstring(node) if isinstance(node, ast.FunctionDef) else None
            match = OPERATION.match(doc.strip()) if doc else None
            if match and not match[2].startswith("/_local/"):  # the Dev mailbox is not part of the API
                found[(match[1].lower(), shape(match[2]))] = f"{module.stem}.{node.name}"
    return found


def platform_operations() -> dict[tuple[str, str], str]:
    document = json.loads(SNAPSHOT.read_text())
    return {
        (method, shape(path)): operation["operationId"]
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }


def test_every_client_function_is_named_after_its_platform_operation():
    platform = platform_operations()
    client = client_operations()
    assert len(client) > 50  # the docstrings were found
    unknown = sorted(
        f"{name} ({method.upper()} {path})" for (method, path), name in client.items() if (method, path) not in platform
    )
    assert not unknown, f"client functions for operations the platform does not have: {unknown}"
    renamed = {name: platform[key] for key, name in client.items() if name.split(".", 1)[1] != platform[key]}
    assert not renamed, f"client function -> the platform's operationId: {renamed}"


def test_the_client_module_is_the_platform_router_of_the_area():
    """console/client/<area>.py calls the operations of localplatform/api/routers/<area>.py (its OpenAPI tag)."""
    document = json.loads(SNAPSHOT.read_text())
    # The contract's tags for §3.1, §3.2 and §3.20; every other tag is the area's name.
    area = {
        "authentication": "auth",
        "identity-providers": "identity_providers",
        "workload-configs": "workload_configs",
    }
    tags = {
        (method, shape(path)): area.get(operation.get("tags", [""])[0], operation.get("tags", [""])[0])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    misplaced = {name: tags[key] for key, name in client_operations().items() if name.split(".", 1)[0] != tags[key]}
    assert not misplaced, f"client function -> the platform router (tag) of its operation: {misplaced}"
