"""ECMA-262 regular expressions (OpenAPI's `pattern` dialect) read by Python's `re`.

JSON Schema defines `pattern` in ECMA-262 syntax, and real specs use what JavaScript accepts
but Python refuses: a dash beside a class escape (`[\\w-./:]`, a literal dash in JavaScript,
a bad range in Python), `\\/`, `\\u{...}`, `\\cX`, named groups without the `P`, `[^]`. The
translation is only for checking that a pattern compiles; the differ compares patterns as text.
"""

from __future__ import annotations

import re
import warnings

_CLASS_ESCAPES = frozenset("dDwWsS")
_PYTHON_ESCAPES = frozenset("dDwWsSbBAZntrfvx0123456789uU")


def _escape(pattern: str, index: int) -> tuple[str, int]:
    """The Python spelling of the escape at `index` (a backslash) and where the next atom starts."""
    nxt = pattern[index + 1]
    if nxt == "u" and pattern.startswith("{", index + 2):
        end = pattern.find("}", index + 3)
        if end > 0:
            try:
                return f"\\U{int(pattern[index + 3 : end], 16):08x}", end + 1
            except ValueError:
                pass
    if nxt == "c" and index + 2 < len(pattern) and pattern[index + 2].isalpha():
        return f"\\x{ord(pattern[index + 2]) % 32:02x}", index + 3
    if nxt == "k" and pattern.startswith("<", index + 2):
        end = pattern.find(">", index + 3)
        if end > 0:
            return f"(?P={pattern[index + 3 : end]})", end + 1
    if nxt.isalpha() and nxt not in _PYTHON_ESCAPES and nxt not in "pP":
        return re.escape(nxt), index + 2  # an identity escape in JavaScript: the letter itself
    if not nxt.isalnum():
        return re.escape(nxt), index + 2  # `\/`, `\-`, ...: the character itself
    return pattern[index : index + 2], index + 2


def to_python(pattern: str) -> str:
    """`pattern` with the ECMA-262 spellings Python lacks rewritten."""
    out: list[str] = []
    index, in_class, class_start, after_class_escape = 0, False, False, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            text, index = _escape(pattern, index)
            out.append(text)
            after_class_escape = (
                in_class and pattern[index - 1] in _CLASS_ESCAPES and text[1:] in _CLASS_ESCAPES
            )
            class_start = False
            continue
        if in_class:
            if char == "]" and not class_start:
                in_class = False
            elif char == "-" and not class_start:
                ahead = pattern[index + 1 : index + 3]
                if after_class_escape or (ahead[:1] == "\\" and ahead[1:] in _CLASS_ESCAPES):
                    char = "\\-"  # JavaScript reads it literally, Python as a bad range
            elif char == "[":
                char = "\\["  # literal in JavaScript, a future set operation in Python
            out.append(char)
            class_start = after_class_escape = False
            index += 1
            continue
        if pattern.startswith("[^]", index):
            out.append("[\\s\\S]")
            index += 3
            continue
        if pattern.startswith("[]", index):
            out.append("(?!)")  # matches nothing, as in JavaScript
            index += 2
            continue
        if char == "[":
            in_class, class_start = True, True
            out.append(char)
            if pattern.startswith("^", index + 1):
                out.append("^")
                index += 1
            index += 1
            continue
        if pattern.startswith("(?<", index) and pattern[index + 3 : index + 4] not in ("=", "!"):
            out.append("(?P<")
            index += 3
            continue
        out.append(char)
        index += 1
    return "".join(out)


def compiles(pattern: str) -> bool:
    """Whether `pattern` is a regular expression Python can run (after translation)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for candidate in (pattern, to_python(pattern)):
            try:
                re.compile(candidate)
                return True
            except re.error:
                continue
    return False
