"""Text the server chose, made safe to put in an error, a log line or ``last_request_id``.

A hostile or broken server controls the error envelope and the request-id header: without
care it can forge log lines (a newline in a message), drive a terminal (escape sequences)
or hand callers a megabyte "request id". Messages keep their words with control characters
escaped and a length cap; a request id is taken only when it looks like one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .api_facts import REQUEST_ID_HEADER, REQUEST_ID_MAX_LENGTH

__all__ = ["MAX_SERVER_TEXT", "inert_text", "response_request_id", "server_request_id", "server_text"]

MAX_SERVER_TEXT = 1000
# C0 and C1 controls (ESC, BEL, CR, CSI...), DEL, the Unicode line and paragraph separators,
# the bidi controls that reorder what a terminal shows (U+202E writes the rest backwards), and
# lone surrogates (a JSON "\ud800": no UTF-8 stream, terminal or log file can encode one).
_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# Visible ASCII, at most the documented length of a request id (the same limit both ways).
_REQUEST_ID = re.compile(rf"[\x21-\x7e]{{1,{REQUEST_ID_MAX_LENGTH}}}")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def inert_text(text: str) -> str:
    """``text`` with control and bidi characters and lone surrogates escaped (``\\n`` ->
    ``\\x0a``, U+202E -> ``\\u202e``): safe to print to a terminal or write as one log line
    in UTF-8, words kept."""
    return _CONTROL.sub(_escape, text)


def server_text(text: str, limit: int = MAX_SERVER_TEXT) -> str:
    """:func:`inert_text` of ``text``, cut at ``limit`` characters."""
    escaped = inert_text(text)
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def server_request_id(value: object) -> str | None:
    """``value`` if it can be a request id (1-160 visible ASCII characters), else None."""
    if isinstance(value, str) and _REQUEST_ID.fullmatch(value):
        return value
    return None


def response_request_id(headers: Mapping[str, str]) -> str | None:
    """The ``X-Request-Id`` a response's ``headers`` carry, if it can be a request id."""
    return server_request_id(headers.get(REQUEST_ID_HEADER))
