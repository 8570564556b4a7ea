"""Structure-aware comparison: oneOf/anyOf branches paired by what they are, not where they
sit; OpenAPI 3.1 nullables read as nullability; properties wrapped in a new oneOf as one
finding; a shared component's change grouped once with the places that use it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import load_spec
from tools.apidiff.rules import Change, Level

RESPONSE = "GET /pets response 200"


def _spec(reply: dict[str, Any], schemas: dict[str, Any] | None = None, paths: int = 1) -> dict[str, Any]:
    content = {"application/json": {"schema": reply}}
    get = {"responses": {"200": {"description": "OK", "content": content}}}
    names = ["/pets", *(f"/pets{n}" for n in range(2, paths + 1))]
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {name: {"get": {**get, "operationId": f"op{i}"}} for i, name in enumerate(names)},
        "components": {"schemas": schemas or {}},
    }


def _diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    (tmp_path / "old.yaml").write_text(yaml.safe_dump(old), encoding="utf-8")
    (tmp_path / "new.yaml").write_text(yaml.safe_dump(new), encoding="utf-8")
    return diff_http(load_spec(tmp_path / "old.yaml"), load_spec(tmp_path / "new.yaml"))


def _rows(changes: list[Change]) -> list[tuple[str, Level, str]]:
    return sorted((c.kind, c.level, c.location) for c in changes)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _animal(name: str, *props: str) -> dict[str, Any]:
    return {"type": "object", "required": [props[0]], "properties": {p: {"type": "string"} for p in props}}


ANIMALS = {name: _animal(name, f"{name.lower()}_id", "sound") for name in ("Cat", "Dog", "Cow", "Pig")}


def test_reordered_branches_are_no_change(tmp_path: Path) -> None:
    old = _spec({"oneOf": [_ref("Cat"), _ref("Dog"), _ref("Cow")]}, ANIMALS)
    new = _spec({"oneOf": [_ref("Cow"), _ref("Cat"), _ref("Dog")]}, ANIMALS)
    assert _diff(tmp_path, old, new) == []


def test_inserted_branches_are_additions_and_a_shifted_branch_keeps_its_changes(tmp_path: Path) -> None:
    inserted = {f"New{n}": _animal(f"New{n}", f"new{n}_id") for n in range(5)}
    schemas = {**ANIMALS, **inserted}
    changed = {**schemas, "Cow": _animal("Cow", "cow_id")}  # Cow loses `sound`
    old = _spec({"oneOf": [_ref("Cat"), _ref("Dog"), _ref("Cow"), _ref("Pig")]}, schemas)
    new_order = [_ref("Cat"), _ref("Dog"), *(_ref(n) for n in inserted), _ref("Cow"), _ref("Pig")]
    changes = _diff(tmp_path, old, _spec({"oneOf": new_order}, changed))
    assert _rows(changes) == [
        *[("one-of-added", Level.BREAKING, f"{RESPONSE} #/oneOf")] * 5,  # oasdiff: ERR
        ("property-removed", Level.WARNING, f"{RESPONSE} #/oneOf/7/properties/sound"),  # Cow, now at 7
    ]
    assert sorted(c.message for c in changes if c.kind == "one-of-added")[0] == "oneOf branch New0 added"


def test_inline_branches_pair_by_discriminator_value(tmp_path: Path) -> None:
    def kind(value: str, *extra: str) -> dict[str, Any]:
        props = {"kind": {"type": "string", "const": value}, **{p: {"type": "integer"} for p in extra}}
        return {"type": "object", "properties": props}

    disc = {"propertyName": "kind"}
    old = _spec({"oneOf": [kind("a", "x"), kind("b", "y")], "discriminator": disc})
    new = _spec({"oneOf": [kind("b", "y", "z"), kind("a", "x")], "discriminator": disc})
    assert _rows(_diff(tmp_path, old, new)) == [
        ("property-added", Level.INFO, f"{RESPONSE} #/oneOf/0/properties/z")  # b gained z; a is unchanged
    ]


def test_inline_branches_pair_by_content_then_similarity(tmp_path: Path) -> None:
    a = {"type": "object", "properties": {"a1": {"type": "string"}, "a2": {"type": "string"}}}
    b = {"type": "object", "properties": {"b1": {"type": "string"}, "b2": {"type": "string"}}}
    b_changed = {"type": "object", "properties": {"b1": {"type": "string"}, "b2": {"type": "integer"}}}
    old, new = _spec({"anyOf": [a, b]}), _spec({"anyOf": [b_changed, a]})
    assert _rows(_diff(tmp_path, old, new)) == [
        ("type-changed", Level.BREAKING, f"{RESPONSE} #/anyOf/0/properties/b2")
    ]


def test_a_single_leftover_branch_pairs_by_position(tmp_path: Path) -> None:
    old = _spec({"oneOf": [{"type": "string"}, {"type": "object", "properties": {"a": {"type": "string"}}}]})
    new = _spec({"oneOf": [{"type": "string"}, {"type": "object", "properties": {"b": {"type": "string"}}}]})
    assert _rows(_diff(tmp_path, old, new)) == [
        ("property-added", Level.INFO, f"{RESPONSE} #/oneOf/1/properties/b"),
        ("property-removed", Level.WARNING, f"{RESPONSE} #/oneOf/1/properties/a"),
    ]


def test_openapi_31_nullables_are_one_thing(tmp_path: Path) -> None:
    owner = {"Owner": {"type": "object", "properties": {"name": {"type": "string"}}}}
    spellings = [
        {"anyOf": [_ref("Owner"), {"type": "null"}]},
        {"oneOf": [{"type": "null"}, _ref("Owner")]},
    ]
    for index, nullable in enumerate(spellings):
        folder = tmp_path / str(index)
        folder.mkdir()
        changes = _diff(folder, _spec(_ref("Owner"), owner), _spec(nullable, owner))
        assert [(c.kind, c.level, c.message) for c in changes] == [
            ("became-nullable", Level.BREAKING, "response value may now be null")
        ]
    # [X, "null"] and anyOf [X, null] are the same thing.
    old = _spec({"type": "object", "properties": {"n": {"type": ["string", "null"]}}})
    new = _spec({"type": "object", "properties": {"n": {"anyOf": [{"type": "string"}, {"type": "null"}]}}})
    assert _diff(tmp_path, old, new) == []


def test_properties_wrapped_in_a_new_one_of_are_one_finding(tmp_path: Path) -> None:
    flat = {"type": "object", "properties": {p: {"type": "string"} for p in ("a", "b", "c", "d")}}
    moved = {**flat, "properties": {**flat["properties"], "d": {"type": "integer"}}}  # and d changed
    other = {"type": "object", "properties": {"ref": {"type": "string"}}}
    changes = _diff(tmp_path, _spec(flat), _spec({"oneOf": [other, moved]}))
    assert _rows(changes) == [
        ("type-changed", Level.BREAKING, f"{RESPONSE} #/oneOf/1/properties/d"),
        ("wrapped-in-one-of", Level.BREAKING, RESPONSE),  # oasdiff: ERR
    ]


def test_a_change_to_a_shared_component_is_one_row_with_its_places(tmp_path: Path) -> None:
    schemas = {"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}
    gone = {"Pet": {"type": "object", "properties": {}}}
    changes = _diff(tmp_path, _spec(_ref("Pet"), schemas, paths=5), _spec(_ref("Pet"), gone, paths=5))
    (change,) = changes
    assert (change.kind, change.level, change.location) == (
        "property-removed",
        Level.BREAKING,
        "#/components/schemas/Pet/properties/name",
    )
    assert change.message == (
        "response property 'name' removed (in Pet; reached from 5 places: GET /pets response 200, "
        "GET /pets2 response 200, GET /pets3 response 200, …)"
    )
