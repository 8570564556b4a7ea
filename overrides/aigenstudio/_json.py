"""JSON from the server, parsed with a depth limit.

``json.loads`` recurses once per nesting level: a 100,000-deep array from a hostile or broken
server raises ``RecursionError`` (and deep data would later overflow any recursive code that
walks it). The depth is measured before parsing, on the brackets outside strings.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_JSON_DEPTH", "JSONTooDeep", "loads_bounded"]

# The API's deepest documented body (a job with its items) nests 4 levels.
MAX_JSON_DEPTH = 64

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_INNERMOST = re.compile(rb"\[\]|\{\}")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class JSONTooDeep(ValueError):
    """The document nests deeper than the limit (a ValueError, like any other bad JSON)."""


def _too_deep(content: bytes, max_depth: int) -> bool:
    # Fast path: fewer opening brackets than the limit cannot nest beyond it.
    if content.count(b"[") + content.count(b"{") <= max_depth:
        return False
    brackets = _STRING.sub(b"", content).translate(None, _NOT_BRACKETS)
    # Each pass removes the innermost pairs, i.e. exactly one level of a balanced document.
    for _ in range(max_depth):
        brackets, removed = _INNERMOST.subn(b"", brackets)
        if not brackets or not removed:
            return False  # empty: shallow enough; stuck: unbalanced, json.loads reports it
    return bool(brackets)


def loads_bounded(content: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that raises JSONTooDeep instead of recursing past ``max_depth``."""
    raw = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    if _too_deep(raw, max_depth):
        raise JSONTooDeep(f"JSON nests deeper than {max_depth} levels")
    return json.loads(content)
