"""The package's layers point one way: a lower layer never imports a higher one.

    face      __init__.py, aio.py, __main__.py, testing/ (the fake API, on the face's layer)
    catalog   _catalog/           (built on the workflow helpers; nothing below imports it)
    client    _client/            workflow   _workflow/
    http      _http/              (the transport chain and its settings)
    contract  _contract/, _webhooks.py
    core      _core/, _version.py

Read from the source with ``ast`` (every import, also those inside functions), so a lazy
import that runs backwards fails here even if no test happens to execute it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "overrides" / "aigenstudio"
LAYERS = {
    "_core": 0,
    "_version": 0,
    "_contract": 1,
    "_webhooks": 1,
    "_http": 2,
    "_client": 3,
    "_workflow": 3,
    "_catalog": 4,
    "__init__": 5,
    "aio": 5,
    "__main__": 5,
    "testing": 5,
}
# These may not import each other either, whatever their layers (helpers work with any client).
APART = {("_workflow", "_client"), ("_catalog", "_client")}
MAX_UNIT_LINES = 120


def _unit(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imported_units(path: Path, source: str | None = None) -> set[str]:
    """The package's top-level units that ``path`` imports (relative imports resolved)."""
    tree = ast.parse(source if source is not None else path.read_text(encoding="utf-8"))
    here = path.relative_to(PACKAGE).parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
            target = [*base, *(node.module.split(".") if node.module else [])]
            names = [alias.name for alias in node.names] if not target else [target[0]]
            found.update(names)
        elif isinstance(node, ast.ImportFrom | ast.Import):
            modules = (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            )
            for module in modules:
                if module.startswith("aigenstudio.") or module == "aigenstudio":
                    found.add(module.split(".")[1] if "." in module else "__init__")
    return {name for name in found if name in LAYERS}


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path: Path) -> None:
    unit = _unit(path)
    assert unit in LAYERS, f"{unit} has no layer: add it to LAYERS"
    for imported in _imported_units(path) - {unit}:
        assert LAYERS[imported] < LAYERS[unit] or (
            LAYERS[imported] == LAYERS[unit] and (unit, imported) not in APART and imported != unit
        ), f"{path.relative_to(PACKAGE)} imports {imported}: layer {LAYERS[imported]} >= {LAYERS[unit]}"
        assert (unit, imported) not in APART, f"{unit} may not import {imported}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_unit_is_long(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            assert length <= MAX_UNIT_LINES, f"{node.name} is {length} lines"


def test_the_checker_sees_a_backward_import() -> None:
    # The check itself must be able to fail: a lazy import of the client in _core is caught.
    errors = PACKAGE / "_core" / "errors.py"
    source = (
        errors.read_text(encoding="utf-8") + "\n\ndef _late() -> None:\n    from .._client import Client\n"
    )
    assert "_client" in _imported_units(errors, source)
    assert "_client" not in _imported_units(errors)
