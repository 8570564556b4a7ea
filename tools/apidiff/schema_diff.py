"""Compare two versions of the schemas a spec uses, each pair of components once.

The loader shares one object per component, and reference cycles are object cycles, so the
differ never inlines a component: a pair of components met while comparing (`Pet` in the old
spec against `Pet` in the new one, in a given context) becomes a unit (units.py), compared
once however many places use it. Inline schemas are compared in place. The structure is
walked here (properties, items, oneOf/anyOf branches, 3.1 nullable wrappers, properties moved
into a oneOf); each schema's own keywords are compared by keywords.py.

Classification follows oasdiff's rules seen from an existing client of the old spec: a request
it sends must still be accepted, a response it parses must still parse.
"""

from __future__ import annotations

from typing import Any

from tools.apidiff import branches
from tools.apidiff.keywords import OWN_RULES, Found, is_null, nullability, type_change
from tools.apidiff.loader import REF_KEY, listing, mapping
from tools.apidiff.rules import Change, Context, Level, known, schema_id
from tools.apidiff.units import Finding, Unit, report

Schema = dict[str, Any]
Parts = tuple[str, ...]
BREAKING, WARNING, INFO = Level.BREAKING, Level.WARNING, Level.INFO
_WRAPPER_KEYS = frozenset(
    {"description", "title", "default", "example", "examples", "deprecated", "nullable", REF_KEY}
)


