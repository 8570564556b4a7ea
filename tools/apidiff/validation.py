"""Validate a (normalised) spec with openapi-spec-validator, keeping every problem and where it is.

The pipeline's `validate_spec` stops at the first problem, and for a problem inside a schema
it reports a path relative to that schema (`at $.required`). Here every problem is kept, and
each is placed in the document: the keyword validators are wrapped so that each problem
remembers the node being checked, and the path is then followed through `$ref`s to the node
that actually holds the problem (`$.components.schemas.Foo.required`).

Two kinds of problem are tolerated, because oasdiff reads such specs and so does the differ:
an operation without `responses` and a path template variable without a parameter (or the
reverse). A `pattern` Python cannot compile is not a problem when its ECMA-262 translation
compiles (`[\\w-./:]`); when even that fails it is tolerated and compared as text.

Each schema's meta-schema check runs in jsonschema-rs first (microseconds instead of
milliseconds: a 4 MB spec validates in 3 s instead of 16 s); only a schema it rejects goes
through the pure-Python check, for the pipeline's own message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, partial
from itertools import chain
from typing import Any

from tools.apidiff.ecma_regex import compiles
from tools.apidiff.loader import Spec

_WHERE = "_apidiff_where"  # attribute set on a problem: the parts of the node being checked
_VALID_SHAPES: set[str] = set()  # schemas that passed the meta-schema check (by content)


@dataclass(frozen=True)
class Problem:
    location: str  # absolute JSONPath, e.g. $.paths['/pets'].get.responses
    message: str
    tolerated: bool = False  # read anyway (see the module docstring)


def json_path(parts: list[Any]) -> str:
    """`$.a['/b'][0]`, in the pipeline's own spelling (tools/generate.py)."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif str(part).isidentifier():
            text += f".{part}"
        else:
            text += f"['{part}']"
    return text


