"""Rules the API documents in prose, stricter than its schema (README: client-only rules).

Today one: a ``webhook_url`` must be a public HTTPS URL. The rule applies wherever the
request schema puts a field of that name, found once per operation by walking the schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .._core.redaction import redact_url_text
from .public_url import public_https_url_problem
from .schema import Invalid, PathPart, render_path

__all__ = ["RulePath", "documented_problem", "rule_paths"]

_DOCUMENTED_RULES = {"webhook_url": public_https_url_problem}
# Resolves a {"$ref": ...} node of the spec (the contract's own dereferencing).
Deref = Callable[[Any], Any]

# A path in a body to a field a documented rule applies to; "*" stands for any list index.
RulePath = tuple[str, ...]


def rule_paths(
    schema: Any, deref: Deref, prefix: RulePath = (), seen: frozenset[str] = frozenset()
) -> list[RulePath]:
    """Where in a body matching ``schema`` a field with a documented rule can be."""
    ref = schema.get("$ref") if isinstance(schema, Mapping) else None
    if isinstance(ref, str):
        return [] if ref in seen else rule_paths(deref(schema), deref, prefix, seen | {ref})
    if not isinstance(schema, Mapping) or len(prefix) > 16:
        return []
    found: list[RulePath] = []
    for name, sub in (schema.get("properties") or {}).items():
        if name in _DOCUMENTED_RULES:
            found.append((*prefix, name))
        found += rule_paths(sub, deref, (*prefix, name), seen)
    if isinstance(schema.get("items"), Mapping):
        found += rule_paths(schema["items"], deref, (*prefix, "*"), seen)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or ():
            found += rule_paths(sub, deref, prefix, seen)
    return sorted(set(found))


def documented_problem(body: Any, paths: list[RulePath]) -> Invalid | None:
    """The API's documented prose rules (public https ``webhook_url``) at their schema paths."""
    for path in paths:
        nodes: list[tuple[Any, list[PathPart]]] = [(body, [])]
        for step in path:
            if step == "*":
                nodes = [
                    (item, [*at, i])
                    for node, at in nodes
                    if isinstance(node, list)
                    for i, item in enumerate(node)
                ]
            else:
                nodes = [
                    (node[step], [*at, step]) for node, at in nodes if isinstance(node, dict) and step in node
                ]
        for value, at in nodes:
            problem = _DOCUMENTED_RULES[path[-1]](value) if isinstance(value, str) else None
            if problem is not None:
                shown = redact_url_text(value)
                shown = shown if len(shown) <= 40 else shown[:37] + "..."
                field = render_path("body", at)
                return Invalid(field, f"{problem} (the API only calls public HTTPS URLs)", repr(shown))
    return None
