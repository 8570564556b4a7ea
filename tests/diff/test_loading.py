"""Reading what oasdiff reads: non-string YAML keys, ECMA-262 patterns, recursive schemas,
operations without responses, undeclared path variables; validation problems at their
absolute location, all of them counted. Run with the validator backend we ship."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.diff.conftest import Run
from tools.apidiff.cli import load_checked
from tools.apidiff.ecma_regex import compiles, to_python
from tools.apidiff.http_diff import diff_http
from tools.apidiff.loader import load_spec, read_document
from tools.apidiff.validation import _RUST_CHECKERS, validate

RunDiff = Callable[..., Run]
HEAD = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(HEAD + text, encoding="utf-8")
    return path


def test_the_shipped_validator_backend_is_the_strict_one() -> None:
    # jsonschema-rs (in requirements-dev.txt) refuses non-string keys outright: the loader must
    # turn them into strings before validating.
    from openapi_spec_validator.schemas import get_validator_backend

    assert get_validator_backend() == "jsonschema-rs"


NON_STRING_KEYS = """paths:
  /pets:
    get:
      operationId: listPets
      responses:
        200:
          description: OK
          content:
            application/json:
              schema: {type: object, properties: {born: {type: string, format: date, example: 2024-01-31}}}
              examples:
                1: {value: {born: 2024-01-31}}
        404: {description: missing}
"""


def test_non_string_keys_read_as_json_would(tmp_path: Path) -> None:
    spec = _write(tmp_path, "keys.yaml", NON_STRING_KEYS)
    document, loose = read_document(spec)
    assert loose == 3  # 200, 404 and the example named 1
    responses = document["paths"]["/pets"]["get"]["responses"]
    assert list(responses) == ["200", "404"]
    assert validate(document) == []
    schema = responses["200"]["content"]["application/json"]["schema"]
    assert schema["properties"]["born"]["example"] == "2024-01-31"  # a date value, as JSON text


def test_non_string_keys_are_a_warning_and_the_review_runs(run_diff: RunDiff, tmp_path: Path) -> None:
    spec = _write(tmp_path, "keys.yaml", NON_STRING_KEYS)
    quoted = _write(
        tmp_path, "quoted.yaml", NON_STRING_KEYS.replace("200:", "'200':").replace("404:", "'404':")
    )
    result = run_diff("--old", str(quoted), "--new", str(spec), "--http-only")
    assert result.code == 0, result.err
    assert "quoted.yaml: 1 mapping key(s) are not strings" in result.out  # the example named 1
    assert "keys.yaml: 3 mapping key(s) are not strings (e.g. an unquoted `200:`)" in result.out
    assert "| " not in result.out.split("### HTTP API changes")[1].split("###")[0]  # no changes


@pytest.mark.parametrize(
    ("pattern", "python"),
    [
        (r"[\w-./:]", r"[\w\-./:]"),
        (r"^[a-z\d-]+$", r"^[a-z\d\-]+$"),
        (r"\/v1\/", "/v1/"),
        (r"(?<year>\d{4})-\k<year>", r"(?P<year>\d{4})-(?P=year)"),
        ("[^]", r"[\s\S]"),
        (r"\u{1F600}", r"\U0001f600"),
    ],
)
def test_ecma_patterns_translate(pattern: str, python: str) -> None:
    assert to_python(pattern) == python
    assert compiles(pattern)


def test_ecma_patterns_validate_and_uncompilable_ones_are_tolerated(tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        "patterns.yaml",
        "paths: {}\ncomponents:\n  schemas:\n    Id:\n      type: object\n      properties:\n"
        "        url: {type: string, pattern: '^[\\w-./:]+$'}\n"
        "        word: {type: string, pattern: '^\\p{L}+$'}\n",
    )
    document, _ = read_document(spec)
    problems = validate(document)
    assert [(p.location, p.tolerated) for p in problems] == [
        ("$.components.schemas.Id.properties.word.pattern", True)
    ]
    assert "cannot be compiled; compared as text" in problems[0].message


def test_recursive_and_self_referencing_schemas_diff(tmp_path: Path) -> None:
    text = (
        "paths:\n  /nodes:\n    get:\n      responses:\n        '200':\n          description: OK\n"
        "          content: {application/json: {schema: {$ref: '#/components/schemas/Node'}}}\n"
        "components:\n  schemas:\n    Node:\n      allOf:\n      - {$ref: '#/components/schemas/Node'}\n"
        "      - type: object\n        properties:\n          next: {$ref: '#/components/schemas/Node'}\n"
        "          value: {type: %s}\n"
    )
    old, new = _write(tmp_path, "old.yaml", text % "string"), _write(tmp_path, "new.yaml", text % "integer")
    changes = diff_http(load_spec(old), load_spec(new))
    assert [(c.kind, c.location) for c in changes] == [
        ("type-changed", "#/components/schemas/Node/properties/value")
    ]


def test_operations_without_responses_and_undeclared_path_variables_are_read(tmp_path: Path) -> None:
    spec = tmp_path / "loose.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /pets/{petId}:\n    get: {operationId: getPet}\n",
        encoding="utf-8",
    )
    resolved, warnings = load_checked(spec, "loose.yaml", http_only=False)  # no error: oasdiff reads it
    assert "/pets/{petId}" in resolved["paths"]
    assert warnings[0].startswith("loose.yaml: 2 validation problems; the first at ")
    assert any(re.search(r"get: .responses. is a required property", w) for w in warnings)
    assert any("Path parameter 'petId'" in w for w in warnings)


INVALID = """paths:
  /pets:
    get:
      responses:
        '200':
          description: OK
          content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
    post: {responses: 7}
components:
  schemas:
    Pet: {type: object, required: true, properties: {name: {type: string}}}
"""


def test_problems_are_counted_and_placed_in_the_document(tmp_path: Path) -> None:
    document, _ = read_document(_write(tmp_path, "bad.yaml", INVALID))
    problems = validate(document)
    # The schema problem is reported where it is (the component), not as `$.required`, a path
    # relative to the schema that the validator meta-checked.
    assert [p.location for p in problems] == [
        "$.paths['/pets'].post.responses",
        "$.components.schemas.Pet.required",
    ]
    assert not any(p.tolerated for p in problems)
    # Valid schemas pass jsonschema-rs's meta-schema check (fast); only failures take the
    # pure-Python check, whose message the pipeline shows.
    assert any(checker is not None for checker in _RUST_CHECKERS.values())


def test_validation_problems_stop_the_review_unless_http_only(run_diff: RunDiff, tmp_path: Path) -> None:
    good = _write(
        tmp_path, "good.yaml", INVALID.replace("required: true, ", "").replace("post: {responses: 7}", "")
    )
    bad = _write(tmp_path, "bad.yaml", INVALID)
    refused = run_diff("--old", str(good), "--new", str(bad))
    assert refused.code == 2
    assert refused.err.startswith(
        f"error: {bad}: 2 validation problems; the first at $.paths['/pets'].post.responses"
    )
    assert "(--http-only reviews the wire anyway)" in refused.err
    reviewed = run_diff("--old", str(good), "--new", str(bad), "--http-only")
    warnings = reviewed.out.split("### Warnings")[1].split("###")[0]
    assert f"{bad}: 2 validation problems; the first at $.paths['/pets'].post.responses" in warnings
    assert "(reviewed anyway: --http-only)" in warnings
    assert f"{bad} at $.components.schemas.Pet.required: True is not of type 'array'" in warnings
    assert "`endpoint-added` | `endpoint-added` | `POST /pets`" in reviewed.out
