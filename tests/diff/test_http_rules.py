"""One small spec pair per HTTP rule: the exact level and location of every change.

Each fixture directory holds old.yaml and new.yaml. Most pairs are also read backwards, since
the reverse change is a rule of its own (an added endpoint read backwards is a removed one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import load_spec
from tools.apidiff.rules import Change, Level

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
