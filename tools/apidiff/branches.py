"""Pairing the `oneOf` / `anyOf` branches of two versions of a schema.

Specs reorder and insert branches freely (OpenAI inserts five at index 19 of 53), so pairing
by position invents changes and hides real ones. Branches are paired, in this order, by the
component they reference, by discriminator value, by identical content, by similar content
(shared property names, same type), and only then by position among the leftovers of the same
type. What is left is a branch removed or added.
"""

from __future__ import annotations

import json
from typing import Any

from tools.apidiff.keywords import types
from tools.apidiff.loader import REF_KEY, listing, mapping, ref_name

Schema = dict[str, Any]
ANNOTATIONS = frozenset({"description", "title", "example", "examples", "deprecated", "externalDocs"})


def fingerprint(schema: Any, depth: int = 4) -> str:
    """Canonical text of a schema's shape: components by name, annotations left out."""

    def shape(node: Any, level: int) -> Any:
        if isinstance(node, dict):
            if REF_KEY in node and level < depth:
                return {"$ref": node[REF_KEY]}
            if level <= 0:
                return "..."
            return {
                k: shape(v, level - 1)
                for k, v in sorted(node.items())
                if k not in ANNOTATIONS and not k.startswith("x-")
            }
        if isinstance(node, list):
            return [shape(item, level - 1) for item in node]
        return node

    return json.dumps(shape(schema, depth), sort_keys=True, default=str)


def _types(schema: Schema) -> frozenset[str]:
    found = types(schema)
    if found is None:
        return frozenset({"object"}) if "properties" in schema else frozenset()
    return frozenset(found)


def similarity(old: Schema, new: Schema) -> float:
    """0..1: shared property names (Jaccard), else same type and title."""
    old_props, new_props = set(mapping(old, "properties")), set(mapping(new, "properties"))
    if old_props or new_props:
        shared = len(old_props & new_props) / len(old_props | new_props)
        return shared if _types(old) == _types(new) or not (_types(old) and _types(new)) else shared / 2
    same_type = _types(old) == _types(new) and bool(_types(old))
    same_title = old.get("title") is not None and old.get("title") == new.get("title")
    return 0.5 * same_type + 0.5 * same_title


def _discriminator_values(parent: Schema, branches: list[Any]) -> list[str | None]:
    """Each branch's discriminator value: the mapping's, the component name, or a const."""
    discriminator = parent.get("discriminator")
    if not isinstance(discriminator, dict):
        return [None] * len(branches)
    name = discriminator.get("propertyName")
    by_ref = {str(v): str(k) for k, v in mapping(discriminator, "mapping").items()}
    values: list[str | None] = []
    for branch in branches:
        value: str | None = None
        if isinstance(branch, dict):
            ref = branch.get(REF_KEY)
            prop = mapping(branch, "properties").get(name) if name else None
            if isinstance(ref, str):
                value = by_ref.get(ref, ref_name(ref))
            if isinstance(prop, dict):
                enum = prop.get("enum")
                if "const" in prop:
                    value = str(prop["const"])
                elif isinstance(enum, list) and len(enum) == 1:
                    value = str(enum[0])
        values.append(value)
    return values


Pairs = list[tuple[int, int]]


def match(old_parent: Schema, new_parent: Schema, key: str) -> tuple[Pairs, list[int], list[int]]:
    """(paired (old index, new index), unpaired old indexes, unpaired new indexes)."""
    before, after = listing(old_parent, key), listing(new_parent, key)
    left_old, left_new = list(range(len(before))), list(range(len(after)))
    pairs: Pairs = []

    def pair_by(olds: list[str | None], news: list[str | None]) -> None:
        for i in list(left_old):
            if olds[i] is None:
                continue
            for j in left_new:
                if news[j] == olds[i]:
                    pairs.append((i, j))
                    left_old.remove(i)
                    left_new.remove(j)
                    break

    def refs(items: list[Any]) -> list[str | None]:
        return [item.get(REF_KEY) if isinstance(item, dict) else None for item in items]

    def contents(items: list[Any]) -> list[str | None]:
        return [fingerprint(item) if isinstance(item, dict) else None for item in items]

    pair_by(refs(before), refs(after))
    pair_by(_discriminator_values(old_parent, before), _discriminator_values(new_parent, after))
    pair_by(contents(before), contents(after))
    # Similar content: the best-scoring pair first, each at least half alike.
    scored = sorted(
        (
            (similarity(before[i], after[j]), i, j)
            for i in left_old
            for j in left_new
            if isinstance(before[i], dict) and isinstance(after[j], dict)
        ),
        reverse=True,
    )
    for score, i, j in scored:
        if score >= 0.5 and i in left_old and j in left_new:
            pairs.append((i, j))
            left_old.remove(i)
            left_new.remove(j)
    # Position, as a last resort: one inline branch left on each side, of the same type, is
    # that branch edited beyond recognition rather than one removed and another added.
    if len(left_old) == len(left_new) == 1:
        a, b = before[left_old[0]], after[left_new[0]]
        inline = isinstance(a, dict) and isinstance(b, dict) and REF_KEY not in a and REF_KEY not in b
        if inline and _types(a) == _types(b):
            pairs.append((left_old.pop(), left_new.pop()))
    return sorted(pairs, key=lambda p: p[1]), left_old, left_new


def label(branch: Any, index: int) -> str:
    """How a branch is named in a message: its component, else its position and type."""
    if isinstance(branch, dict):
        if isinstance(branch.get(REF_KEY), str):
            return ref_name(branch[REF_KEY])
        kinds = "/".join(sorted(_types(branch))) or "schema"
        return f"#{index} ({kinds})"
    return f"#{index}"
