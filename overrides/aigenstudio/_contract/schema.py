"""JSON Schema checks with jsonschema-rs (Draft 2020-12, OpenAPI 3.1's dialect), in plain words.

Validators are compiled from the contract's schemas (``make generate`` writes them into
``aigenstudio_client/contract.json``), each with only the ``$defs`` it can reach. Formats are
asserted with jsonschema-rs's own checks, which follow the RFCs (``uuid`` RFC 9562, ``date-time``
RFC 3339, ``uri`` RFC 3986, ASCII only; tests/client/test_formats.py pins their verdicts). A
failure is reported as ``Invalid``: the field as the caller knows it
(``body.images[3].source_url``, ``limit``, ``idempotency_key``) and the rule it broke, never
jsonschema-rs's own wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._core.errors import RequestValidationError
from .._core.redaction import redact_url_text

__all__ = ["Invalid", "Validator", "compile_validator", "first_problem", "integers_as_int", "render_path"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_FORMAT_RULES = {
    "uuid": "must be a UUID (8-4-4-4-12 hex digits)",
    "date-time": "must be an RFC 3339 date-time with a UTC offset (e.g. 2024-05-01T12:00:00Z)",
    "uri": "must be an absolute URI (RFC 3986: ASCII, valid %-escapes)",
}
_MAX_SHOWN = 40

Validator = Any  # a jsonschema_rs validator (the package ships no type stubs)
PathPart = str | int


class Invalid(Exception):
    """One violated rule: where (the field as the caller knows it), which rule, what was found."""

    def __init__(self, field: str, limit: str, got: str | None = None) -> None:
        super().__init__(limit)
        self.field = field
        self.limit = limit
        self.got = got

    def describe(self) -> str:
        got = f" (got {self.got})" if self.got else ""
        return f"{self.field}: {self.limit}{got}"

    def as_request_error(self) -> RequestValidationError:
        """The public error for this violation (nothing was sent)."""
        return RequestValidationError(self.field, self.limit, self.describe())


def render_path(root: str, parts: Sequence[PathPart]) -> str:
    """``body`` + ``["images", 3, "source_url"]`` -> ``body.images[3].source_url``."""
    text = root
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _reachable(schema: Any, defs: Mapping[str, Any]) -> dict[str, Any]:
    """The ``$defs`` entries ``schema`` refers to, directly or through each other."""
    found: dict[str, Any] = {}
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref[len("#/$defs/") :].split("/", 1)[0]
                if name not in found and name in defs:
                    found[name] = defs[name]
                    pending.append(defs[name])
            pending.extend(v for k, v in node.items() if k not in ("enum", "const", "default"))
        elif isinstance(node, list):
            pending.extend(node)
    return found


def compile_validator(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Validator:
    """A Draft 2020-12 validator for ``schema`` whose ``#/$defs/...`` refs point into ``defs``."""
    import jsonschema_rs  # on the first check, not at import (25 ms)

    root = {"$schema": DIALECT, **schema, "$defs": _reachable(schema, defs)}
    return jsonschema_rs.validator_for(root, validate_formats=True)


def _shown(value: Any) -> str:
    text = repr(redact_url_text(value) if isinstance(value, str) else value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 3] + "..."


