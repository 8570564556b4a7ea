"""Integral numbers become int only where the schema says integer, also through references that
lead back to themselves, branches, prefixItems and additionalProperties; the schema's shape is
compiled once and reused, so a response is walked only along paths that can hold an integer."""

from __future__ import annotations

import json
from typing import Any

from aigenstudio._contract import schema as schema_module
from aigenstudio._contract.schema import integers_as_int

DEFS: dict[str, Any] = {
    "Node": {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "ratio": {"type": "number"},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
            "free": {},
        },
    }
}


def _deref(node: Any) -> Any:
    while isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/$defs/"):
        node = DEFS[node["$ref"][len("#/$defs/") :]]
    return node


def test_a_self_referencing_schema_converts_at_every_depth() -> None:
    body = {
        "count": 1.0,
        "ratio": 2.0,
        "free": 3.0,
        "children": [{"count": 4.0, "children": [{"count": 5.0}]}],
    }
    out = integers_as_int(body, {"$ref": "#/$defs/Node"}, _deref)
    assert repr(out) == repr(
        {"count": 1, "ratio": 2.0, "free": 3.0, "children": [{"count": 4, "children": [{"count": 5}]}]}
    )


def test_branches_prefix_items_and_additional_properties() -> None:
    schema = {
        "type": "object",
        "properties": {
            "pair": {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"type": "number"}],
                "items": False,
            },
            "either": {"anyOf": [{"type": "string"}, {"type": ["integer", "null"]}]},
        },
        "additionalProperties": {"allOf": [{"type": "integer"}]},
    }
    out = integers_as_int({"pair": [1.0, 1.0], "either": 2.0, "extra": 3.0, "half": 2.5}, schema, _deref)
    assert repr(out) == repr({"pair": [1, 1.0], "either": 2, "extra": 3, "half": 2.5})


def test_a_schema_without_integers_leaves_the_body_alone() -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}, "n": {"type": "number"}}}
    body = {"name": "x", "n": 1.0}
    assert integers_as_int(body, schema, _deref) is body
    assert repr(body) == repr({"name": "x", "n": 1.0})


def test_the_shape_is_compiled_once_per_schema(monkeypatch: Any) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    compiled: list[object] = []
    real = schema_module._compile

    def counting(*args: Any) -> Any:
        compiled.append(args[0])
        return real(*args)

    monkeypatch.setattr(schema_module, "_compile", counting)
    assert integers_as_int({"n": 2.0}, schema, _deref) == {"n": 2}
    first = len(compiled)
    assert first > 0
    for _ in range(3):
        assert integers_as_int({"n": 3.0}, schema, _deref) == {"n": 3}
    assert len(compiled) == first


def test_a_schema_read_from_json_converts_too() -> None:
    """The contract's schemas come from contract.json: their strings are equal to, not the
    same objects as, the literals in the code."""
    schema = json.loads('{"type": "object", "properties": {"n": {"type": "integer"}}}')
    assert repr(integers_as_int({"n": 2.0}, schema, _deref)) == repr({"n": 2})


def test_a_boolean_schema_among_the_branches_is_skipped() -> None:
    schema = {"properties": {"n": {"anyOf": [True, {"type": "integer"}]}, "m": {"allOf": [False]}}}
    assert repr(integers_as_int({"n": 2.0, "m": 3.0}, schema, _deref)) == repr({"n": 2, "m": 3.0})


def test_the_shape_cache_keeps_several_schemas_and_stays_bounded(monkeypatch: Any) -> None:
    monkeypatch.setattr(schema_module, "_SHAPES", {})
    monkeypatch.setattr(schema_module, "_MAX_SHAPES", 3)
    schemas = [{"type": "object", "properties": {f"n{i}": {"type": "integer"}}} for i in range(4)]
    compiled: list[object] = []
    real = schema_module._compile

    def counting(*args: Any) -> Any:
        compiled.append(args[0])
        return real(*args)

    monkeypatch.setattr(schema_module, "_compile", counting)
    for _ in range(2):  # two schemas used in turn: each compiled once
        for index in (0, 1):
            assert integers_as_int({f"n{index}": 1.0}, schemas[index], _deref) == {f"n{index}": 1}
    whole_schemas = [args for args in compiled if any(args == [schema] for schema in schemas)]
    assert len(whole_schemas) == 2
    for schema in schemas:
        integers_as_int({}, schema, _deref)
        assert len(schema_module._SHAPES) <= 3
