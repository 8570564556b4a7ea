"""The HTTP side of the review: each rule compares one aspect of two resolved specs.

Classification follows oasdiff's breaking-change checks, seen from an existing client of the
old spec: a request it sends must still be accepted, a response it parses must still parse.
So the same change flips meaning with the direction: a new enum value is safe in a request
and, in a response, safe only because the generated enums parse unknown values tolerantly.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from tools.apidiff.loader import Spec

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")
Direction = Literal["request", "response"]
Schema = dict[str, Any]


class Severity(StrEnum):
    BREAKING = "breaking"
    NON_BREAKING = "non-breaking"
    INFO = "info"


@dataclass(frozen=True)
class Change:
    kind: str
    severity: Severity
    location: str
    message: str


def _breaking_if(condition: bool) -> Severity:
    return Severity.BREAKING if condition else Severity.NON_BREAKING


def _operations(spec: Spec) -> dict[str, dict[str, Any]]:
    """`METHOD /path` -> operation, with path-level parameters folded into each operation."""
    operations: dict[str, dict[str, Any]] = {}
    for path, item in (spec.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            params = {_param_key(p): p for p in item.get("parameters", []) if isinstance(p, dict)}
            params.update({_param_key(p): p for p in operation.get("parameters", []) if isinstance(p, dict)})
            operations[f"{method.upper()} {path}"] = {**operation, "parameters": params}
    return operations


def _param_key(param: dict[str, Any]) -> str:
    name = str(param.get("name", ""))
    place = str(param.get("in", ""))
    return f"{place}:{name.lower() if place == 'header' else name}"


def _pointer(base: str, *parts: str) -> str:
    escaped = (part.replace("~", "~0").replace("/", "~1") for part in parts)
    return "/".join([base, *escaped])


def _at(where: str, pointer: str) -> str:
    return where if pointer == "#" else f"{where} {pointer}"


# --- schemas -------------------------------------------------------------------------------


def _types(schema: Schema) -> set[str] | None:
    raw = schema.get("type")
    if raw is None:
        return None
    types = {raw} if isinstance(raw, str) else {str(t) for t in raw}
    if schema.get("nullable") is True:  # OpenAPI 3.0 spelling of "null"
        types.add("null")
    return types


def _widens(wide: set[str], narrow: set[str]) -> bool:
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _diff_types(old: Schema, new: Schema, direction: Direction, at: str) -> Iterator[Change]:
    old_types, new_types = _types(old), _types(new)
    if old_types is None or new_types is None or old_types == new_types:
        return
    old_core, new_core = old_types - {"null"}, new_types - {"null"}
    shown = f"{'/'.join(sorted(old_types))} -> {'/'.join(sorted(new_types))}"
    if old_core != new_core:
        if direction == "request" and _widens(new_core, old_core):
            yield Change("type-widened", Severity.NON_BREAKING, at, f"type widened: {shown}")
        elif direction == "response" and _widens(old_core, new_core):
            yield Change("type-narrowed", Severity.NON_BREAKING, at, f"type narrowed: {shown}")
        else:
            yield Change("type-changed", Severity.BREAKING, at, f"type changed: {shown}")
    if "null" in new_types and "null" not in old_types:
        yield Change(
            "made-nullable",
            _breaking_if(direction == "response"),
            at,
            "response value may now be null" if direction == "response" else "now accepts null",
        )
    elif "null" in old_types and "null" not in new_types:
        yield Change(
            "made-non-nullable",
            _breaking_if(direction == "request"),
            at,
            "null is no longer accepted" if direction == "request" else "response value is never null",
        )


def _diff_format(old: Schema, new: Schema, direction: Direction, at: str) -> Iterator[Change]:
    before, after = old.get("format"), new.get("format")
    if before != after:
        loosened = direction == "request" and after is None
        yield Change("format-changed", _breaking_if(not loosened), at, f"format changed: {before} -> {after}")


def _diff_enum(old: Schema, new: Schema, direction: Direction, at: str) -> Iterator[Change]:
    if "enum" not in old or "enum" not in new:
        return
    before, after = list(old["enum"]), list(new["enum"])
    for value in (v for v in before if v not in after):
        if direction == "request":
            yield Change(
                "enum-value-removed", Severity.BREAKING, at, f"enum value {value!r} is no longer accepted"
            )
        else:
            yield Change(
                "enum-value-removed", Severity.NON_BREAKING, at, f"enum value {value!r} is no longer sent"
            )
    for value in (v for v in after if v not in before):
        if direction == "request":
            yield Change(
                "enum-value-added", Severity.NON_BREAKING, at, f"enum value {value!r} is now accepted"
            )
        else:
            yield Change(
                "enum-value-added",
                Severity.NON_BREAKING,
                at,
                f"enum value {value!r} may now be returned (safe only because the client parses "
                "unknown enum values tolerantly: from_api_value)",
            )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _constraint_moves(old: Schema, new: Schema) -> Iterator[tuple[str, bool, str]]:
    """(keyword, tightened?, description) for every validation keyword that changed."""
    for key in (*LOWER_BOUNDS, *UPPER_BOUNDS):
        before, after = old.get(key), new.get(key)
        if before == after or not (_is_number(before) or _is_number(after)):
            continue
        if before is None or after is None:
            tightened = after is not None
        else:
            tightened = after > before if key in LOWER_BOUNDS else after < before
        yield key, tightened, f"{key} {before} -> {after}"
    for key in ("pattern", "multipleOf"):
        before, after = old.get(key), new.get(key)
        if before != after:
            yield key, after is not None, f"{key} {before!r} -> {after!r}"
    if old.get("uniqueItems") != new.get("uniqueItems"):
        yield "uniqueItems", new.get("uniqueItems") is True, "uniqueItems changed"


def _diff_constraints(old: Schema, new: Schema, direction: Direction, at: str) -> Iterator[Change]:
    for _key, tightened, shown in _constraint_moves(old, new):
        kind = "constraint-tightened" if tightened else "constraint-loosened"
        # The client does not validate responses against bounds: only requests can break.
        severity = _breaking_if(tightened) if direction == "request" else Severity.INFO
        yield Change(kind, severity, at, shown)


def _diff_default(old: Schema, new: Schema, direction: Direction, at: str) -> Iterator[Change]:
    if direction == "request" and old.get("default") != new.get("default"):
        yield Change(
            "default-changed",
            Severity.INFO,
            at,
            f"default {old.get('default')!r} -> {new.get('default')!r}",
        )


@dataclass(frozen=True)
class _Finding:
    """A change found under one compared pair of schemas, relative to that pair."""

    origin: tuple[int, int, str, int]  # (old id, new id, direction, n-th change there)
    parts: tuple[str, ...]  # JSON pointer segments from the compared pair (unescaped)
    kind: str
    severity: Severity
    message: str
    paths: int  # how many ways lead from the compared pair to where the change is


_Step = _Finding | tuple[tuple[str, ...], list[_Finding]]  # own change, or a sub-schema's


class SchemaDiffer:
    """Compares resolved schemas, each shared pair once.

    The loader shares one object per component, so the same pair of old and new nodes can be
    reached along many pointer paths (exponentially many for schemas that reference earlier
    schemas in chains). Each pair is compared once (`comparisons` counts them) and a change is
    reported once per use site, at the first path in walk order, with the number of others.
    """

    def __init__(self) -> None:
        self.comparisons = 0
        self._memo: dict[tuple[int, int, str], list[_Finding]] = {}

    def diff(
        self, old: Schema, new: Schema, direction: Direction, where: str, pointer: str = "#"
    ) -> Iterator[Change]:
        for found in self._findings(old, new, direction):
            others = found.paths - 1
            also = f" (also reached by {others} other path{'s' if others > 1 else ''})" if others else ""
            at = _at(where, _pointer(pointer, *found.parts))
            yield Change(found.kind, found.severity, at, found.message + also)

    def _findings(self, old: Schema, new: Schema, direction: Direction) -> list[_Finding]:
        if not isinstance(old, dict) or not isinstance(new, dict):
            return []
        key = (id(old), id(new), direction)
        if key not in self._memo:
            self.comparisons += 1
            self._memo[key] = self._merge(key, list(self._steps(old, new, direction)))
        return self._memo[key]

    @staticmethod
    def _merge(key: tuple[int, int, str], steps: list[_Step]) -> list[_Finding]:
        """Own changes and sub-schema findings in walk order, one entry per origin."""
        merged: dict[tuple[int, int, str, int], _Finding] = {}
        for number, step in enumerate(steps):
            if isinstance(step, _Finding):
                origin = (*key, number)
                merged[origin] = _Finding(origin, step.parts, step.kind, step.severity, step.message, 1)
                continue
            prefix, findings = step
            for found in findings:
                if found.origin in merged:
                    first = merged[found.origin]
                    merged[found.origin] = _Finding(
                        first.origin,
                        first.parts,
                        first.kind,
                        first.severity,
                        first.message,
                        first.paths + found.paths,
                    )
                else:
                    parts = (*prefix, *found.parts)
                    merged[found.origin] = _Finding(
                        found.origin, parts, found.kind, found.severity, found.message, found.paths
                    )
        return list(merged.values())

    def _steps(self, old: Schema, new: Schema, direction: Direction) -> Iterator[_Step]:
        if "$ref" in old or "$ref" in new:  # a recursive schema left unresolved by the loader
            if old.get("$ref") != new.get("$ref"):
                yield _own(
                    (), "ref-changed", Severity.INFO, f"recursive $ref {old.get('$ref')} -> {new.get('$ref')}"
                )
            return
        type_changes = list(_diff_types(old, new, direction, "#"))
        yield from (_own((), c.kind, c.severity, c.message) for c in type_changes)
        if any(change.kind == "type-changed" for change in type_changes):
            return  # everything below compares like with like
        for rule in (_diff_format, _diff_enum, _diff_constraints, _diff_default):
            yield from (_own((), c.kind, c.severity, c.message) for c in rule(old, new, direction, "#"))
        yield from self._properties(old, new, direction)
        for key in ("items", "additionalProperties"):
            if isinstance(old.get(key), dict) and isinstance(new.get(key), dict):
                yield (key,), self._findings(old[key], new[key], direction)
        yield from self._branches(old, new, direction)

    def _properties(self, old: Schema, new: Schema, direction: Direction) -> Iterator[_Step]:
        old_props: dict[str, Schema] = old.get("properties") or {}
        new_props: dict[str, Schema] = new.get("properties") or {}
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in old_props.keys() - new_props.keys():
            at = ("properties", name)
            yield _own(at, "property-removed", Severity.BREAKING, f"{direction} property {name!r} removed")
        for name in new_props.keys() - old_props.keys():
            required = name in new_required
            yield _own(
                ("properties", name),
                "property-added",
                _breaking_if(direction == "request" and required),
                f"{direction} property {name!r} added{' as required' if required else ''}",
            )
        for name in sorted(old_props.keys() & new_props.keys()):
            at = ("properties", name)
            was, now = name in old_required, name in new_required
            if now and not was:
                yield _own(
                    at,
                    "property-made-required",
                    _breaking_if(direction == "request"),
                    f"{direction} property {name!r} is now required",
                )
            elif was and not now:
                yield _own(
                    at,
                    "property-made-optional",
                    _breaking_if(direction == "response"),
                    f"{direction} property {name!r} is now optional"
                    + (" (may be missing)" if direction == "response" else ""),
                )
            yield at, self._findings(old_props[name], new_props[name], direction)

    def _branches(self, old: Schema, new: Schema, direction: Direction) -> Iterator[_Step]:
        for key in ("oneOf", "anyOf"):
            before, after = old.get(key) or [], new.get(key) or []
            for index in range(min(len(before), len(after))):
                yield (key, str(index)), self._findings(before[index], after[index], direction)
            if len(before) != len(after):
                grew = len(after) > len(before)
                yield _own(
                    (key,),
                    "branches-changed",
                    _breaking_if(grew == (direction == "response")),
                    f"{key} branches {len(before)} -> {len(after)}",
                )


def _own(parts: tuple[str, ...], kind: str, severity: Severity, message: str) -> _Finding:
    return _Finding((0, 0, "", 0), parts, kind, severity, message, 1)  # origin set by _merge


def diff_schema(
    old: Schema, new: Schema, direction: Direction, where: str, pointer: str = "#"
) -> Iterator[Change]:
    """Changes between two resolved schemas; `pointer` is a JSON pointer into the schema."""
    return SchemaDiffer().diff(old, new, direction, where, pointer)


# --- operations ----------------------------------------------------------------------------


def _media_where(base: str, media: str) -> str:
    return base if media == "application/json" else f"{base} ({media})"


def _diff_content(
    old: dict[str, Any], new: dict[str, Any], direction: Direction, where: str, differ: SchemaDiffer
) -> Iterator[Change]:
    old_content, new_content = old.get("content") or {}, new.get("content") or {}
    for media in old_content.keys() - new_content.keys():
        yield Change(
            "media-type-removed", Severity.BREAKING, where, f"{direction} media type {media} removed"
        )
    for media in new_content.keys() - old_content.keys():
        yield Change(
            "media-type-added", Severity.NON_BREAKING, where, f"{direction} media type {media} added"
        )
    for media in sorted(old_content.keys() & new_content.keys()):
        old_schema = (old_content[media] or {}).get("schema") or {}
        new_schema = (new_content[media] or {}).get("schema") or {}
        yield from differ.diff(old_schema, new_schema, direction, _media_where(where, media))


def _diff_parameters(
    name: str, old: dict[str, Any], new: dict[str, Any], differ: SchemaDiffer
) -> Iterator[Change]:
    old_params, new_params = old["parameters"], new["parameters"]
    for key in old_params.keys() - new_params.keys():
        yield Change(
            "parameter-removed", Severity.BREAKING, f"{name} parameter {key}", f"parameter {key} removed"
        )
    for key in new_params.keys() - old_params.keys():
        required = bool(new_params[key].get("required"))
        yield Change(
            "parameter-added",
            _breaking_if(required),
            f"{name} parameter {key}",
            f"{'required' if required else 'optional'} parameter {key} added",
        )
    for key in sorted(old_params.keys() & new_params.keys()):
        where = f"{name} parameter {key}"
        was, now = bool(old_params[key].get("required")), bool(new_params[key].get("required"))
        if now and not was:
            yield Change(
                "parameter-made-required", Severity.BREAKING, where, f"parameter {key} is now required"
            )
        elif was and not now:
            yield Change(
                "parameter-made-optional", Severity.NON_BREAKING, where, f"parameter {key} is now optional"
            )
        old_schema, new_schema = old_params[key].get("schema") or {}, new_params[key].get("schema") or {}
        yield from differ.diff(old_schema, new_schema, "request", where)


def _diff_request_body(
    name: str, old: dict[str, Any], new: dict[str, Any], differ: SchemaDiffer
) -> Iterator[Change]:
    before, after = old.get("requestBody"), new.get("requestBody")
    where = f"{name} request body"
    if before is None and after is None:
        return
    if before is None:
        required = bool(after and after.get("required"))
        yield Change(
            "request-body-added",
            _breaking_if(required),
            where,
            f"{'required' if required else 'optional'} request body added",
        )
    elif after is None:
        yield Change("request-body-removed", Severity.BREAKING, where, "request body removed")
    else:
        was, now = bool(before.get("required")), bool(after.get("required"))
        if now != was:
            yield Change(
                "request-body-made-required" if now else "request-body-made-optional",
                _breaking_if(now),
                where,
                f"request body is now {'required' if now else 'optional'}",
            )
        yield from _diff_content(before, after, "request", where, differ)


def _diff_responses(
    name: str, old: dict[str, Any], new: dict[str, Any], differ: SchemaDiffer
) -> Iterator[Change]:
    before = {str(k): v for k, v in (old.get("responses") or {}).items()}
    after = {str(k): v for k, v in (new.get("responses") or {}).items()}
    for status in sorted(before.keys() - after.keys()):
        success = status.startswith("2")
        yield Change(
            "response-status-removed",
            _breaking_if(success),
            f"{name} response {status}",
            f"response {status} removed" + (" (a success the client parses)" if success else ""),
        )
    for status in sorted(after.keys() - before.keys()):
        yield Change(
            "response-status-added",
            Severity.NON_BREAKING,
            f"{name} response {status}",
            f"response {status} added",
        )
    for status in sorted(before.keys() & after.keys()):
        yield from _diff_content(
            before[status] or {}, after[status] or {}, "response", f"{name} response {status}", differ
        )


Requirement = frozenset[tuple[str, str]]


def _requirements(security: list[dict[str, list[str]]]) -> set[Requirement]:
    """Alternatives as sets of (scheme, scope); ("x", "") stands for the scheme itself."""
    if not security:
        return {frozenset()}  # `security: []` means anonymous access
    return {
        frozenset((scheme, scope) for scheme, scopes in req.items() for scope in ["", *(scopes or [])])
        for req in security
    }


def _shown(security: list[dict[str, list[str]]]) -> str:
    return " | ".join(" + ".join(sorted(req)) or "anonymous" for req in security) or "anonymous"


def _diff_security(name: str, old_security: Any, new_security: Any) -> Iterator[Change]:
    before, after = _requirements(old_security or []), _requirements(new_security or [])
    if before == after:
        return
    # A client still works if every way it could authenticate before is still enough.
    still_enough = all(any(new_req <= old_req for new_req in after) for old_req in before)
    yield Change(
        "security-changed",
        _breaking_if(not still_enough),
        f"{name} security",
        f"security {_shown(old_security or [])} -> {_shown(new_security or [])}",
    )


def _diff_operation(
    name: str,
    old: dict[str, Any],
    new: dict[str, Any],
    specs: tuple[Spec, Spec],
    differ: SchemaDiffer,
) -> Iterator[Change]:
    if old.get("operationId") != new.get("operationId"):
        yield Change(
            "operation-id-changed",
            Severity.BREAKING,
            name,
            f"operationId {old.get('operationId')} -> {new.get('operationId')} (generated names follow it)",
        )
    if sorted(old.get("tags", [])) != sorted(new.get("tags", [])):
        shown = " -> ".join(", ".join(op.get("tags", [])) or "(none)" for op in (old, new))
        yield Change(
            "tags-changed",
            Severity.INFO,
            name,
            f"tags {shown} (the generated endpoint module follows the first tag)",
        )
    if new.get("deprecated") and not old.get("deprecated"):
        yield Change("endpoint-deprecated", Severity.NON_BREAKING, name, "endpoint deprecated")
    yield from _diff_parameters(name, old, new, differ)
    yield from _diff_request_body(name, old, new, differ)
    yield from _diff_responses(name, old, new, differ)
    old_spec, new_spec = specs
    yield from _diff_security(
        name, old.get("security", old_spec.get("security")), new.get("security", new_spec.get("security"))
    )


def _diff_endpoints(old: Spec, new: Spec, differ: SchemaDiffer) -> Iterator[Change]:
    before, after = _operations(old), _operations(new)
    for name in before.keys() - after.keys():
        yield Change("endpoint-removed", Severity.BREAKING, name, "endpoint removed")
    for name in after.keys() - before.keys():
        yield Change("endpoint-added", Severity.NON_BREAKING, name, "endpoint added")
    for name in sorted(before.keys() & after.keys()):
        yield from _diff_operation(name, before[name], after[name], (old, new), differ)


def _diff_servers(old: Spec, new: Spec) -> Iterator[Change]:
    before = [str(s.get("url")) for s in old.get("servers") or [] if isinstance(s, dict)]
    after = [str(s.get("url")) for s in new.get("servers") or [] if isinstance(s, dict)]
    removed, added = [u for u in before if u not in after], [u for u in after if u not in before]
    if len(removed) == 1 and len(added) == 1:
        yield Change(
            "server-url-changed", Severity.BREAKING, "servers", f"server URL {removed[0]} -> {added[0]}"
        )
        return
    for url in removed:
        yield Change("server-removed", Severity.BREAKING, "servers", f"server {url} removed")
    for url in added:
        yield Change("server-added", Severity.NON_BREAKING, "servers", f"server {url} added")


def _diff_security_schemes(old: Spec, new: Spec) -> Iterator[Change]:
    before = (old.get("components") or {}).get("securitySchemes") or {}
    after = (new.get("components") or {}).get("securitySchemes") or {}
    wire_keys = ("type", "scheme", "in", "name", "flows", "openIdConnectUrl")
    for name in sorted(before.keys() & after.keys()):
        changed = [k for k in wire_keys if before[name].get(k) != after[name].get(k)]
        if changed:
            yield Change(
                "security-scheme-changed",
                Severity.BREAKING,
                f"#/components/securitySchemes/{name}",
                f"security scheme {name}: {', '.join(changed)} changed",
            )


def _order(change: Change) -> tuple[int, str, str]:
    rank = {Severity.BREAKING: 0, Severity.NON_BREAKING: 1, Severity.INFO: 2}[change.severity]
    return rank, change.location, change.kind


def diff_http(old: Spec, new: Spec, differ: SchemaDiffer | None = None) -> list[Change]:
    """Every HTTP-level change from `old` to `new` (both resolved), breaking ones first.

    Pass a fresh `differ` to read its counters; it keys on object ids, so use it for one pair.
    """
    changes = [
        *_diff_servers(old, new),
        *_diff_security_schemes(old, new),
        *_diff_endpoints(old, new, differ or SchemaDiffer()),
    ]
    return sorted(changes, key=_order)
