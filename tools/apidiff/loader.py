"""Read a spec and resolve it into one self-contained tree the differ can walk.

Every local `$ref` is replaced by its target and every `allOf` is merged into one schema, so a
change inside a shared component shows up at each operation it reaches. A `$ref` that points
back into its own chain (a recursive schema) is left as the `$ref` so the tree stays finite.

Each component is resolved once and the result is shared wherever it is referenced, so the
result is a DAG linear in the size of the spec (inlining copies would be exponential when
schemas reference earlier schemas in chains). Nothing downstream mutates the shared nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tools.generate import SpecError, read_spec_document

Spec = dict[str, Any]


class SpecLoadError(Exception):
    """The spec cannot be read; the message names the file and the problem."""


def load_spec(path: Path, label: str | None = None) -> Spec:
    """Parse `path` and return the resolved spec; errors name `label` (default: the path)."""
    name = label or str(path)
    try:
        document = read_spec_document(path, name)
    except SpecError as exc:
        raise SpecLoadError(str(exc)) from exc.__cause__
    if not isinstance(document, dict) or "openapi" not in document:
        raise SpecLoadError(f"{name}: not an OpenAPI document (no top-level `openapi` key)")
    if not isinstance(document.get("paths", {}), dict):
        raise SpecLoadError(f"{name}: `paths` is not a mapping")
    try:
        return resolve(document)
    except KeyError as exc:
        raise SpecLoadError(f"{name}: unresolvable $ref {exc.args[0]!r}") from exc


def _lookup(document: Spec, ref: str) -> Any:
    if not ref.startswith("#/"):
        raise KeyError(ref)  # only local refs: the vendor ships one self-contained file
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise KeyError(ref)
        node = node[part]
    return node


def _refs_in(node: Any) -> Iterator[str]:
    """The `$ref`s the resolver follows from `node`, without following them."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref  # siblings of a $ref are ignored, as in the walk
            else:
                stack.extend(item.values())


def _cycles(document: Spec) -> dict[str, frozenset[str]]:
    """ref -> the refs on a reference cycle with it (its strongly connected component).

    Iterative Tarjan over the ref graph; refs on no cycle map to an empty set.
    """
    edges: dict[str, list[str]] = {}
    pending = list(dict.fromkeys(_refs_in(document)))
    while pending:
        ref = pending.pop()
        if ref not in edges:
            edges[ref] = list(dict.fromkeys(_refs_in(_lookup(document, ref))))
            pending.extend(edges[ref])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: dict[str, frozenset[str]] = {}
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            ref, position = work.pop()
            if position == 0:
                index[ref] = low[ref] = len(index)
                stack.append(ref)
                on_stack.add(ref)
            targets = edges[ref]
            if position > 0:  # back from targets[position - 1]
                low[ref] = min(low[ref], low[targets[position - 1]])
            while position < len(targets) and targets[position] in index:
                if targets[position] in on_stack:
                    low[ref] = min(low[ref], index[targets[position]])
                position += 1
            if position < len(targets):
                work += [(ref, position + 1), (targets[position], 0)]
                continue
            if low[ref] == index[ref]:
                members: list[str] = []
                while not members or members[-1] != ref:
                    members.append(stack.pop())
                    on_stack.discard(members[-1])
                cyclic = len(members) > 1 or ref in edges[ref]
                for member in members:
                    groups[member] = frozenset(members) if cyclic else frozenset()
    return groups


class RefResolver:
    """Resolves one document; `expansions` counts how often a `$ref` target was walked."""

    def __init__(self, document: Spec) -> None:
        self.document = document
        self.expansions = 0
        self._cycles = _cycles(document)
        # A resolved ref depends only on which refs of its own cycle are already being
        # expanded above it (those are left as `$ref`), so that set is part of the key.
        self._cache: dict[tuple[str, frozenset[str]], Any] = {}

    def resolve(self) -> Spec:
        result: Spec = self._walk(self.document, ())
        return result

    def _walk(self, node: Any, chain: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._walk(item, chain) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._expand(ref, chain)
        resolved = {key: self._walk(value, chain) for key, value in node.items()}
        if isinstance(resolved.get("allOf"), list):
            resolved = merge_all_of(resolved)
        return resolved

    def _expand(self, ref: str, chain: tuple[str, ...]) -> Any:
        if ref in chain:
            return {"$ref": ref}
        cycle = self._cycles[ref]
        key = (ref, frozenset(link for link in chain if link in cycle))
        if key not in self._cache:
            self.expansions += 1
            self._cache[key] = self._walk(_lookup(self.document, ref), (*chain, ref))
        return self._cache[key]


def resolve(document: Spec) -> Spec:
    """`document` with local `$ref`s resolved and `allOf`s merged (new containers throughout;
    one shared object per resolved component)."""
    return RefResolver(document).resolve()


def merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """Fold `allOf` parts into one object schema: properties and required lists are unions."""
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("allOf"), list):
            part = merge_all_of(part)
        for key, value in part.items():
            if key == "properties":  # a new dict: the parts may be shared components
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = [
                    *merged.get("required", []),
                    *(r for r in value if r not in merged.get("required", [])),
                ]
            else:
                merged.setdefault(key, value)
    return merged
