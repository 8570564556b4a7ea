"""No private attribute of httpx or httpcore is touched: the names httpx and httpcore give their
own objects (``self._pool``, ``self._network_backend``...) never appear on an object of theirs in
our code, neither as ``x._name`` nor through ``getattr``/``setattr``/``hasattr``."""

from __future__ import annotations

import ast
from pathlib import Path
from types import ModuleType

import httpcore
import httpx
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "overrides" / "aigenstudio"


def _private_names(package: ModuleType) -> set[str]:
    """Every ``self._name`` a package assigns: the private attributes of its objects."""
    names: set[str] = set()
    for path in Path(str(package.__file__)).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                names.add(node.attr)
    return names


THEIRS = _private_names(httpx) | _private_names(httpcore)


def _touches(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute) and node.attr in THEIRS:
        owner = node.value
        if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):  # our own attribute
            return ast.unparse(node)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in THEIRS
    ):
        return ast.unparse(node)
    return None


def test_httpx_and_httpcore_private_names_were_found() -> None:
    assert {"_pool", "_network_backend", "_transport"} <= THEIRS


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_private_attribute_of_httpx_or_httpcore(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    touched = [found for node in ast.walk(tree) if (found := _touches(node)) is not None]
    assert not touched, f"{path.relative_to(PACKAGE)} reaches into httpx/httpcore: {touched}"