def _is_null_branch(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") in ("null", ["null"])


def unwrap_null(schema: Schema) -> tuple[Schema, bool]:
    """OpenAPI 3.1 spells "nullable X" `anyOf: [X, {type: 'null'}]`: (X, True) for that."""
    for key in ("anyOf", "oneOf"):
        items = schema.get(key)
        if not isinstance(items, list) or not any(_is_null_branch(item) for item in items):
            continue
        if set(schema) - {key} - _WRAPPER_KEYS:
            return schema, False  # more than a wrapper: its branches are compared as such
        rest = [item for item in items if not _is_null_branch(item)]
        if len(rest) == 1 and isinstance(rest[0], dict):
            return rest[0], True
        return {**{k: v for k, v in schema.items() if k != REF_KEY}, key: rest}, True
    return schema, False


def _flag(schema: Any, name: str) -> bool:
    return isinstance(schema, dict) and schema.get(name) is True


def _is_component(schema: Schema) -> bool:
    return isinstance(schema.get(REF_KEY), str)


_BRANCH_LEVELS = {
    ("request", "removed"): BREAKING,
    ("request", "added"): INFO,
    ("response", "removed"): INFO,
    # A response shape the old client does not know: its union parser tries only the branches
    # it has. oasdiff: oneOf ERR, anyOf INFO; we warn for anyOf (see docs/api-diff-rules.md).
    ("response", "added"): WARNING,
}


def _of(key: str) -> str:
    return "one-of" if key == "oneOf" else "any-of"


class SchemaDiffer:
    """Collects the schema pairs of one pair of specs (`add_site`), then reports (`changes`).

    Components are keyed on object ids: use one differ per pair of loaded specs.
    `comparisons` counts the pairs compared: one per root plus one per component pair and
    context, however many places use it.
    """

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.comparisons = 0
        self._index: dict[tuple[int, int, Context], int] = {}
        self._pending: list[int] = []

    def add_site(self, old: Any, new: Any, ctx: Context, location: str) -> None:
        """Compare the schemas at one place of an operation (a parameter, body or response)."""
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        self.units.append(Unit(old, new, ctx, location, root=True))
        self.comparisons += 1
        self._compare(old, new, ctx, len(self.units) - 1, ())

    def changes(self) -> list[Change]:
        while self._pending:
            index = self._pending.pop()
            unit = self.units[index]
            self.comparisons += 1
            self._content(unit.old, unit.new, unit.ctx, index, (), (False, False))
        return report(self.units)

    def _use(self, old: Schema, new: Schema, ctx: Context, user: int, parts: Parts) -> None:
        key = (id(old), id(new), ctx)
        index = self._index.get(key)
        if index is None:
            label = str(new.get(REF_KEY) or old.get(REF_KEY))
            self.units.append(Unit(old, new, ctx, label, root=False))
            index = self._index[key] = len(self.units) - 1
            self._pending.append(index)
        self.units[index].uses.append((user, parts))

    def _add(self, unit: int, parts: Parts, found: Found) -> None:
        kind, level, oasdiff, message = found
        self.units[unit].findings.append(Finding(parts, kind, level, oasdiff, message))

    def _compare(self, old: Any, new: Any, ctx: Context, unit: int, parts: Parts) -> None:
        if not isinstance(old, dict) or not isinstance(new, dict):
            return
        old_core, old_wrapped = unwrap_null(old)
        new_core, new_wrapped = unwrap_null(new)
        if old_wrapped != new_wrapped and (old_wrapped or is_null(old_core)) != (
            new_wrapped or is_null(new_core)
        ):
            self._add(unit, parts, nullability(ctx, now_nullable=new_wrapped))
        if _is_component(old_core) and _is_component(new_core):
            self._use(old_core, new_core, ctx, unit, parts)
        else:
            self._content(old_core, new_core, ctx, unit, parts, (old_wrapped, new_wrapped))

    def _content(
        self, old: Schema, new: Schema, ctx: Context, unit: int, parts: Parts, wrapped: tuple[bool, bool]
    ) -> None:
        if "$ref" in old or "$ref" in new:  # a cycle of bare aliases the loader left as a $ref
            if old.get("$ref") != new.get("$ref"):
                self._add(
                    unit, parts, ("ref-changed", INFO, "", f"$ref {old.get('$ref')} -> {new.get('$ref')}")
                )
            return
        if self._wrapping(old, new, ctx, unit, parts):
            return
        changed_type = type_change(old, new, ctx)
        if changed_type is not None:
            self._add(unit, parts, changed_type)
            if changed_type[0] == "type-changed":
                return  # everything below compares like with like
        old_null, new_null = is_null(old), is_null(new)
        if old_null != new_null and (wrapped[0] or old_null) != (wrapped[1] or new_null):
            self._add(unit, parts, nullability(ctx, now_nullable=new_null))
        for rule in OWN_RULES:
            for found in rule(old, new, ctx):
                self._add(unit, parts, found)
        self._properties(old, new, ctx, unit, parts)
        for key in ("items", "additionalProperties"):
            self._compare(old.get(key), new.get(key), ctx.inside(), unit, (*parts, key))
        self._branches(old, new, ctx, unit, parts)

    def _properties(self, old: Schema, new: Schema, ctx: Context, unit: int, parts: Parts) -> None:
        old_props = mapping(old, "properties")
        new_props = mapping(new, "properties")
        old_required = {r for r in listing(old, "required") if isinstance(r, str)}
        new_required = {r for r in listing(new, "required") if isinstance(r, str)}
        unused = "readOnly" if ctx.request else "writeOnly"  # never sent / never returned
        for name in sorted(old_props.keys() - new_props.keys()):
            at = (*parts, "properties", name)
            self._add(unit, at, _removed(ctx, name, name in old_required, _flag(old_props[name], unused)))
        for name in sorted(new_props.keys() - old_props.keys()):
            at = (*parts, "properties", name)
            self._add(unit, at, _added(ctx, name, name in new_required, new_props[name], unused))
        for name in sorted(old_props.keys() & new_props.keys()):
            at = (*parts, "properties", name)
            was, now = name in old_required, name in new_required
            if was != now:
                self._add(unit, at, _required(ctx, name, now, ignored=_flag(new_props[name], unused)))
            self._compare(old_props[name], new_props[name], ctx.inside(), unit, at)

    def _branches(self, old: Schema, new: Schema, ctx: Context, unit: int, parts: Parts) -> None:
        for key in ("oneOf", "anyOf"):
            before, after = listing(old, key), listing(new, key)
            if not before and not after:
                continue
            pairs, removed, added = branches.match(old, new, key)
            for index in removed:
                label = branches.label(before[index], index)
                self._add(unit, (*parts, key), _branch(ctx, key, "removed", f"{key} branch {label} removed"))
            for index in added:
                label = branches.label(after[index], index)
                self._add(unit, (*parts, key), _branch(ctx, key, "added", f"{key} branch {label} added"))
            for i, j in pairs:
                self._compare(before[i], after[j], ctx.inside(), unit, (*parts, key, str(j)))

    def _wrapping(self, old: Schema, new: Schema, ctx: Context, unit: int, parts: Parts) -> bool:
        """Properties moved into a new oneOf/anyOf (or out of one) are one finding, and the
        moved schema is compared with its branch. True when that was the case."""
        for key in ("oneOf", "anyOf"):
            if _wraps(old, new, key) and (best := _best_branch(old, new[key])) is not None:
                others = [branches.label(b, j) for j, b in enumerate(new[key]) if j != best]
                text = f"properties moved into a new {key} (branch #{best}); other branches: "
                found = _branch(ctx, key, "added", text + (", ".join(others) or "none"))
                if key == "oneOf":
                    # oasdiff {request,response}-body-wrapped-in-one-of, ERR both ways: a payload
                    # that matches several overlapping branches is refused (or fails to parse).
                    rule = schema_id(ctx, "wrapped-in-one-of")
                    found = (found[0], BREAKING, rule, found[3])
                self._add(unit, parts, (f"wrapped-in-{_of(key)}", *found[1:]))
                self._compare(old, new[key][best], ctx, unit, (*parts, key, str(best)))
                return True
            if _wraps(new, old, key) and (best := _best_branch(new, old[key])) is not None:
                dropped = len(old[key]) - 1
                text = f"properties moved out of {key} (branch #{best}); {dropped} other branch(es) dropped"
                _, level, oasdiff, _ = _branch(ctx, key, "removed", text)
                self._add(
                    unit, parts, (f"unwrapped-from-{_of(key)}", level if dropped else INFO, oasdiff, text)
                )
                self._compare(old[key][best], new, ctx, unit, parts)
                return True
        return False


def _removed(ctx: Context, name: str, required: bool, ignored: bool) -> Found:
    text = f"{ctx.direction} property {name!r} removed"
    if ignored:
        return "property-removed", INFO, "", text
    if ctx.request:  # the server now ignores (or refuses) what old clients still send
        return "property-removed", WARNING, known("request-property-removed"), text
    if required:
        return "property-removed", BREAKING, known("response-required-property-removed"), text
    return "property-removed", WARNING, known("response-optional-property-removed"), text


def _added(ctx: Context, name: str, required: bool, schema: Any, unused: str) -> Found:
    text = f"{ctx.direction} property {name!r} added{' as required' if required else ''}"
    if not ctx.request:
        return (
            "property-added",
            INFO,
            known(f"response-{'required' if required else 'optional'}-property-added"),
            text,
        )
    if not required:
        return "property-added", INFO, known("new-optional-request-property"), text
    if _flag(schema, unused):
        return "property-added", INFO, "", text
    if isinstance(schema, dict) and "default" in schema:
        # oasdiff ERR: a client that leaves it out is refused by a server that validates.
        text += " (with a default)"
        return "property-added", BREAKING, known("new-required-request-property-with-default"), text
    return "property-added", BREAKING, known("new-required-request-property"), text


def _required(ctx: Context, name: str, now: bool, *, ignored: bool) -> Found:
    if now:
        text = f"{ctx.direction} property {name!r} is now required"
        if ctx.request and not ignored:
            return "property-became-required", BREAKING, known("request-property-became-required"), text
        oasdiff = "" if ctx.request else known("response-property-became-required")
        return "property-became-required", INFO, oasdiff, text
    text = f"{ctx.direction} property {name!r} is now optional"
    if not ctx.request and not ignored:
        oasdiff = known("response-property-became-optional")
        return "property-became-optional", BREAKING, oasdiff, text + " (may be missing)"
    return (
        "property-became-optional",
        INFO,
        known("request-property-became-optional") if ctx.request else "",
        text,
    )


def _branch(ctx: Context, key: str, event: str, text: str) -> Found:
    """A oneOf/anyOf branch removed (a request shape clients send is refused) or added (a
    response shape the old client does not know: the generated union parser tries only the
    branches it has, so it fails; oasdiff: ERR for oneOf, INFO for anyOf, where we warn)."""
    level = _BRANCH_LEVELS[ctx.direction, event]
    if (ctx.direction, event, key) == ("response", "added", "oneOf"):
        level = BREAKING  # oasdiff response-{body,property}-one-of-added: ERR
    return f"{_of(key)}-{event}", level, schema_id(ctx, f"{_of(key)}-{event}"), text


def _wraps(flat: Schema, wrapper: Schema, key: str) -> bool:
    """`wrapper` holds in a `key` list what `flat` had as its own properties."""
    return (
        isinstance(wrapper.get(key), list)
        and not any(isinstance(flat.get(k), list) for k in ("oneOf", "anyOf"))
        and bool(flat.get("properties"))
        and not wrapper.get("properties")
    )


def _best_branch(flat: Schema, items: list[Any]) -> int | None:
    """The branch most like `flat` (the same component, or at least half alike)."""
    best: tuple[float, int] | None = None
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        same = flat.get(REF_KEY) is not None and item.get(REF_KEY) == flat.get(REF_KEY)
        score = 1.0 if same else branches.similarity(flat, item)
        if best is None or score > best[0]:
            best = (score, index)
    return best[1] if best is not None and best[0] >= 0.5 else None
