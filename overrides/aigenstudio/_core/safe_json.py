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
import threading
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "JSONTooDeep", "loads_bounded", "loads_noting_integral_floats"]

# The API's deepest documented body (a job with its items) nests 4 levels.
MAX_JSON_DEPTH = 64


class JSONTooDeep(ValueError):
    """The document nests deeper than the limit."""


class _FloatNotes(threading.local):
    """Whether the decode running in this thread met an integral float token."""

    integral = False


_NOTES = _FloatNotes()


def _noted_float(text: str) -> float:
    value = float(text)
    if value.is_integer():
        _NOTES.integral = True
    return value


# One decoder for every response (json.loads with parse_float= builds a new one per call);
# the parser calls _noted_float for float tokens only, so a body without one costs nothing more.
_NOTING_DECODER = json.JSONDecoder(parse_float=_noted_float)


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


def _check_depth(document: Any, raw: bytes, max_depth: int) -> None:
    if raw.count(b"[") + raw.count(b"{") > max_depth and _depth_exceeds(document, max_depth):
        raise JSONTooDeep(f"JSON nests deeper than {max_depth} levels")


def _as_bytes(content: bytes | str) -> bytes:
    return content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")


def loads_bounded(content: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that raises JSONTooDeep instead of recursing past ``max_depth``."""
    try:
        document = json.loads(content)
    except RecursionError:
        raise JSONTooDeep(f"JSON nests deeper than {max_depth} levels") from None
    _check_depth(document, _as_bytes(content), max_depth)
    return document


def loads_noting_integral_floats(content: bytes, max_depth: int = MAX_JSON_DEPTH) -> tuple[Any, bool]:
    """:func:`loads_bounded` of a body, and whether any number it writes as a float (``10.0``,
    ``1e1``) is integral: the JSON Schema integers that json makes floats."""
    text = content.decode(json.detect_encoding(content), "surrogatepass")  # as json.loads does
    _NOTES.integral = False
    try:
        document = _NOTING_DECODER.decode(text)
    except RecursionError:
        raise JSONTooDeep(f"JSON nests deeper than {max_depth} levels") from None
    _check_depth(document, content, max_depth)
    return document, _NOTES.integral
