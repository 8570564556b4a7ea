"""Each JSON Schema rule a request breaks is told in plain words, with the field as the caller
knows it and what was found (never jsonschema-rs's own wording), and a URL's secrets redacted."""

from __future__ import annotations

from typing import Any

import pytest
from aigenstudio._contract.schema import Invalid, compile_validator, first_problem, render_path

P = pytest.param
CASES = [
    P({"type": "object", "required": ["name"]}, {}, "body.name", "is required", None, id="required"),
    P(
        {"type": "object", "additionalProperties": False, "properties": {}},
        {"extra": 1},
        "body.extra",
        "is not a field the API knows",
        None,
        id="additional",
    ),
    P({"type": "integer"}, "7", "body", "must be integer", "string", id="type-string"),
    P({"type": "integer"}, {}, "body", "must be integer", "object", id="type-object"),
    P({"type": "string"}, None, "body", "must be string", "null", id="type-null"),
    P({"type": "string"}, True, "body", "must be string", "boolean", id="type-boolean"),
    P({"type": "string"}, 1.5, "body", "must be string", "number", id="type-number"),
    P({"type": "string"}, 1, "body", "must be string", "integer", id="type-integer"),
    P({"format": "uuid"}, "x", "body", "must be a UUID (8-4-4-4-12 hex digits)", "'x'", id="uuid"),
    P({"format": "ipv4"}, "x", "body", "must be a valid ipv4", "'x'", id="other-format"),
    P({"enum": ["a", "b"]}, "c", "body", "must be one of 'a', 'b'", "'c'", id="enum"),
    P({"const": "a"}, "c", "body", "must be 'a'", "'c'", id="const"),
    P({"minLength": 2}, "c", "body", "at least 2 characters", "1", id="min-length"),
    P({"minLength": 1}, "", "body", "at least 1 character", "0", id="min-length-one"),
    P({"maxLength": 1}, "abc", "body", "at most 1 character", "3", id="max-length"),
    P({"minItems": 2}, [1], "body", "at least 2 items", "1", id="min-items"),
    P({"maxItems": 1}, [1, 2], "body", "at most 1 item", "2", id="max-items"),
    P({"minimum": 2}, 1, "body", "at least 2", "1", id="minimum"),
    P({"maximum": 2}, 3, "body", "at most 2", "3", id="maximum"),
    P({"exclusiveMinimum": 2}, 2, "body", "greater than 2", "2", id="exclusive-minimum"),
    P({"exclusiveMaximum": 2}, 2, "body", "less than 2", "2", id="exclusive-maximum"),
    P({"multipleOf": 3}, 4, "body", "a multiple of 3", "4", id="multiple-of"),
    P({"pattern": "^a+$"}, "b", "body", "must match the pattern '^a+$'", "'b'", id="pattern"),
    P({"uniqueItems": True}, [1, 1], "body", "items must be unique", "2", id="unique"),
    P({"minProperties": 1}, {}, "body", "at least 1 field", "{}", id="min-properties"),
    P({"maxProperties": 1}, {"a": 1, "b": 2}, "body", "at most 1 field", "{'a': 1, 'b': 2}", id="max-props"),
    P(
        {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        [],
        "body",
        "must match one of its allowed forms",
        "[]",
        id="one-of-none",
    ),
    P(
        {"oneOf": [{"type": "integer"}, {"minimum": 0}]},
        1,
        "body",
        "must match exactly one of its allowed forms",
        "1",
        id="one-of-many",
    ),
    P(
        {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        [],
        "body",
        "must match one of its allowed forms",
        "[]",
        id="any-of",
    ),
    P({"not": {"type": "integer"}}, 1, "body", "must not match the excluded form", "1", id="not"),
    P({"properties": {"a": False}}, {"a": 1}, "body.a", "is not allowed here", "1", id="false-schema"),
    P(
        {"contains": {"type": "string"}},
        [1],
        "body",
        "breaks the API spec's Contains rule",
        "[1]",
        id="unworded",
    ),
]


@pytest.mark.parametrize(("schema", "instance", "field", "limit", "got"), CASES)
def test_each_rule_is_told_in_plain_words(
    schema: dict[str, Any], instance: Any, field: str, limit: str, got: str | None
) -> None:
    problem = first_problem(compile_validator(schema, {}), instance, "body")
    assert problem is not None
    assert (problem.field, problem.limit, problem.got) == (field, limit, got)


def test_several_types_are_joined_with_or() -> None:
    problem = first_problem(compile_validator({"type": ["integer", "null"]}, {}), [], "body")
    assert problem is not None
    assert problem.got == "array"
    assert problem.limit.startswith("must be ")
    assert set(problem.limit[8:].split(" or ")) == {
        "integer",
        "null",
    }


def test_a_valid_instance_has_no_problem() -> None:
    assert first_problem(compile_validator({"type": "integer"}, {}), 1, "body") is None


def test_a_long_value_is_cut_and_a_url_secret_is_redacted() -> None:
    problem = first_problem(compile_validator({"const": "a"}, {}), "b" * 100, "body")
    assert problem is not None
    assert problem.got == repr("b" * 100)[:37] + "..."
    assert len(problem.got) == 40
    exactly = "c" * 38  # its repr is 40 characters: shown whole
    shown = first_problem(compile_validator({"const": "a"}, {}), exactly, "body")
    assert shown is not None
    assert shown.got == repr(exactly)
    url = "https://x.example/a.jpg?X-Amz-Signature=topsecret"
    redacted = first_problem(compile_validator({"const": "a"}, {}), url, "body")
    assert redacted is not None
    assert "topsecret" not in str(redacted.got)


def test_the_field_is_named_by_the_caller_when_asked() -> None:
    validator = compile_validator({"type": "object", "properties": {"a": {"type": "integer"}}}, {})
    problem = first_problem(validator, {"a": "x"}, "body", lambda parts: "/".join(map(str, parts)))
    assert problem is not None
    assert problem.field == "a"


@pytest.mark.parametrize(
    ("root", "parts", "text"),
    [
        ("body", ["images", 3, "source_url"], "body.images[3].source_url"),
        ("", ["limit"], "limit"),
        ("", [0, "a"], "[0].a"),
        ("body", [], "body"),
    ],
)
def test_render_path(root: str, parts: list[str | int], text: str) -> None:
    assert render_path(root, parts) == text


def test_an_invalid_describes_itself_and_becomes_the_public_error() -> None:
    assert Invalid("body.a", "is required").describe() == "body.a: is required"
    assert Invalid("body.a", "at most 2", "3").describe() == "body.a: at most 2 (got 3)"
    error = Invalid("body.a", "at most 2", "3").as_request_error()
    assert (error.field, error.limit) == ("body.a", "at most 2")
    assert "body.a: at most 2 (got 3)" in str(error)


def test_only_the_reachable_defs_are_compiled() -> None:
    defs = {"A": {"$ref": "#/$defs/B"}, "B": {"type": "integer"}, "Broken": {"$ref": "#/$defs/Missing"}}
    validator = compile_validator({"properties": {"a": {"$ref": "#/$defs/A"}}}, defs)
    problem = first_problem(validator, {"a": "x"}, "body")
    assert problem is not None
    assert (problem.field, problem.limit) == ("body.a", "must be integer")
