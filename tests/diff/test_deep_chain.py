"""Specs whose schemas reference earlier schemas in chains: resolving and diffing stay linear.

Each of N schemas references the previous two, so the inlined tree has Fibonacci-many paths
to the bottom schema (about 10^8 for N = 40). The bounds are structural: how many `$ref`s the
resolver expands and how many schema pairs the differ compares, never wall time. A change at
the bottom is one row, at the component, naming the places that reach it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import REF_KEY, RefResolver, load_spec
from tools.apidiff.rules import Level
from tools.apidiff.schema_diff import SchemaDiffer

SCHEMAS = 40


def _name(index: int) -> str:
    return f"Link{index:02d}"


def _chain_spec(bottom_max_length: int) -> dict[str, Any]:
    """Only the bottom schema's `label` depends on the argument."""
    schemas: dict[str, Any] = {}
    for index in range(SCHEMAS):
        max_length = bottom_max_length if index == 0 else 64
        properties: dict[str, Any] = {"label": {"type": "string", "maxLength": max_length}}
        for prop, back in (("a", 1), ("b", 2)):
            if index >= back:
                properties[prop] = {"$ref": f"#/components/schemas/{_name(index - back)}"}
        schemas[_name(index)] = {"type": "object", "properties": properties}

    def get(schema: str) -> dict[str, Any]:
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        return {"get": {"responses": {"200": {"description": "OK", "content": content}}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "Chain", "version": "1.0.0"},
        "paths": {"/top": get(_name(SCHEMAS - 1)), "/middle": get(_name(20))},
        "components": {"schemas": schemas},
    }


def _paths_to_bottom(top: int) -> int:
    """Pointer paths from schema `top` down to schema 0 (a Fibonacci number)."""
    counts = [1, 1]
    for _ in range(2, top + 1):
        counts.append(counts[-1] + counts[-2])
    return counts[top]


def test_resolver_expands_each_component_once() -> None:
    resolver = RefResolver(_chain_spec(64))
    resolved = resolver.resolve()
    assert resolver.expansions <= SCHEMAS  # linear: one expansion per component
    top = resolved["components"]["schemas"][_name(SCHEMAS - 1)]
    assert top["properties"]["a"]["properties"]["a"] is top["properties"]["b"]  # shared, not copied


def test_a_change_at_the_bottom_is_reported_once_at_the_component(tmp_path: Path) -> None:
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(_chain_spec(64)), encoding="utf-8")
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(_chain_spec(32)), encoding="utf-8")
    differ = SchemaDiffer()
    changes = diff_http(load_spec(tmp_path / "old.yaml"), load_spec(tmp_path / "new.yaml"), differ)

    # one comparison per component pair (and context) and per root; a tree walk would make ~10^8
    assert differ.comparisons <= 2 * SCHEMAS
    assert [(c.kind, c.level, c.location, c.message) for c in changes] == [
        (
            "max-length-decreased",
            Level.INFO,  # a response value got a tighter bound: what comes back still parses
            "#/components/schemas/Link00/properties/label",
            "maxLength 64 -> 32 (in Link00; reached from 2 places: GET /middle response 200, "
            "GET /top response 200)",
        )
    ]
    assert _paths_to_bottom(SCHEMAS - 1) == 102_334_155  # fib(40): what inlining every path would walk


def test_recursive_refs_become_object_cycles() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "paths": {},
        "components": {
            "schemas": {
                "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
                "List": {"type": "object", "properties": {"head": {"$ref": "#/components/schemas/Node"}}},
            }
        },
    }
    resolver = RefResolver(document)
    schemas = resolver.resolve()["components"]["schemas"]
    node = schemas["Node"]
    assert node["properties"]["next"] is node  # the recursion is the object graph's own cycle
    assert schemas["List"]["properties"]["head"] is node
    assert node[REF_KEY] == "#/components/schemas/Node"
    assert resolver.expansions == 2  # each component once


def test_a_self_referencing_all_of_does_not_recurse() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "paths": {},
        "components": {
            "schemas": {
                "Loop": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Loop"},
                        {"type": "object", "properties": {"id": {"type": "string"}}},
                    ]
                },
                "Tree": {
                    "type": "object",
                    "properties": {
                        "kids": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Tree"}]}}
                    },
                },
            }
        },
    }
    schemas = RefResolver(document).resolve()["components"]["schemas"]
    assert list(schemas["Loop"]["properties"]) == ["id"]  # the part that is itself is skipped
    kid = schemas["Tree"]["properties"]["kids"]["items"]
    assert kid["properties"]["kids"]["items"] is kid  # merged once the recursive part is filled


def test_merging_all_of_leaves_the_shared_parts_alone() -> None:
    def ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "paths": {},
        "components": {
            "schemas": {
                "Pet": {"allOf": [ref("Named"), ref("Aged")]},
                "Named": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Aged": {"type": "object", "properties": {"age": {"type": "integer"}}},
            }
        },
    }
    schemas = RefResolver(document).resolve()["components"]["schemas"]
    assert list(schemas["Pet"]["properties"]) == ["name", "age"]
    assert list(schemas["Named"]["properties"]) == ["name"]  # the shared part is not extended