def _real_parts(document: Spec, parts: list[Any]) -> list[Any]:
    """The path of the node `parts` reaches, following each `$ref` met on the way."""
    real: list[Any] = []
    node: Any = document
    for part in parts:
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 50:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                break
            real = [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")]
            node = document
            for step in real:
                node = node.get(step) if isinstance(node, dict) else None
            hops += 1
        if isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        elif isinstance(node, list) and str(part).isdigit() and int(part) < len(node):
            part = int(part)
            node = node[part]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            node = None
        real.append(part)
    return real


def _tagging(cls: type[Any], suffix: tuple[str, ...] = ()) -> type[Any]:
    """A subclass of keyword validator `cls` whose problems remember the node it checked."""

    class Tagged(cls):  # type: ignore[misc]
        def __init__(self, registry: Any) -> None:
            super().__init__(registry)
            # The schema validator dedupes by id in lists (quadratic on large specs): use sets.
            for name in ("visited_schema_ids", "meta_checked_schema_ids"):
                if isinstance(getattr(self, name, None), list):
                    setattr(self, name, _IdSet())

        def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
            from jsonschema_path import SchemaPath

            where = next((arg.parts for arg in args if isinstance(arg, SchemaPath)), None)
            try:
                for error in super().__call__(*args, **kwargs):
                    if where is not None and not hasattr(error, _WHERE):
                        setattr(error, _WHERE, (*where, *suffix))
                    yield error
            except Exception:
                # The keyword validators assume a structurally valid document and fail on a
                # part that is not (`responses: 7`); the structural pass reported that part.
                return

        def _validate_schema_meta(self, schema: Any, schema_value: Any) -> Any:
            # Specs repeat small schemas ({type: string} per parameter): check each shape once.
            key = cls.__name__ + json.dumps(schema_value, sort_keys=True, default=str)
            if key in _VALID_SHAPES or _fast_valid(self, schema, schema_value):
                return None
            error = super()._validate_schema_meta(schema, schema_value)
            if error is None:
                _VALID_SHAPES.add(key)
            return error

        def _get_schema_checker(self, schema: Any, schema_value: Any) -> Any:
            # The meta-schema check stops at its first error: a `pattern` in ECMA-262 syntax
            # must not hide a real problem behind it (patterns are checked by _patterns).
            checker = super()._get_schema_checker(schema, schema_value)
            return partial(getattr(checker, "func", checker), format_checker=_schema_formats())

    Tagged.__name__ = cls.__name__
    return Tagged


_RUST_CHECKERS: dict[int, Any] = {}  # id(meta-schema) -> jsonschema-rs validator, or None


def _fast_valid(keyword_validator: Any, schema: Any, schema_value: Any) -> bool:
    """True when jsonschema-rs finds `schema_value` valid against its meta-schema.

    The pure-Python meta-schema check costs milliseconds per schema (12 s for the 5,000
    schemas of a 4 MB spec); jsonschema-rs (which we ship for openapi-spec-validator) takes
    microseconds. Only a pass is trusted: a failure (or any doubt) goes to the Python check,
    whose message is the pipeline's. Formats are not asserted here (patterns are checked on
    their own, in ECMA-262 terms, by _patterns)."""
    try:
        checker = keyword_validator._get_schema_checker(schema, schema_value)
        meta_schema = getattr(checker, "func", checker).__self__.META_SCHEMA  # check_schema's class
    except Exception:
        return False
    if id(meta_schema) not in _RUST_CHECKERS:
        _RUST_CHECKERS[id(meta_schema)] = _rust_checker(meta_schema)
    validator = _RUST_CHECKERS[id(meta_schema)]
    try:
        return validator is not None and bool(validator.is_valid(schema_value))
    except Exception:
        return False


def _rust_checker(meta_schema: Any) -> Any:
    try:
        import jsonschema_rs
        from openapi_schema_validator._specifications import REGISTRY

        registry = jsonschema_rs.Registry([(uri, REGISTRY[uri].contents) for uri in REGISTRY])
        return jsonschema_rs.validator_for(meta_schema, registry=registry, validate_formats=False)
    except Exception:  # not installed, or a meta-schema it cannot compile: the Python check runs
        return None


@cache
def _schema_formats() -> Any:
    """The OpenAPI 3.1 format checker, except that any `regex` passes."""
    from openapi_schema_validator import oas31_format_checker

    checker = type(oas31_format_checker)(formats=())  # jsonschema's FormatChecker
    checker.checkers = {**oas31_format_checker.checkers, "regex": (lambda _value: True, ())}
    return checker


def _patterns(node: Any, parts: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, pattern) of every schema `pattern` (a property named "pattern" is not one)."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _patterns(item, (*parts, index))
    elif isinstance(node, dict):
        named = bool(parts) and parts[-1] in ("properties", "patternProperties")
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str) and not named:
                yield (*parts, key), value
            elif not (isinstance(key, str) and key.startswith("x-")):
                yield from _patterns(value, (*parts, key))


class _IdSet(set[int]):
    def append(self, item: int) -> None:
        self.add(item)


def _problem(document: Spec, error: Any) -> Problem:
    relative = list(getattr(error, "absolute_path", None) or getattr(error, "path", None) or [])
    parts = _real_parts(document, [*getattr(error, _WHERE, ()), *relative])
    message = str(getattr(error, "message", error)).split("\n", 1)[0]
    # Either backend's quoting: 'responses' (python jsonschema), "responses" (jsonschema-rs).
    tolerated = type(error).__name__ == "UnresolvableParameterError" or (
        message.strip("'\"").startswith("responses") and message.endswith(" is a required property")
    )
    return Problem(json_path(parts), message, tolerated)


