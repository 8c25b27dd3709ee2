"""The one seam: console/ never imports localplatform/, and localplatform/ never imports console/.

Imports are read with ast (any `import x`, `import x.y`, `from x import ...`, `from x.y import ...`,
at any depth in a module, including inside functions and `if TYPE_CHECKING`). Strings naming a
module (include("localplatform.api.urls"), settings, importlib) are not imports and are allowed.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def forbidden_imports(package: str, forbidden: str, root: Path = ROOT) -> list[str]:
    """`file:line: statement` for every import of `forbidden` in the .py files under root/package."""
    found = []
    for path in sorted((root / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            if any(name == forbidden or name.startswith(forbidden + ".") for name in names):
                found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(("package", "forbidden"), [("console", "localplatform"), ("localplatform", "console")])
def test_no_import_across_the_seam(package, forbidden):
    assert (ROOT / package).is_dir()
    crossings = forbidden_imports(package, forbidden)
    assert not crossings, f"{package}/ must reach {forbidden}/ only over HTTP, but imports it:\n" + "\n".join(crossings)


def test_the_checker_sees_every_form_of_import(tmp_path):
    """The checker itself: each import form is caught with its line, strings and lookalikes are not."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(
        "import os\n"
        "import localplatform\n"
        "import localplatform.identity.models as m\n"
        "from localplatform.api import urls\n"
        "def f():\n"
        "    from localplatform import ids\n"
        "import localplatformer\n"
        "from . import localplatform\n"
        'x = "localplatform.api.urls"\n'
    )
    assert forbidden_imports("pkg", "localplatform", root=tmp_path) == [
        "pkg/mod.py:2: import localplatform",
        "pkg/mod.py:3: import localplatform.identity.models as m",
        "pkg/mod.py:4: from localplatform.api import urls",
        "pkg/mod.py:6: from localplatform import ids",
    ]


@pytest.mark.parametrize("domain", ["identity", "accounts", "notifications", "events"])
def test_domain_modules_do_not_import_the_http_layer(domain):
    """Services raise localplatform.errors.PlatformError; only localplatform/api turns it into HTTP.

    Management commands may load the API (the OpenAPI snapshot) and are not domain code.
    """
    crossings = [
        line
        for line in forbidden_imports(f"localplatform/{domain}", "localplatform.api")
        if "/management/commands/" not in line
    ]
    assert not crossings, "domain code imports the HTTP layer:\n" + "\n".join(crossings)
