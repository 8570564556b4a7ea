"""JSON from the server, parsed with a depth limit.

``json.loads`` recurses once per nesting level: a 100,000-deep array from a hostile or broken
server raises ``RecursionError``, and deep data would overflow any recursive code that walks
it later. So the parser's own recursion guard is turned into ``JSONTooDeep`` (a ValueError,
like any other bad JSON), and a parsed document deeper than the limit is refused by an
iterative walk -- skipped outright when the body has too few brackets to nest that deep.
Everything is linear in the size of the body.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "IntegralFloats", "JSONTooDeep", "loads_bounded"]

# The API's deepest documented body (a job with its items) nests 4 levels.
MAX_JSON_DEPTH = 64


class JSONTooDeep(ValueError):
    """The document nests deeper than the limit."""


class IntegralFloats:
    """A ``parse_float`` for :func:`loads_bounded` that notes whether any number written as a
    float (``10.0``, ``1e1``) is integral: the JSON Schema integers that json makes floats.
    The parser calls it for float tokens only, so a body without one costs nothing more."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, text: str) -> float:
        value = float(text)
        if value.is_integer():
            self.seen = True
        return value


def _depth_exceeds(document: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads_bounded(
    content: bytes | str, max_depth: int = MAX_JSON_DEPTH, *, parse_float: IntegralFloats | None = None
) -> Any:
    """``json.loads`` that raises JSONTooDeep instead of recursing past ``max_depth``."""
    try:
        document = json.loads(content, parse_float=parse_float)
    except RecursionError:
        raise JSONTooDeep(f"JSON nests deeper than {max_depth} levels") from None
    raw = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    if raw.count(b"[") + raw.count(b"{") > max_depth and _depth_exceeds(document, max_depth):
        raise JSONTooDeep(f"JSON nests deeper than {max_depth} levels")
    return document