def validate(document: Spec) -> list[Problem]:
    """Every problem openapi-spec-validator finds in `document` (already normalised)."""
    from openapi_spec_validator.shortcuts import get_validator_cls
    from referencing.exceptions import Unresolvable

    try:
        base = get_validator_cls(document)
    except Exception:  # no version it knows: nothing else can be checked
        return [Problem("$.openapi", f"unsupported OpenAPI version {document.get('openapi')!r}")]
    keywords = {
        name: _tagging(cls, ("default",) if name == "default" else ())
        for name, cls in base.keyword_validators.items()
    }
    validator = type(base.__name__, (base,), {"keyword_validators": keywords})(document)
    errors = chain(
        validator.schema_validator.iter_errors(document), validator.root_validator(validator.schema_path)
    )
    problems: list[Problem] = []
    try:
        for error in errors:
            problem = _problem(document, error)
            if problem not in problems:
                problems.append(problem)
    except Unresolvable as exc:
        problems.append(Problem("$", f"unresolvable $ref: {exc}"))
    for parts, pattern in _patterns(document):
        if not compiles(pattern):  # translated from ECMA-262 first: `[\w-./:]` compiles
            message = f"pattern {pattern!r} cannot be compiled; compared as text"
            problems.append(Problem(json_path(list(parts)), message, tolerated=True))
    return _explain_branch_problems(document, problems)


_NO_BRANCH = " is not valid under any of the "  # a oneOf/anyOf mismatch, in either backend


def _explain_branch_problems(document: Spec, problems: list[Problem]) -> list[Problem]:
    """Each `oneOf`/`anyOf` mismatch replaced by what is wrong inside it, and where.

    The structural check says only that a node fits no branch (a response that is neither a
    Response nor a Reference), quoting the whole node; the pure-Python validator (whose
    errors keep their branches' errors) finds the innermost one: a `const` in a 3.0 schema is
    reported at the schema that holds it, as the key that is not allowed there."""
    if not any(_NO_BRANCH in problem.message for problem in problems):
        return problems
    explained = _innermost_errors(document)
    return [
        explained.get(problem.location, problem) if _NO_BRANCH in problem.message else problem
        for problem in problems
    ]


def _innermost_errors(document: Spec) -> dict[str, Problem]:
    """Location of each structural error with branches -> its innermost branch error."""
    from openapi_spec_validator.schemas import schema_v30, schema_v31
    from openapi_spec_validator.schemas.backend.jsonschema import create_validator

    version = str(document.get("openapi", ""))
    meta = {"3.0": schema_v30, "3.1": schema_v31}.get(version[:3])
    if meta is None:
        return {}
    meta = dict(meta)
    innermost: dict[str, Problem] = {}
    for error in create_validator(meta).iter_errors(document):  # the pure-Python backend
        inner = error
        while inner.context:  # the deepest error of any branch, the first one on a tie
            inner = max(inner.context, key=lambda branch: len(branch.absolute_path))
        if inner is not error:
            location = _structural_path(error.absolute_path)
            innermost[location] = Problem(_structural_path(inner.absolute_path), _plain_message(inner))
    return innermost


def _structural_path(parts: Any) -> str:
    """json_path as the structural check spells it: a status code key as `[200]`."""
    return json_path([int(part) if isinstance(part, str) and part.isdigit() else part for part in parts])


def _plain_message(error: Any) -> str:
    """jsonschema's message, except that a key an object may not have is named as such
    (the meta-schemas say "'const' does not match any of the regexes: '^x-'")."""
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(
        error.instance, dict
    ):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = set(schema.get("properties", {}))
        patterns = list(schema.get("patternProperties", {}))
        extra = [
            key
            for key in error.instance
            if key not in known and not any(re.search(pattern, key) for pattern in patterns)
        ]
        if extra:
            names = f"{', '.join(map(repr, extra))} {'is' if len(extra) == 1 else 'are'}"
            added = f" (only keys matching {', '.join(patterns)} may be added)" if patterns else ""
            return f"{names} not allowed here{added}"
    return str(error.message).split("\n", 1)[0]


def summary(name: str, problems: list[Problem]) -> str:
    """One line: how many problems and the first, with its absolute location."""
    count = f"{len(problems)} validation problem{'s' if len(problems) != 1 else ''}"
    first = problems[0]
    return f"{name}: {count}; the first at {first.location}: {first.message}"
