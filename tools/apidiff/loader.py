"""Read a spec and resolve it into one self-contained tree the differ can walk.

Every local `$ref` is replaced by its target and every `allOf` is merged into one schema, so a
change inside a shared component shows up at each operation it reaches. A `$ref` that points
back into its own chain (a recursive schema) is left as the `$ref` so the tree stays finite.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Spec = dict[str, Any]


class SpecLoadError(Exception):
    """The spec cannot be read; the message names the file and the problem."""


def load_spec(path: Path, label: str | None = None) -> Spec:
    """Parse `path` and return the resolved spec; errors name `label` (default: the path)."""
    name = label or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecLoadError(f"{name}: cannot read the spec: {exc.strerror}") from exc
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise SpecLoadError(f"{name}{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
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


def resolve(document: Spec) -> Spec:
    """A deep copy of `document` with local `$ref`s inlined and `allOf`s merged."""

    def walk(node: Any, chain: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, chain) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in chain:
                return {"$ref": ref}
            return walk(_lookup(document, ref), (*chain, ref))
        resolved = {key: walk(value, chain) for key, value in node.items()}
        if isinstance(resolved.get("allOf"), list):
            resolved = merge_all_of(resolved)
        return resolved

    result: Spec = walk(copy.deepcopy(document), ())
    return result


def merge_all_of(schema: dict[str, Any]) -> dict[str, Any]:
    """Fold `allOf` parts into one object schema: properties and required lists are unions."""
    merged = {key: value for key, value in schema.items() if key != "allOf"}
    for part in schema["allOf"]:
        if not isinstance(part, dict):
            continue
        if isinstance(part.get("allOf"), list):
            part = merge_all_of(part)
        for key, value in part.items():
            if key == "properties":
                merged.setdefault("properties", {}).update(value)
            elif key == "required":
                merged["required"] = [
                    *merged.get("required", []),
                    *(r for r in value if r not in merged.get("required", [])),
                ]
            else:
                merged.setdefault(key, value)
    return merged
