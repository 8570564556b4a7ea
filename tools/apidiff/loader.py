"""Read a spec and resolve it into one graph the differ can walk.

Every local `$ref` is replaced by its target and every `allOf` is merged into one schema, so a
change inside a shared component shows up wherever it is used. Each referenced node is
resolved exactly once and the same object is shared by every reference to it: the result is
linear in the size of the spec, and a reference cycle (a recursive schema, or a cluster of
schemas that reference each other) becomes a cycle of Python objects instead of an infinite
or exponential tree. Resolved reference targets carry their `$ref` under REF_KEY (the differ
matches `oneOf` branches and groups findings by it); merged schemas list their `allOf` parts
under ALL_OF_KEY. Nothing downstream mutates the shared nodes.

YAML lets mapping keys be numbers, booleans or dates (`200:` for a status code); JSON, which
OpenAPI is defined over, does not. They are turned into the strings a JSON reader would see,
as oasdiff does, and so are date values.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tools.spec_file import SpecError, read_spec_document

Spec = dict[str, Any]
REF_KEY = "x-apidiff-ref"  # on a resolved reference target: the `$ref` that named it
ALL_OF_KEY = "x-apidiff-all-of"  # on a merged schema: its parts, by `$ref` or "inline N"
# On a merged schema: each part's content as written (a `$ref` part: its target's), so a part
# moved between inline and a named component with the same content is no change.
ALL_OF_SHAPES_KEY = "x-apidiff-all-of-shapes"
_PRIVATE = (REF_KEY, ALL_OF_KEY, ALL_OF_SHAPES_KEY)
# Values that are data, not schema: a `$ref` key inside an example is part of the example.
LITERAL_KEYS = frozenset({"example", "default", "enum", "const"})
# Mappings whose keys are names (a property may well be called "default" or "example").
NAMED_MAPPINGS = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "paths", "responses"}
    | {"content", "headers", "callbacks", "links", "encoding", "variables", "mapping"}
)


class SpecLoadError(Exception):
    """The spec cannot be read; the message names the file and the problem."""


def _json_key(key: object) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, datetime.date):
        return key.isoformat()
    return str(key)


def normalise(node: Any) -> tuple[Any, int]:
    """`node` with every mapping key a string and dates as ISO strings; also returns how many
    keys were not strings. New containers throughout (YAML anchors become copies)."""
    changed = 0

    def walk(item: Any) -> Any:
        nonlocal changed
        if isinstance(item, dict):
            result: dict[str, Any] = {}
            for key, value in item.items():
                if not isinstance(key, str):
                    changed += 1
                result[key if isinstance(key, str) else _json_key(key)] = walk(value)
            return result
        if isinstance(item, list):
            return [walk(value) for value in item]
        if isinstance(item, datetime.date):
            return item.isoformat()
        return item

    return walk(node), changed


def read_document(path: Path, label: str | None = None) -> tuple[Spec, int]:
    """The parsed, normalised document and its count of non-string keys."""
    name = label or str(path)
    try:
        raw = read_spec_document(path, name)
    except SpecError as exc:
        raise SpecLoadError(str(exc)) from exc.__cause__
    if not isinstance(raw, dict) or "openapi" not in raw:
        raise SpecLoadError(f"{name}: not an OpenAPI document (no top-level `openapi` key)")
    document, changed = normalise(raw)
    if not isinstance(document.get("paths", {}), dict):
        raise SpecLoadError(f"{name}: `paths` is not a mapping")
    return document, changed


def resolve_document(document: Spec, name: str) -> Spec:
    try:
        return resolve(document)
    except KeyError as exc:
        raise SpecLoadError(f"{name}: unresolvable $ref {exc.args[0]!r}") from exc


def load_spec(path: Path, label: str | None = None) -> Spec:
    """Parse `path` and return the resolved spec; errors name `label` (default: the path)."""
    document, _ = read_document(path, label)
    return resolve_document(document, label or str(path))


def lookup(document: Spec, ref: str) -> Any:
    """The node the local reference `ref` (`#/components/schemas/Pet`) names; KeyError if none.

    A segment is also tried percent-decoded (`#/paths/~1pets~1%7Bid%7D`: the reference is a
    URI fragment), after the segment as written (a name may well contain `%`)."""
    if not ref.startswith("#/"):
        raise KeyError(ref)  # only local refs: the vendor ships one self-contained file
    node: Any = document
    for written in ref[2:].split("/"):
        part = written.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part not in node and "%" in part:
            part = unquote(written).replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(ref)
    return node


def references(
    node: Any, parts: tuple[Any, ...] = (), named: bool = False
) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every `$ref` in `node` that is a reference: the ones the resolver
    follows, not a `$ref` key inside example or default data, nor a property named `$ref`."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from references(item, (*parts, index))
    elif isinstance(node, dict):
        for key, value in node.items():
            if named:  # keys are names, values are objects
                yield from references(value, (*parts, key))
            elif key == "$ref":
                yield parts, value
            elif not (key in LITERAL_KEYS or str(key).startswith("x-")):
                yield from references(value, (*parts, key), named=key in NAMED_MAPPINGS)


def mapping(node: dict[str, Any], key: str) -> dict[str, Any]:
    """`node[key]` when it is a mapping, else an empty one (specs in the wild are untidy)."""
    value = node.get(key)
    return value if isinstance(value, dict) else {}


def listing(node: dict[str, Any], key: str) -> list[Any]:
    """`node[key]` when it is a list, else an empty one (`required: true` is seen too)."""
    value = node.get(key)
    return value if isinstance(value, list) else []


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def ref_name(ref: str) -> str:
    """The last segment of a `$ref`: `#/components/schemas/Pet` -> `Pet`."""
    return ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")


def _all_of_shapes(parts: list[Any], document: Spec) -> list[str]:
    """Each allOf part's content as written, annotations left out: an inline part, or the
    target of a `$ref` part (its own nested `$ref`s stay names)."""
    shapes: list[str] = []
    for part in parts:
        ref = part.get("$ref") if isinstance(part, dict) else None
        try:
            content = lookup(document, ref) if isinstance(ref, str) else part
        except KeyError:
            content = part
        if isinstance(content, dict):
            content = {k: v for k, v in content.items() if k not in _ANNOTATIONS and not k.startswith("x-")}
        shapes.append(json.dumps(content, sort_keys=True, default=str))
    return shapes


_ANNOTATIONS = frozenset({"description", "title", "example", "examples", "externalDocs"})


def _all_of_labels(parts: list[Any]) -> list[str]:
    """A name per `allOf` part: its `$ref`, or `inline N` counting inline parts only (so a
    part inserted before an inline one does not rename it)."""
    labels: list[str] = []
    inline = 0
    for part in parts:
        ref = part.get("$ref") if isinstance(part, dict) else None
        if isinstance(ref, str):
            labels.append(ref)
        else:
            inline += 1
            labels.append(f"inline {inline}")
    return labels


class RefResolver:
    """Resolves one document; `expansions` counts the reference targets walked (once each)."""

    def __init__(self, document: Spec) -> None:
        self.document = document
        self.expansions = 0
        self._done: dict[str, Any] = {}  # ref -> its resolved node (shared)
        self._aliasing: set[str] = set()  # refs whose target is itself a bare $ref, in progress
        # Nodes not filled in yet: a component being expanded up the stack, or an allOf merge
        # that waits for one. Merging reads its parts, so it must wait until they are filled.
        self._unfilled: set[int] = set()
        self._deferred: list[tuple[dict[str, Any], dict[str, Any]]] = []

    def resolve(self) -> Spec:
        result: Spec = {
            key: self._value(key, value) for key, value in self.document.items() if key != "components"
        }
        components = self.document.get("components")
        if isinstance(components, dict):
            # Through _expand, so that a component and every reference to it are one object.
            result["components"] = {
                kind: {name: self._expand(f"#/components/{kind}/{_escape(str(name))}") for name in group}
                if isinstance(group, dict)
                else self._walk(group)
                for kind, group in components.items()
            }
        self._finish_deferred()
        return result

    def _walk(self, node: Any, named: bool = False) -> Any:
        if isinstance(node, list):
            return [self._walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if named:  # keys are names, values are objects
            return {key: self._walk(value) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._expand(ref)  # siblings of a $ref are annotations: ignored
        resolved = {key: self._value(key, value) for key, value in node.items()}
        if isinstance(node.get("allOf"), list):
            resolved[ALL_OF_KEY] = _all_of_labels(node["allOf"])
            resolved[ALL_OF_SHAPES_KEY] = _all_of_shapes(node["allOf"], self.document)
            return self._merge(resolved, {})
        return resolved

    def _value(self, key: str, value: Any) -> Any:
        if key in LITERAL_KEYS or key.startswith("x-"):
            return value
        return self._walk(value, named=key in NAMED_MAPPINGS)

    def _expand(self, ref: str) -> Any:
        if ref in self._done:
            return self._done[ref]
        target = lookup(self.document, ref)
        if isinstance(target, dict) and isinstance(target.get("$ref"), str):
            if ref in self._aliasing:  # a cycle of bare aliases names nothing
                return {"$ref": ref}
            self._aliasing.add(ref)
            try:
                self._done[ref] = self._expand(target["$ref"])
            finally:
                self._aliasing.discard(ref)
            return self._done[ref]
        if not isinstance(target, dict):
            self._done[ref] = self._walk(target)
            return self._done[ref]
        self.expansions += 1
        node: dict[str, Any] = {}  # filled below; references met on the way get this object
        self._done[ref] = node
        self._unfilled.add(id(node))
        resolved = {key: self._value(key, value) for key, value in target.items()}
        resolved[REF_KEY] = ref
        if isinstance(target.get("allOf"), list):
            resolved[ALL_OF_KEY] = _all_of_labels(target["allOf"])
            resolved[ALL_OF_SHAPES_KEY] = _all_of_shapes(target["allOf"], self.document)
            self._merge(resolved, node)
        else:
            self._fill(node, resolved)
        return node

    def _fill(self, node: dict[str, Any], content: dict[str, Any]) -> None:
        node.update(content)
        self._unfilled.discard(id(node))

    def _merge(self, resolved: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
        """Merge `resolved`'s allOf into `node` now, or once the parts it names are filled."""
        parts = resolved["allOf"]
        if any(isinstance(part, dict) and id(part) in self._unfilled for part in parts):
            self._unfilled.add(id(node))
            self._deferred.append((node, resolved))
        else:
            self._fill(node, merge_all_of(resolved))
        return node

    def _finish_deferred(self) -> None:
        while self._deferred:
            ready = [
                item
                for item in self._deferred
                if not any(isinstance(p, dict) and id(p) in self._unfilled for p in item[1]["allOf"])
            ]
            if not ready:  # allOf parts that wait on each other (a schema that is its own part)
                node, resolved = self._deferred.pop(0)
                parts = [
                    p for p in resolved["allOf"] if not (isinstance(p, dict) and id(p) in self._unfilled)
                ]
                self._fill(node, merge_all_of({**resolved, "allOf": parts}))
                continue
            for item in ready:
                self._deferred.remove(item)
                self._fill(item[0], merge_all_of(item[1]))


def resolve(document: Spec) -> Spec:
    """`document` with local `$ref`s resolved and `allOf`s merged (new containers throughout;
    one shared object per reference target)."""
    return RefResolver(document).resolve()


def merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """Fold `allOf` parts into one object schema: properties and required lists are unions.
    The parts' own REF_KEY / ALL_OF_KEY stay theirs."""
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("allOf"), list):
            part = merge_all_of(part)
        for key, value in part.items():
            if key in _PRIVATE:
                continue
            if key == "properties" and isinstance(value, dict):  # a new dict: parts may be shared
                merged["properties"] = {**mapping(merged, "properties"), **value}
            elif key == "required" and isinstance(value, list):
                have = list(listing(merged, "required"))
                merged["required"] = [*have, *(r for r in value if r not in have)]
            else:
                merged.setdefault(key, value)
    return merged
