"""One small spec pair per HTTP rule: the exact classification and location of every change.

Each fixture directory holds old.yaml and new.yaml. Most pairs are also read backwards, since
the reverse change is a rule of its own (an added endpoint read backwards is a removed one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.apidiff.http_diff import Change, Severity, diff_http
from tools.apidiff.loader import load_spec

FIXTURES = Path(__file__).parent / "fixtures"
B, N = Severity.BREAKING, Severity.NON_BREAKING
PETS = "GET /pets"
BODY = "POST /pets request body"
RESPONSE = "GET /pets response 200"

# (fixture, read backwards?, every expected (kind, severity, location))
CASES: list[tuple[str, bool, list[tuple[str, Severity, str]]]] = [
    ("endpoint-added", False, [("endpoint-added", N, "GET /owners")]),
    ("endpoint-added", True, [("endpoint-removed", B, "GET /owners")]),
    ("operation-id-changed", False, [("operation-id-changed", B, PETS)]),
    ("parameter-added-required", False, [("parameter-added", B, f"{PETS} parameter query:species")]),
    ("parameter-added-optional", False, [("parameter-added", N, f"{PETS} parameter query:species")]),
    ("parameter-added-optional", True, [("parameter-removed", B, f"{PETS} parameter query:species")]),
    ("parameter-made-required", False, [("parameter-made-required", B, f"{PETS} parameter query:species")]),
    ("parameter-made-required", True, [("parameter-made-optional", N, f"{PETS} parameter query:species")]),
    ("parameter-type-changed", False, [("type-changed", B, f"{PETS} parameter query:limit")]),
    (
        "parameter-constraints-tightened",
        False,
        [
            ("constraint-tightened", B, f"{PETS} parameter query:limit"),  # minimum 1 -> 5
            ("constraint-tightened", B, f"{PETS} parameter query:limit"),  # maximum 100 -> 50
            ("constraint-tightened", B, f"{PETS} parameter query:name"),  # minLength added
            ("constraint-tightened", B, f"{PETS} parameter query:name"),  # maxLength 64 -> 32
            ("constraint-tightened", B, f"{PETS} parameter query:name"),  # pattern added
        ],
    ),
    (
        "parameter-constraints-tightened",
        True,
        [("constraint-loosened", N, f"{PETS} parameter query:limit")] * 2
        + [("constraint-loosened", N, f"{PETS} parameter query:name")] * 3,
    ),
    ("request-property-added-required", False, [("property-added", B, f"{BODY} #/properties/owner")]),
    ("request-property-added-optional", False, [("property-added", N, f"{BODY} #/properties/owner")]),
    ("request-property-added-optional", True, [("property-removed", B, f"{BODY} #/properties/owner")]),
    ("request-property-type-changed", False, [("type-changed", B, f"{BODY} #/properties/age")]),
    ("request-enum-value-removed", False, [("enum-value-removed", B, f"{BODY} #/properties/kind")]),
    ("request-enum-value-removed", True, [("enum-value-added", N, f"{BODY} #/properties/kind")]),
    ("response-property-removed", False, [("property-removed", B, f"{RESPONSE} #/properties/name")]),
    ("response-property-removed", True, [("property-added", N, f"{RESPONSE} #/properties/name")]),
    (
        "response-property-made-optional",
        False,
        [("property-made-optional", B, f"{RESPONSE} #/properties/name")],
    ),
    (
        "response-property-made-optional",
        True,
        [("property-made-required", N, f"{RESPONSE} #/properties/name")],
    ),
    ("response-property-made-nullable", False, [("made-nullable", B, f"{RESPONSE} #/properties/name")]),
    ("response-property-made-nullable", True, [("made-non-nullable", N, f"{RESPONSE} #/properties/name")]),
    ("response-property-type-changed", False, [("type-changed", B, f"{RESPONSE} #/properties/age")]),
    ("response-enum-value-added", False, [("enum-value-added", N, f"{RESPONSE} #/properties/status")]),
    ("response-enum-value-added", True, [("enum-value-removed", N, f"{RESPONSE} #/properties/status")]),
    ("response-status-added", False, [("response-status-added", N, "GET /pets response 404")]),
    ("response-status-added", True, [("response-status-removed", N, "GET /pets response 404")]),
    ("response-success-status-removed", False, [("response-status-removed", B, "GET /pets response 202")]),
    ("security-added", False, [("security-changed", B, "GET /pets security")]),
    ("security-added", True, [("security-changed", N, "GET /pets security")]),
    ("server-url-changed", False, [("server-url-changed", B, "servers")]),
    (
        "shared-component-allof",
        False,
        [
            ("property-removed", B, "GET /pets response 200 #/items/properties/born"),
            ("property-removed", B, "GET /pets/{petId} response 200 #/properties/born"),
        ],
    ),
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
    name: str, backwards: bool, expected: list[tuple[str, Severity, str]]
) -> None:
    found = [(c.kind, c.severity, c.location) for c in _diff(name, backwards)]
    assert sorted(found) == sorted(expected)


def test_every_fixture_has_a_case() -> None:
    covered = {name for name, _, _ in CASES}
    assert covered == {p.name for p in FIXTURES.iterdir() if p.is_dir()}


def test_response_enum_addition_says_why_it_is_safe() -> None:
    (change,) = _diff("response-enum-value-added", False)
    assert "'archived'" in change.message
    assert "from_api_value" in change.message


def test_constraint_messages_name_the_keyword_and_values() -> None:
    messages = {c.message for c in _diff("parameter-constraints-tightened", False)}
    assert messages == {
        "minimum 1 -> 5",
        "maximum 100 -> 50",
        "minLength None -> 2",
        "maxLength 64 -> 32",
        "pattern None -> '^[a-z]+$'",
    }


def test_info_changes_are_not_counted_as_breaking() -> None:
    old = load_spec(Path(__file__).parents[1] / "fixtures" / "specs" / "openapi-1.0.0.yaml")
    new = load_spec(Path(__file__).parents[1] / "fixtures" / "specs" / "next-split-tags.yaml")
    changes = diff_http(old, new)
    assert changes, "the tag split is visible"
    assert {c.kind for c in changes} == {"tags-changed"}
    assert {c.severity for c in changes} == {Severity.INFO}
