"""Regressions from the second review of `make diff`: union branch order and model constructors
on the Python surface, levels matched to oasdiff's checker/rules.go, deprecated parameters and
their sunset, OpenAPI 3.0 exclusive flags, rule ids oasdiff does not emit, and the bump."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.diff.conftest import V1_SPEC
from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import load_spec, resolve
from tools.apidiff.python_diff import diff_python, generate_pair, union_order_changes
from tools.apidiff.review import Review
from tools.apidiff.rules import OASDIFF_IDS, Change, Level

B, W, N = Level.BREAKING, Level.WARNING, Level.INFO


def _doc(schemas: dict[str, Any], *, body: Any = None, params: list[Any] | None = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": "op", "responses": {"200": {"description": "OK"}}}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params is not None:
        operation["parameters"] = params
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {"/pets": {"post": operation}},
        "components": {"schemas": schemas},
    }


def _http(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Level, str]]:
    return [(c.kind, c.level, c.oasdiff) for c in diff_http(resolve(old), resolve(new))]


# --- 1. a oneOf/anyOf branch reorder is a Python-side break --------------------------------

_CAT = {"type": "object", "properties": {"name": {"type": "string"}}}
_DOG = {"type": "object", "properties": {"name": {"type": "string"}, "bark": {"type": "string"}}}


def _owner(branches: list[Any], key: str = "oneOf") -> dict[str, Any]:
    owner = {"type": "object", "properties": {"pet": {key: branches}, "pets": {"items": {key: branches}}}}
    return _doc({"Cat": _CAT, "Dog": _DOG, "Owner": owner})


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def test_a_reordered_one_of_is_a_breaking_python_change() -> None:
    old, new = _owner([_ref("Cat"), _ref("Dog")]), _owner([_ref("Dog"), _ref("Cat")])
    changes = union_order_changes(resolve(old), resolve(new))
    assert [(c.kind, c.level, c.location) for c in changes] == [
        ("union-order-changed", B, "Owner.pet"),
        ("union-order-changed", B, "Owner.pets[]"),
    ]
    assert "Cat, Dog -> Dog, Cat" in changes[0].message
    # The wire is the same: oasdiff reports nothing, nor does the HTTP side.
    assert _http(old, new) == []
    assert union_order_changes(resolve(old), resolve(old)) == []


def test_inline_object_branches_reordered_are_found_bare_primitives_are_not() -> None:
    cat, dog = copy.deepcopy(_CAT), copy.deepcopy(_DOG)
    old, new = _owner([cat, dog], "anyOf"), _owner([dog, cat], "anyOf")
    assert [c.location for c in union_order_changes(resolve(old), resolve(new))] == [
        "Owner.pet (anyOf)",
        "Owner.pets[] (anyOf)",
    ]
    # [integer, string] -> [string, integer]: the generated code does not change (a cast).
    primitives = [{"type": "integer"}, {"type": "string"}]
    old, new = _owner(primitives), _owner(primitives[::-1])
    assert union_order_changes(resolve(old), resolve(new)) == []
    # An added branch is the HTTP side's (one-of-added); the kept ones keep their order.
    old, new = _owner([_ref("Cat")]), _owner([_ref("Dog"), _ref("Cat")])
    assert union_order_changes(resolve(old), resolve(new)) == []


@pytest.mark.slow
def test_a_reordered_one_of_breaks_the_generated_review(tmp_path: Path) -> None:
    """oneOf [ProductPhotoJob, ProductPhotoJobSummary] reversed: the model tries the summary
    first, so a full job parses into ProductPhotoJobSummary. Named by its generated class."""
    spec = yaml.safe_load(V1_SPEC.read_text(encoding="utf-8"))
    job = spec["components"]["schemas"]["ProductPhotoJobStatusResponse"]["properties"]
    job["job"] = {"oneOf": [_ref("ProductPhotoJob"), _ref("ProductPhotoJobSummary")]}
    old_spec = tmp_path / "old.yaml"
    old_spec.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    job["job"] = {"oneOf": [_ref("ProductPhotoJobSummary"), _ref("ProductPhotoJob")]}
    new_spec = tmp_path / "new.yaml"
    new_spec.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    old_package, new_package = generate_pair(old_spec, new_spec, tmp_path / "gen")
    changes = diff_python(old_package, new_package, (load_spec(old_spec), load_spec(new_spec)))
    assert [(c.kind, c.level, c.location) for c in changes] == [
        (
            "union-order-changed",
            B,
            "aigenstudio_client.models.product_photo_job_status_response.ProductPhotoJobStatusResponse.job",
        )
    ]
    review = Review("old", "new", diff_http(load_spec(old_spec), load_spec(new_spec)), changes)
    assert (review.bump(), review.exit_code()) == ("major", 1)


# --- 2. attrs model constructors ----------------------------------------------------------

_MODEL = (
    "from attrs import define as _attrs_define\nfrom attrs import field as _attrs_field\n\n"
    "UNSET = object()\n\n@_attrs_define\nclass Item:\n{body}"
    "    additional_properties: dict = _attrs_field(init=False, factory=dict)\n\n"
    "    def to_dict(self) -> dict:\n        return {{}}\n"
)


def _models(tmp_path: Path, old_body: str, new_body: str) -> list[tuple[str, Level, str]]:
    folders = []
    for side, body in (("old", old_body), ("new", new_body)):
        package = tmp_path / side / "pkg"
        (package / "models").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "models" / "__init__.py").write_text("")
        (package / "models" / "item.py").write_text(_MODEL.format(body=body))
        folders.append(package)
    return sorted((c.kind, c.level, c.location) for c in diff_python(folders[0], folders[1]))


BASE = "    id: str\n    sku: str | None = UNSET\n"


def test_a_model_field_that_becomes_required_is_a_python_break(tmp_path: Path) -> None:
    became = "    id: str\n    sku: str\n"
    assert _models(tmp_path, BASE, became) == [("field-became-required", B, "pkg.models.item.Item(sku)")]


def test_a_new_required_model_field_is_a_python_break(tmp_path: Path) -> None:
    added = "    id: str\n    name: str\n    sku: str | None = UNSET\n"
    assert _models(tmp_path, BASE, added) == [("required-field-added", B, "pkg.models.item.Item(name)")]


def test_model_field_removed_optional_or_reordered(tmp_path: Path) -> None:
    assert _models(tmp_path / "a", BASE, "    id: str\n") == [
        ("attribute-removed", B, "pkg.models.item.Item.sku")
    ]
    assert _models(tmp_path / "b", BASE, "    id: str | None = UNSET\n    sku: str | None = UNSET\n") == [
        ("field-became-optional", N, "pkg.models.item.Item(id)")
    ]
    assert _models(tmp_path / "c", "    a: str\n    b: str\n", "    b: str\n    a: str\n") == [
        ("field-moved", B, "pkg.models.item.Item")
    ]
    # A new optional field is a feature, not a break.
    assert _models(tmp_path / "d", BASE, BASE + "    note: str | None = UNSET\n") == [
        ("attribute-added", N, "pkg.models.item.Item.note")
    ]


# --- 3. levels as in oasdiff's checker/rules.go -----------------------------------------------


def test_request_pattern_added_is_breaking_as_in_oasdiff() -> None:
    param = {"name": "q", "in": "query", "schema": {"type": "string"}}
    with_pattern = {**param, "schema": {"type": "string", "pattern": "^[a-z]+$"}}
    assert _http(_doc({}, params=[param]), _doc({}, params=[with_pattern])) == [
        ("pattern-added", B, "request-parameter-pattern-added")
    ]
    body = {"type": "object", "properties": {"code": {"type": "string"}}}
    tighter = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}}
    assert _http(_doc({}, body=body), _doc({}, body=tighter)) == [
        ("pattern-added", B, "request-property-pattern-added")
    ]


def test_new_required_request_property_with_default_is_breaking() -> None:
    body = {"type": "object", "properties": {"a": {"type": "string"}}}
    more = {
        "type": "object",
        "required": ["sku"],
        "properties": {"a": {"type": "string"}, "sku": {"type": "string", "default": "x"}},
    }
    assert _http(_doc({}, body=body), _doc({}, body=more)) == [
        ("property-added", B, "new-required-request-property-with-default")
    ]


def test_response_one_of_added_is_breaking() -> None:
    def reply(branches: list[Any]) -> dict[str, Any]:
        doc = _doc({"Cat": _CAT, "Dog": _DOG})
        content = {"application/json": {"schema": {"oneOf": branches}}}
        doc["paths"]["/pets"]["post"]["responses"]["200"]["content"] = content
        return doc

    assert _http(reply([_ref("Cat")]), reply([_ref("Cat"), _ref("Dog")])) == [
        ("one-of-added", B, "response-body-one-of-added")
    ]


# --- 4. a deprecated parameter removed: its sunset counts ------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, ("parameter-removed", W, "request-parameter-removed")),
        ({"deprecated": True}, ("parameter-removed", N, "request-parameter-removed-with-deprecation")),
        (
            {"deprecated": True, "x-sunset": "2999-01-01"},
            ("parameter-removed", B, "request-parameter-removed-before-sunset"),
        ),
        (
            {"deprecated": True, "x-sunset": "2001-01-01"},
            ("parameter-removed", N, "request-parameter-removed-with-deprecation"),
        ),
        (
            {"deprecated": True, "x-sunset": "soon"},
            ("parameter-removed", B, "request-parameter-sunset-parse"),
        ),
    ],
)
def test_a_removed_deprecated_parameter_respects_its_sunset(
    extra: dict[str, Any], expected: tuple[str, Level, str]
) -> None:
    param = {"name": "cursor", "in": "query", "schema": {"type": "string"}, **extra}
    assert _http(_doc({}, params=[param]), _doc({}, params=[])) == [expected]


# --- 5. OpenAPI 3.0 exclusive flags ----------------------------------------------------------


@pytest.mark.parametrize("direction", ["request", "response"])
def test_exclusive_maximum_false_added_is_no_change(direction: str) -> None:
    def doc(extra: dict[str, Any]) -> dict[str, Any]:
        schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 10, **extra}}}
        result = _doc({}, body=schema if direction == "request" else None)
        result["openapi"] = "3.0.3"
        if direction == "response":
            content = {"application/json": {"schema": schema}}
            result["paths"]["/pets"]["post"]["responses"]["200"]["content"] = content
        return result

    assert _http(doc({}), doc({"exclusiveMaximum": False})) == []
    assert _http(doc({"exclusiveMinimum": False}), doc({})) == []
    assert _http(doc({}), doc({"exclusiveMaximum": True})) != []  # true still tightens


# --- 6. ids oasdiff does not emit ------------------------------------------------------------


def test_min_items_decreased_in_a_request_is_ours_alone() -> None:
    # In oasdiff's messages.yaml, but no rule in checker/rules.go emits them.
    assert "request-body-min-items-decreased" not in OASDIFF_IDS
    assert "request-property-min-items-decreased" not in OASDIFF_IDS
    body = {"type": "object", "properties": {"tags": {"type": "array", "minItems": 2}}}
    looser = {"type": "object", "properties": {"tags": {"type": "array", "minItems": 1}}}
    assert _http(_doc({}, body=body), _doc({}, body=looser)) == [("min-items-decreased", N, "")]


# --- 7. the bump: only new operations or fields are a feature --------------------------------


@pytest.mark.parametrize(
    ("change", "bump"),
    [
        (Change("endpoint-added", N, "GET /b", "", "endpoint-added"), "minor"),
        (Change("parameter-added", N, "GET /b parameter q", "", "new-optional-request-parameter"), "minor"),
        (Change("property-added", N, "GET /b response 200", "", "response-optional-property-added"), "minor"),
        (Change("property-added", N, "POST /b request body", "", "new-optional-request-property"), "minor"),
        (
            Change("enum-value-added", N, "POST /b request body", "", "request-property-enum-value-added"),
            "minor",
        ),
        (Change("function-added", N, "pkg.api.x.sync", ""), "minor"),
        (Change("class-added", N, "pkg.models.x.X", ""), "minor"),
        (Change("attribute-added", N, "pkg.models.x.X.y", ""), "minor"),
        (Change("module-added", N, "pkg.api.x", ""), "minor"),
        (Change("pattern-added", N, "GET /b response 200", "", "response-property-pattern-added"), "patch"),
        (Change("server-added", N, "servers", ""), "patch"),
        (Change("security-added", N, "GET /b", "", "api-security-added"), "patch"),
        (
            Change(
                "response-status-added", N, "GET /b response 404", "", "response-non-success-status-added"
            ),
            "patch",
        ),
        (Change("media-type-added", N, "GET /b response 200", "", "response-media-type-added"), "patch"),
        (Change("response-header-added", N, "GET /b response 200 header X", ""), "patch"),
        (
            Change("enum-value-added", W, "GET /b response 200", "", "response-property-enum-value-added"),
            "patch",
        ),
        (Change("field-became-optional", N, "pkg.models.x.X(y)", ""), "patch"),
    ],
)
def test_only_new_operations_and_fields_bump_minor(change: Change, bump: str) -> None:
    assert Review("old", "new", [change], []).bump() == bump
