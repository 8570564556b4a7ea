"""One small spec pair per HTTP rule: the exact level and location of every change.

Each fixture directory holds old.yaml and new.yaml. Most pairs are also read backwards, since
the reverse change is a rule of its own (an added endpoint read backwards is a removed one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.diff.small_specs import CAT, DOG, http_changes, ref, spec_doc
from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import load_spec
from tools.apidiff.rules import OASDIFF_IDS, Change, Level

FIXTURES = Path(__file__).parent / "fixtures"
B, W, I = Level.BREAKING, Level.WARNING, Level.INFO  # noqa: E741
PETS = "GET /pets"
BODY = "POST /pets request body"
RESPONSE = "GET /pets response 200"
LIMIT, NAME = f"{PETS} parameter query:limit", f"{PETS} parameter query:name"

# (fixture, read backwards?, every expected (kind, level, location))
CASES: list[tuple[str, bool, list[tuple[str, Level, str]]]] = [
    ("endpoint-added", False, [("endpoint-added", I, "GET /owners")]),
    ("endpoint-added", True, [("endpoint-removed", B, "GET /owners")]),
    ("operation-id-changed", False, [("operation-id-changed", I, PETS)]),  # Python reports the rename
    ("parameter-added-required", False, [("parameter-added", B, f"{PETS} parameter query:species")]),
    ("parameter-added-optional", False, [("parameter-added", I, f"{PETS} parameter query:species")]),
    ("parameter-added-optional", True, [("parameter-removed", W, f"{PETS} parameter query:species")]),
    (
        "parameter-made-required",
        False,
        [("parameter-became-required", B, f"{PETS} parameter query:species")],
    ),
    (
        "parameter-made-required",
        True,
        [("parameter-became-optional", I, f"{PETS} parameter query:species")],
    ),
    ("parameter-type-changed", False, [("type-changed", B, LIMIT)]),
    (
        "parameter-constraints-tightened",
        False,
        [
            ("min-increased", B, LIMIT),  # minimum 1 -> 5
            ("max-decreased", B, LIMIT),  # maximum 100 -> 50
            ("min-length-set", W, NAME),  # minLength added: oasdiff warns for a new bound
            ("max-length-decreased", B, NAME),  # maxLength 64 -> 32
            ("pattern-added", B, NAME),  # oasdiff request-parameter-pattern-added: ERR
        ],
    ),
    (
        "parameter-constraints-tightened",
        True,
        [
            ("min-decreased", I, LIMIT),
            ("max-increased", I, LIMIT),
            ("min-length-removed", I, NAME),
            ("max-length-increased", I, NAME),
            ("pattern-removed", I, NAME),
        ],
    ),
    ("request-property-added-required", False, [("property-added", B, f"{BODY} #/properties/owner")]),
    ("request-property-added-optional", False, [("property-added", I, f"{BODY} #/properties/owner")]),
    ("request-property-added-optional", True, [("property-removed", W, f"{BODY} #/properties/owner")]),
    ("request-property-type-changed", False, [("type-changed", B, f"{BODY} #/properties/age")]),
    ("request-enum-value-removed", False, [("enum-value-removed", B, f"{BODY} #/properties/kind")]),
    ("request-enum-value-removed", True, [("enum-value-added", I, f"{BODY} #/properties/kind")]),
    # `name` is optional in this fixture: oasdiff warns (a required one breaks).
    ("response-property-removed", False, [("property-removed", W, f"{RESPONSE} #/properties/name")]),
    ("response-property-removed", True, [("property-added", I, f"{RESPONSE} #/properties/name")]),
    (
        "response-property-made-optional",
        False,
        [("property-became-optional", B, f"{RESPONSE} #/properties/name")],
    ),
    (
        "response-property-made-optional",
        True,
        [("property-became-required", I, f"{RESPONSE} #/properties/name")],
    ),
    ("response-property-made-nullable", False, [("became-nullable", B, f"{RESPONSE} #/properties/name")]),
    (
        "response-property-made-nullable",
        True,
        [("became-not-nullable", I, f"{RESPONSE} #/properties/name")],
    ),
    ("response-property-type-changed", False, [("type-changed", B, f"{RESPONSE} #/properties/age")]),
    ("response-enum-value-added", False, [("enum-value-added", W, f"{RESPONSE} #/properties/status")]),
    ("response-enum-value-added", True, [("enum-value-removed", I, f"{RESPONSE} #/properties/status")]),
    ("response-status-added", False, [("response-status-added", I, "GET /pets response 404")]),
    ("response-status-added", True, [("response-status-removed", I, "GET /pets response 404")]),
    ("response-success-status-removed", False, [("response-status-removed", B, "GET /pets response 202")]),
    ("security-added", False, [("security-added", I, "GET /pets security")]),
    ("security-added", True, [("security-removed", I, "GET /pets security")]),
    ("server-url-changed", False, [("server-url-changed", I, "servers")]),
    # Pet is used by two operations: one row, at the component, naming both.
    ("shared-component-allof", False, [("property-removed", W, "#/components/schemas/Pet/properties/born")]),
    ("unchanged", False, []),
]


def _diff(name: str, backwards: bool) -> list[Change]:
    old, new = load_spec(FIXTURES / name / "old.yaml"), load_spec(FIXTURES / name / "new.yaml")
    return diff_http(new, old) if backwards else diff_http(old, new)


@pytest.mark.parametrize(
    ("name", "backwards", "expected"),
    CASES,
    ids=[f"{name}{'-backwards' if back else ''}" for name, back, _ in CASES],
)
def test_rule_classification_and_location(
    name: str, backwards: bool, expected: list[tuple[str, Level, str]]
) -> None:
    found = [(c.kind, c.level, c.location) for c in _diff(name, backwards)]
    assert sorted(found) == sorted(expected)


def test_every_fixture_has_a_case() -> None:
    covered = {name for name, _, _ in CASES}
    assert covered == {p.name for p in FIXTURES.iterdir() if p.is_dir()}


def test_response_enum_addition_says_why_it_is_safe() -> None:
    (change,) = _diff("response-enum-value-added", False)
    assert "'archived'" in change.message
    assert "from_api_value" in change.message


def test_constraint_messages_name_the_keyword_and_values() -> None:
    found = {(c.message, c.oasdiff) for c in _diff("parameter-constraints-tightened", False)}
    assert found == {
        ("minimum 1 -> 5", "request-parameter-min-increased"),
        ("maximum 100 -> 50", "request-parameter-max-decreased"),
        ("minLength None -> 2", ""),  # oasdiff has no min-length-set rule
        ("maxLength 64 -> 32", "request-parameter-max-length-decreased"),
        ("pattern None -> '^[a-z]+$'", "request-parameter-pattern-added"),
    }


def test_a_shared_component_change_names_the_places_that_reach_it() -> None:
    (change,) = _diff("shared-component-allof", False)
    assert change.message == (
        "response property 'born' removed (in Pet; reached from 2 places: "
        "GET /pets response 200, GET /pets/{petId} response 200)"
    )
    assert change.oasdiff == "response-optional-property-removed"


def test_info_changes_are_not_counted_as_breaking() -> None:
    old = load_spec(Path(__file__).parents[1] / "fixtures" / "specs" / "openapi-1.0.0.yaml")
    new = load_spec(Path(__file__).parents[1] / "fixtures" / "specs" / "next-split-tags.yaml")
    changes = diff_http(old, new)
    assert changes, "the tag split is visible"
    assert {c.kind for c in changes} == {"tags-changed"}
    assert {c.level for c in changes} == {Level.INFO}


# --- levels as in oasdiff's checker/rules.go -----------------------------------------------


def test_request_pattern_added_is_breaking_as_in_oasdiff() -> None:
    param = {"name": "q", "in": "query", "schema": {"type": "string"}}
    with_pattern = {**param, "schema": {"type": "string", "pattern": "^[a-z]+$"}}
    assert http_changes(spec_doc({}, params=[param]), spec_doc({}, params=[with_pattern])) == [
        ("pattern-added", B, "request-parameter-pattern-added")
    ]
    body = {"type": "object", "properties": {"code": {"type": "string"}}}
    tighter = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}}
    assert http_changes(spec_doc({}, body=body), spec_doc({}, body=tighter)) == [
        ("pattern-added", B, "request-property-pattern-added")
    ]


def test_new_required_request_property_with_default_is_breaking() -> None:
    body = {"type": "object", "properties": {"a": {"type": "string"}}}
    more = {
        "type": "object",
        "required": ["sku"],
        "properties": {"a": {"type": "string"}, "sku": {"type": "string", "default": "x"}},
    }
    assert http_changes(spec_doc({}, body=body), spec_doc({}, body=more)) == [
        ("property-added", B, "new-required-request-property-with-default")
    ]


def test_response_one_of_added_is_breaking() -> None:
    def reply(branches: list[Any]) -> dict[str, Any]:
        doc = spec_doc({"Cat": CAT, "Dog": DOG})
        content = {"application/json": {"schema": {"oneOf": branches}}}
        doc["paths"]["/pets"]["post"]["responses"]["200"]["content"] = content
        return doc

    assert http_changes(reply([ref("Cat")]), reply([ref("Cat"), ref("Dog")])) == [
        ("one-of-added", B, "response-body-one-of-added")
    ]


# --- a deprecated parameter removed: its sunset counts ------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, ("parameter-removed", W, "request-parameter-removed")),
        ({"deprecated": True}, ("parameter-removed", I, "request-parameter-removed-with-deprecation")),
        (
            {"deprecated": True, "x-sunset": "2999-01-01"},
            ("parameter-removed", B, "request-parameter-removed-before-sunset"),
        ),
        (
            {"deprecated": True, "x-sunset": "2001-01-01"},
            ("parameter-removed", I, "request-parameter-removed-with-deprecation"),
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
    assert http_changes(spec_doc({}, params=[param]), spec_doc({}, params=[])) == [expected]


# --- OpenAPI 3.0 exclusive flags ----------------------------------------------------------


@pytest.mark.parametrize("direction", ["request", "response"])
def test_exclusive_maximum_false_added_is_no_change(direction: str) -> None:
    def doc(extra: dict[str, Any]) -> dict[str, Any]:
        schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 10, **extra}}}
        result = spec_doc({}, body=schema if direction == "request" else None)
        result["openapi"] = "3.0.3"
        if direction == "response":
            content = {"application/json": {"schema": schema}}
            result["paths"]["/pets"]["post"]["responses"]["200"]["content"] = content
        return result

    assert http_changes(doc({}), doc({"exclusiveMaximum": False})) == []
    assert http_changes(doc({"exclusiveMinimum": False}), doc({})) == []
    assert http_changes(doc({}), doc({"exclusiveMaximum": True})) != []  # true still tightens


# --- ids oasdiff does not emit ------------------------------------------------------------


def test_min_items_decreased_in_a_request_is_ours_alone() -> None:
    # In oasdiff's messages.yaml, but no rule in checker/rules.go emits them.
    assert "request-body-min-items-decreased" not in OASDIFF_IDS
    assert "request-property-min-items-decreased" not in OASDIFF_IDS
    body = {"type": "object", "properties": {"tags": {"type": "array", "minItems": 2}}}
    looser = {"type": "object", "properties": {"tags": {"type": "array", "minItems": 1}}}
    assert http_changes(spec_doc({}, body=body), spec_doc({}, body=looser)) == [
        ("min-items-decreased", I, "")
    ]
