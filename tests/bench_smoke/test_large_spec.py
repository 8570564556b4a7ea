"""The synthetic scale spec is a valid OpenAPI 3.1 document with the requested counts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.make_large_spec import build_spec, main
from tools.generate import validate_spec

METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def _operations(spec: dict[str, object]) -> list[str]:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    return [op["operationId"] for item in paths.values() for method, op in item.items() if method in METHODS]


@pytest.mark.parametrize(("operations", "schemas"), [(200, 400), (7, 13)])
def test_written_spec_is_valid_with_the_requested_counts(
    tmp_path: Path, operations: int, schemas: int
) -> None:
    out = tmp_path / "large.yaml"
    assert main([str(out), "--operations", str(operations), "--schemas", str(schemas)]) == 0

    validate_spec(out)  # openapi-spec-validator, every $ref resolvable
    spec = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert spec["openapi"] == "3.1.0"
    ids = _operations(spec)
    assert len(ids) == operations
    assert len(set(ids)) == operations
    numbered = [name for name in spec["components"]["schemas"] if name.startswith("Model")]
    assert len(numbered) == schemas


def test_same_arguments_give_the_same_document() -> None:
    assert build_spec(11, 30) == build_spec(11, 30)
    assert build_spec(11, 30) != build_spec(12, 30)


def test_references_stay_shallow() -> None:
    # A $ref chain through every schema would make spec tools' cost explode, not grow.
    schemas = build_spec(4, 400)["components"]["schemas"]

    def depth(name: str) -> int:
        props = schemas[name].get("properties", {})
        parent = props.get("parent", {}).get("$ref")
        return 1 + depth(parent.rsplit("/", 1)[1]) if parent else 1

    assert max(depth(name) for name in schemas if name.startswith("Model")) <= 10


def test_too_small_a_spec_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        build_spec(0, 10)
