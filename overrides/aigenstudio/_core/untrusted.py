"""Text the server chose, made safe to put in an error, a log line or ``last_request_id``.

A hostile or broken server controls the error envelope and the request-id header: without
care it can forge log lines (a newline in a message), drive a terminal (escape sequences)
or hand callers a megabyte "request id". Messages keep their words with control characters
escaped and a length cap; a request id is taken only when it looks like one.
"""

from __future__ import annotations

import re

__all__ = ["MAX_SERVER_TEXT", "server_request_id", "server_text"]

MAX_SERVER_TEXT = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Visible ASCII, at most 160 characters: the documented limit for request ids, both ways.
_REQUEST_ID = re.compile(r"[\x21-\x7e]{1,160}")


def server_text(text: str, limit: int = MAX_SERVER_TEXT) -> str:
    """``text`` with control characters escaped (``\\n`` -> ``\\x0a``) and cut at ``limit``."""
    escaped = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return escaped if len(escaped) <= limit else escaped[: limit - 1] + "…"


def server_request_id(value: object) -> str | None:
    """``value`` if it can be a request id (1-160 visible ASCII characters), else None."""
    if isinstance(value, str) and _REQUEST_ID.fullmatch(value):
        return value
    return None