def _json_type(value: Any) -> str:
    names = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _plural(count: Any, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _rule(kind: Any, value: Any) -> tuple[PathPart | None, str, str | None]:
    """(a child to append to the path, the rule in plain words, what was found) for one error."""
    name = type(kind).__name__
    facts = kind.as_dict()
    limit = facts.get("limit")
    if name == "Required":
        return facts["property"], "is required", None
    if name == "AdditionalProperties":
        return str(facts["unexpected"][0]), "is not a field the API knows", None
    if name == "Type":
        return None, "must be " + " or ".join(facts["types"]), _json_type(value)
    if name == "Format":
        fmt = facts["format"]
        return None, _FORMAT_RULES.get(fmt, f"must be a valid {fmt}"), _shown(value)
    if name == "Enum":
        return None, "must be one of " + ", ".join(repr(v) for v in facts["options"]), _shown(value)
    if name == "Constant":
        return None, f"must be {facts['expected_value']!r}", _shown(value)
    wording: dict[str, Callable[[], str]] = {
        "MinLength": lambda: "at least " + _plural(limit, "character"),
        "MaxLength": lambda: "at most " + _plural(limit, "character"),
        "MinItems": lambda: "at least " + _plural(limit, "item"),
        "MaxItems": lambda: "at most " + _plural(limit, "item"),
        "Minimum": lambda: f"at least {limit}",
        "Maximum": lambda: f"at most {limit}",
        "ExclusiveMinimum": lambda: f"greater than {limit}",
        "ExclusiveMaximum": lambda: f"less than {limit}",
        "MultipleOf": lambda: f"a multiple of {facts.get('multiple_of', limit)}",
        "Pattern": lambda: f"must match the pattern {facts.get('pattern')!r}",
        "UniqueItems": lambda: "items must be unique",
        "MinProperties": lambda: "at least " + _plural(limit, "field"),
        "MaxProperties": lambda: "at most " + _plural(limit, "field"),
        "OneOfNotValid": lambda: "must match one of its allowed forms",
        "OneOfMultipleValid": lambda: "must match exactly one of its allowed forms",
        "AnyOf": lambda: "must match one of its allowed forms",
        "Not": lambda: "must not match the excluded form",
        "FalseSchema": lambda: "is not allowed here",
    }
    if name in wording:
        sized = ("Length" in name or "Items" in name) and isinstance(value, str | list)
        return None, wording[name](), (str(len(value)) if sized else _shown(value))
    return None, f"breaks the API spec's {name} rule", _shown(value)


def first_problem(
    validator: Validator, instance: Any, root: str, field_of: Callable[[list[PathPart]], str] | None = None
) -> Invalid | None:
    """The first violation of ``instance`` as ``Invalid``, or None when it is valid.

    ``field_of`` names the field from the instance path (default: ``root`` + the path).
    """
    if validator.is_valid(instance):
        return None
    error = next(iter(validator.iter_errors(instance)))
    parts: list[PathPart] = list(error.instance_path)
    value = error.instance
    child, limit, got = _rule(error.kind, value)
    if child is not None:
        parts.append(child)
    field = field_of(parts) if field_of is not None else render_path(root, parts)
    return Invalid(field, limit, got)


# -- integral numbers ---------------------------------------------------------------------
#
# JSON Schema counts any integral number as an integer (``10.0``, ``1e1``), but json.loads
# makes those floats: a model field typed ``int`` would hold 10.0, and code summing ``int``
# values (the catalog's credits) would skip it.

Deref = Callable[[Any], Any]
_BRANCHES = ("allOf", "anyOf", "oneOf")


def _facets(schemas: list[Any], deref: Deref) -> list[Mapping[str, Any]]:
    """``schemas`` and every subschema applying to the same value (``$ref``, allOf/anyOf/oneOf)."""
    found: list[Mapping[str, Any]] = []
    seen: set[int] = set()
    pending = list(schemas)
    while pending:
        node = deref(pending.pop())
        if not isinstance(node, Mapping) or id(node) in seen:
            continue
        seen.add(id(node))
        found.append(node)
        pending.extend(branch for key in _BRANCHES for branch in node.get(key) or ())
    return found


def _says_integer(facets: list[Mapping[str, Any]]) -> bool:
    for facet in facets:
        kind = facet.get("type")
        if kind == "integer" or (isinstance(kind, list) and "integer" in kind):
            return True
    return False


class _Shape:
    """Where integers may sit in a value of some schemas: compiled once per schema, so a
    response is walked only along the paths that can hold one (``None``: none below)."""

    __slots__ = ("integer", "known", "leaf", "live", "matters", "other", "prefix", "rest")

    def __init__(self) -> None:
        self.integer = False
        self.leaf = False  # an integer with nothing below it (no object or array form)
        self.matters = True  # until compiled: a schema that refers to itself may hold integers
        self.known: dict[Any, _Shape | None] = {}  # a dict's properties by name
        self.live: dict[Any, _Shape] = {}  # those that can hold an integer
        self.other: _Shape | None = None  # any other key (additionalProperties)
        self.prefix: list[_Shape | None] = []  # a list's prefixItems by index
        self.rest: _Shape | None = None  # any other index (items)


def _live_children(children: list[Any]) -> list[Any]:
    return [child for child in children if isinstance(child, Mapping)]


def _property(facet: Mapping[str, Any], name: Any) -> Any:
    return (facet.get("properties") or {}).get(name, facet.get("additionalProperties"))


def _item(facet: Mapping[str, Any], index: int) -> Any:
    prefix = facet.get("prefixItems") or []
    return prefix[index] if index < len(prefix) else facet.get("items")


def _compile(schemas: list[Any], deref: Deref, memo: dict[tuple[int, ...], _Shape]) -> _Shape | None:
    """The shape of a value ``schemas`` all apply to, its children compiled the same way."""
    facets = _facets(schemas, deref)
    if not facets:  # no schema for this value: free-form, it keeps its floats
        return None
    key = tuple(sorted(id(facet) for facet in facets))
    if key in memo:
        return memo[key]
    shape = memo[key] = _Shape()
    shape.integer = _says_integer(facets)
    for name in {name for facet in facets for name in facet.get("properties") or {}}:
        shape.known[name] = _compile(_live_children([_property(f, name) for f in facets]), deref, memo)
    extra = _live_children([f.get("additionalProperties") for f in facets])
    shape.other = _compile(extra, deref, memo)
    longest = max((len(f.get("prefixItems") or []) for f in facets), default=0)
    for index in range(longest):
        shape.prefix.append(_compile(_live_children([_item(f, index) for f in facets]), deref, memo))
    shape.rest = _compile(_live_children([f.get("items") for f in facets]), deref, memo)
    return _pruned(shape)


def _pruned(shape: _Shape) -> _Shape | None:
    """``shape`` with the children that can hold no integer dropped; None if nothing is left."""
    shape.known = {name: _live(child) for name, child in shape.known.items()}
    shape.live = {name: child for name, child in shape.known.items() if child is not None}
    shape.other, shape.rest = _live(shape.other), _live(shape.rest)
    shape.prefix = [_live(child) for child in shape.prefix]
    below = any(
        child is not None for child in (*shape.known.values(), shape.other, *shape.prefix, shape.rest)
    )
    shape.matters = shape.integer or below
    shape.leaf = shape.integer and not below
    return shape if shape.matters else None


def _live(shape: _Shape | None) -> _Shape | None:
    return shape if shape is not None and shape.matters else None


# Compiled shapes by schema (the schema is kept, so its id cannot be reused while cached).
_SHAPES: dict[int, tuple[Mapping[str, Any], _Shape | None]] = {}
_MAX_SHAPES = 1024


def _shape_of(schema: Mapping[str, Any], deref: Deref) -> _Shape | None:
    cached = _SHAPES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    if len(_SHAPES) >= _MAX_SHAPES:
        _SHAPES.clear()
    shape = _live(_compile([schema], deref, {}))
    _SHAPES[id(schema)] = (schema, shape)
    return shape


def integers_as_int(instance: Any, schema: Mapping[str, Any], deref: Deref) -> Any:
    """``instance`` (valid against ``schema``) with each integral float the schema types
    ``integer`` made an ``int``, in place: ``10.0`` / ``1e1`` -> ``10``.

    Only where the schema says integer: a ``number`` field, or free-form data, keeps its
    floats. A fractional float stays as it is (the schema check refuses it where only an
    integer is allowed). Huge integral floats become the exact int (``1e308`` -> 309 digits);
    non-finite ones never get here (json parsing and the schema check refuse them). Only the
    paths where the schema allows an integer are visited (``_Shape``, compiled once).
    """
    shape = _shape_of(schema, deref)
    if shape is None:
        return instance
    root: list[Any] = [instance]
    pending: list[tuple[Any, Any, _Shape]] = [(root, 0, shape)]
    while pending:  # iterative, each value visited once whatever the number of allOf branches
        container, key, shape = pending.pop()
        value = container[key]
        if isinstance(value, float):
            if shape.integer and value.is_integer():
                container[key] = int(value)
        elif isinstance(value, dict):
            other = shape.other
            if other is None:  # only the named properties can hold integers: visit just those
                for name, named in shape.live.items():
                    if name not in value:
                        continue
                    found = value[name]
                    if named.leaf:  # an integer field: converted here, not queued
                        if isinstance(found, float) and found.is_integer():
                            value[name] = int(found)
                    else:
                        pending.append((value, name, named))
                continue
            known = shape.known
            for name in value:
                child = known.get(name, other)
                if child is not None:
                    pending.append((value, name, child))
        elif isinstance(value, list):
            prefix, rest = shape.prefix, shape.rest
            for index in range(len(value)):
                child = prefix[index] if index < len(prefix) else rest
                if child is not None:
                    pending.append((value, index, child))
    return root[0]
