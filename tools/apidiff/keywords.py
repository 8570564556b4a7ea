"""The rules for one schema's own keywords: type, nullability, format, enum, bounds, pattern,
multipleOf/uniqueItems, default and allOf parts. Each compares two schemas in a context and
yields (our rule id, level, oasdiff rule id, message); structure (properties, items,
branches) is walked by schema_diff.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tools.apidiff.loader import ALL_OF_KEY, ALL_OF_SHAPES_KEY, REF_KEY, ref_name
from tools.apidiff.rules import Context, Level, known, schema_id

Schema = dict[str, Any]
Found = tuple[str, Level, str, str]  # (rule, level, oasdiff rule, message)
BREAKING, WARNING, INFO = Level.BREAKING, Level.WARNING, Level.INFO
# (keyword, oasdiff's name for the bound, is an upper bound)
BOUNDS = (
    ("maximum", "max", True),
    ("exclusiveMaximum", "max", True),
    ("minimum", "min", False),
    ("exclusiveMinimum", "min", False),
    ("maxLength", "max-length", True),
    ("minLength", "min-length", False),
    ("maxItems", "max-items", True),
    ("minItems", "min-items", False),
    ("maxProperties", "max-properties", True),
    ("minProperties", "min-properties", False),
)
_WIDER_FORMATS = {("int32", "int64"), ("float", "double")}  # (narrow, wide)
_GENERAL_PATTERNS = frozenset({".*", "^.*$", ""})


def types(schema: Schema) -> set[str] | None:
    raw = schema.get("type")
    if raw is None:
        return None
    found = {raw} if isinstance(raw, str) else {str(t) for t in raw} if isinstance(raw, list) else set()
    if schema.get("nullable") is True:  # OpenAPI 3.0 spelling of "null"
        found.add("null")
    return found


def is_null(schema: Schema) -> bool:
    return "null" in (types(schema) or set())


def _widens(wide: set[str], narrow: set[str]) -> bool:
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(values: list[Any], limit: int = 10) -> str:
    text = ", ".join(repr(v) for v in values[:limit])
    return text + (f" and {len(values) - limit} more" if len(values) > limit else "")


def type_change(old: Schema, new: Schema, ctx: Context) -> Found | None:
    """A change of the non-null types (rule type-changed stops the comparison below it)."""
    old_types, new_types = types(old), types(new)
    if old_types is None or new_types is None:
        return None
    old_core, new_core = old_types - {"null"}, new_types - {"null"}
    if old_core == new_core:
        return None
    shown = f"type {'/'.join(sorted(old_core)) or 'null'} -> {'/'.join(sorted(new_core)) or 'null'}"
    parameter_property = ctx.where == "parameter-property"
    if ctx.request and _widens(new_core, old_core):
        kind, level = "type-generalized", INFO
    elif ctx.request and _widens(old_core, new_core) and parameter_property:
        kind, level = "type-specialized", BREAKING
    elif not ctx.request and _widens(old_core, new_core):
        kind, level = "type-specialized", INFO  # a response narrowed: what comes back still parses
    else:
        # oasdiff only warns for a type change inside a parameter's object schema.
        kind, level = "type-changed", WARNING if parameter_property else BREAKING
    oasdiff = schema_id(ctx, kind) if ctx.request or kind != "type-generalized" else ""
    return kind, level, oasdiff, shown


def nullability(ctx: Context, *, now_nullable: bool) -> Found:
    if now_nullable:
        text = "now accepts null" if ctx.request else "response value may now be null"
        return "became-nullable", INFO if ctx.request else BREAKING, schema_id(ctx, "became-nullable"), text
    text = "null is no longer accepted" if ctx.request else "response value is never null"
    oasdiff = schema_id(ctx, "became-not-nullable") if ctx.request else ""
    return "became-not-nullable", BREAKING if ctx.request else INFO, oasdiff, text


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def format_change(old: Schema, new: Schema, ctx: Context) -> Iterator[Found]:
    before, after = _text(old.get("format")), _text(new.get("format"))
    if before == after:
        return
    text = f"format {before} -> {after}"
    if ctx.request:
        if after is None or (before, after) in _WIDER_FORMATS:
            yield "format-generalized", INFO, schema_id(ctx, "type-generalized"), text
        else:
            level = WARNING if ctx.where == "parameter-property" else BREAKING
            yield "format-changed", level, schema_id(ctx, "type-changed"), text
    elif before is None or (after, before) in _WIDER_FORMATS:
        # A response gained a format: still parses (oasdiff: response-…-type-specialized, INFO).
        yield "format-specialized", INFO, schema_id(ctx, "type-specialized"), text
    else:
        yield "format-changed", BREAKING, schema_id(ctx, "type-changed"), text


def _enum(schema: Schema) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return [value for value in schema["enum"] if value is not None]  # null is nullability
    if "const" in schema:
        return [schema["const"]]
    return None


def _enum_id(ctx: Context, event: str) -> str:
    if ctx.request:
        return schema_id(ctx, f"enum-value-{event}")
    if ctx.place != "body":
        return ""
    return known(f"response-{'mediatype' if ctx.top else 'property'}-enum-value-{event}")


def enum_change(old: Schema, new: Schema, ctx: Context) -> Iterator[Found]:
    before, after = _enum(old), _enum(new)
    if before is None and after is None:
        return
    if before is None:
        oasdiff = schema_id(ctx, "became-enum") if ctx.request else ""
        yield (
            "became-enum",
            BREAKING if ctx.request else INFO,
            oasdiff,
            f"now an enum ({_shown(after or [])})",
        )
        return
    if after is None:
        text = "enum removed: any value is " + ("accepted" if ctx.request else "possible")
        yield "enum-removed", INFO if ctx.request else WARNING, "", text
        return
    removed, added = [v for v in before if v not in after], [v for v in after if v not in before]
    if removed:
        what = "no longer accepted" if ctx.request else "no longer sent"
        text = f"enum value{'s' if len(removed) > 1 else ''} {_shown(removed)} {what}"
        yield "enum-value-removed", BREAKING if ctx.request else INFO, _enum_id(ctx, "removed"), text
    if added:
        what = (
            "now accepted"
            if ctx.request
            else "may now be returned (safe only because the client parses unknown enum values "
            "tolerantly: from_api_value)"
        )
        text = f"enum value{'s' if len(added) > 1 else ''} {_shown(added)} {what}"
        yield "enum-value-added", INFO if ctx.request else WARNING, _enum_id(ctx, "added"), text


def _bound_event(before: Any, after: Any, upper: bool) -> tuple[str, bool] | None:
    """(event, tightened?) for one bound keyword, or None when it is not a number."""
    if isinstance(before, bool) or isinstance(after, bool):  # OpenAPI 3.0 exclusive flags
        if all(v is None or v is False for v in (before, after)):  # both mean "not exclusive"
            return None
        tightened = after is True
        return ("decreased" if upper == tightened else "increased"), tightened
    if not all(_is_number(v) or v is None for v in (before, after)):
        return None
    if before is None:
        return "set", True
    if after is None:
        return "removed", False
    event = "increased" if after > before else "decreased"
    return event, event == ("decreased" if upper else "increased")


def bounds(old: Schema, new: Schema, ctx: Context) -> Iterator[Found]:
    """Request: a tighter bound breaks (a newly set one only warns, as in oasdiff: callers may
    never send values near it). Response: a looser bound breaks callers that relied on it."""
    for key, bound, upper in BOUNDS:
        before, after = old.get(key), new.get(key)
        moved = None if before == after else _bound_event(before, after, upper)
        if moved is None:
            continue
        event, tightened = moved
        kind = f"{bound}-{event}"
        if ctx.request:
            level = WARNING if event == "set" else BREAKING if tightened else INFO
            oasdiff = schema_id(ctx, kind) if event != "removed" else ""
        else:
            level = WARNING if event == "removed" else INFO if tightened else BREAKING
            oasdiff = schema_id(ctx, kind) if level is BREAKING else ""
        yield kind, level, oasdiff, f"{key} {before} -> {after}"


def pattern_change(old: Schema, new: Schema, ctx: Context) -> Iterator[Found]:
    before, after = old.get("pattern"), new.get("pattern")
    if before == after:
        return
    if before is None:
        event = "added"
    elif after is None:
        event = "removed"
    elif isinstance(after, str) and after in _GENERAL_PATTERNS:
        event = "generalized"
    else:
        event = "changed"
    # Request: a pattern where there was none refuses values that were accepted (oasdiff ERR);
    # a different one may or may not (oasdiff WARN). A response's pattern is informative.
    level = (
        (BREAKING if event == "added" else WARNING) if ctx.request and event in ("added", "changed") else INFO
    )
    oasdiff_event = event if ctx.request or event != "generalized" else "changed"
    yield (
        f"pattern-{event}",
        level,
        schema_id(ctx, f"pattern-{oasdiff_event}"),
        f"pattern {before!r} -> {after!r}",
    )


def _flag(schema: Any, name: str) -> bool:
    return isinstance(schema, dict) and schema.get(name) is True


def other_constraints(old: Schema, new: Schema, ctx: Context) -> Iterator[Found]:
    """multipleOf and uniqueItems (no oasdiff rule): a new constraint may refuse what a client
    sends, a dropped one may return what a client does not expect; both warn."""
    before, after = old.get("multipleOf"), new.get("multipleOf")
    if before != after:
        level = WARNING if (after is not None) == ctx.request else INFO
        yield "multiple-of-changed", level, "", f"multipleOf {before} -> {after}"
    if _flag(old, "uniqueItems") != _flag(new, "uniqueItems"):
        now = _flag(new, "uniqueItems")
        level = WARNING if now == ctx.request else INFO
        yield (
            ("unique-items-set" if now else "unique-items-unset"),
            level,
            "",
            f"uniqueItems {not now} -> {now}",
        )


def default_change(old: Schema, new: Schema, ctx: Context) -> Iterator[Found]:
    if "default" not in old and "default" not in new:
        return
    if "default" in old and "default" in new and old["default"] == new["default"]:
        return
    event = "added" if "default" not in old else "removed" if "default" not in new else "changed"
    text = f"default {old.get('default')!r} -> {new.get('default')!r}"
    if ctx.place == "parameter" and ctx.top:
        # A caller that leaves the parameter out now gets other behaviour: oasdiff says breaking.
        yield f"default-value-{event}", BREAKING, known(f"request-parameter-default-value-{event}"), text
    else:
        yield f"default-value-{event}", INFO, schema_id(ctx, f"default-value-{event}"), text


def _parts(schema: Schema) -> list[str]:
    if isinstance(schema.get(ALL_OF_KEY), list):
        return list(schema[ALL_OF_KEY])
    return [schema[REF_KEY]] if isinstance(schema.get(REF_KEY), str) else []


def _shape(schema: Schema, name: str) -> str | None:
    labels, shapes = schema.get(ALL_OF_KEY), schema.get(ALL_OF_SHAPES_KEY)
    if not (isinstance(labels, list) and isinstance(shapes, list) and name in labels):
        return None
    return str(shapes[labels.index(name)])


def _shapes(schema: Schema, names: list[str]) -> set[str]:
    return {shape for name in names if (shape := _shape(schema, name)) is not None}


def all_of_change(old: Schema, new: Schema, ctx: Context) -> Iterator[Found]:
    """allOf parts added or removed (the loader merged them and listed them in ALL_OF_KEY); a
    schema without allOf counts as its own one part."""
    if ALL_OF_KEY not in old and ALL_OF_KEY not in new:
        return
    before, after = _parts(old), _parts(new)
    added = [n for n in after if n not in before]
    removed = [n for n in before if n not in after]
    # A part moved between inline and a named component, its content unchanged: no change.
    moved = _shapes(new, added) & _shapes(old, removed)
    added = [n for n in added if _shape(new, n) not in moved]
    removed = [n for n in removed if _shape(old, n) not in moved]
    for event, names in (("added", added), ("removed", removed)):
        if names:
            shown = ", ".join(ref_name(n) if n.startswith("#/") else n for n in names)
            # A new part may require more of a request body: oasdiff calls it breaking.
            level = (BREAKING if event == "added" else WARNING) if ctx.request else INFO
            yield f"all-of-{event}", level, schema_id(ctx, f"all-of-{event}"), f"allOf {event}: {shown}"


OWN_RULES = (
    format_change,
    enum_change,
    bounds,
    pattern_change,
    other_constraints,
    default_change,
    all_of_change,
)
