"""Copies of requests, responses and URLs that are safe to keep in an error, a log or a pickle.

An error outlives the call: callers log it, send it to error trackers, pickle it across a
process pool. So an error never holds the live ``httpx.Request`` (its ``Authorization``
header carries the key): it holds a copy with every secret-bearing header replaced and the
URL's userinfo removed. The copy keeps what a reader needs to debug: method, URL, the other
headers (request id, idempotency key) and the body.
"""

from __future__ import annotations

import re

import httpx

from .api_facts import WEBHOOK_SIGNATURE_HEADER

__all__ = [
    "ENCODING_HEADERS",
    "REDACTED",
    "SECRET_HEADERS",
    "fields_repr",
    "redact_url_text",
    "redacted_request",
    "redacted_response",
    "safe_url",
]

REDACTED = "[redacted]"
# Headers whose value is a credential, in either direction.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        WEBHOOK_SIGNATURE_HEADER.lower(),
    }
)
# Headers that describe the bytes on the wire, not a decoded body held in memory.
ENCODING_HEADERS = (b"content-encoding", b"transfer-encoding", b"content-length")
# "scheme://user:password@" in free text (a URL that may not even parse).
# Up to the last "@" before the path: a password may itself hold "@", "?" or "#".
_USERINFO_TEXT = re.compile(r"(?<=://)[^/\s]*@")


def fields_repr(obj: object, *names: str) -> str:
    """``Type(name=value, ...)`` for the chosen (non-secret) attributes; an attribute not set
    yet shows as ``<unset>``, so a half-built object (a failed ``__init__``, as a traceback
    with locals prints it) still has a repr."""
    shown = ", ".join(f"{name}={getattr(obj, name, '<unset>')!r}" for name in names)
    return f"{type(obj).__name__}({shown})"


def redact_url_text(text: str) -> str:
    """``text`` with the userinfo of every URL in it replaced: safe to quote in a message."""
    return _USERINFO_TEXT.sub(f"{REDACTED}@", text)


def safe_url(url: httpx.URL) -> httpx.URL:
    """``url`` without userinfo (the only part of a URL that can carry a password)."""
    return url.copy_with(userinfo=b"") if url.userinfo else url


def _safe_headers(headers: httpx.Headers) -> list[tuple[bytes, bytes]]:
    # Raw bytes: a value that is not ASCII (a hostile server's) must not fail the copy.
    return [
        (name, REDACTED.encode() if name.decode("latin-1").lower() in SECRET_HEADERS else value)
        for name, value in headers.raw
    ]


def redacted_request(request: httpx.Request) -> httpx.Request:
    """A detached copy of ``request`` with secrets removed (no extensions, body only if read)."""
    try:
        content: bytes | None = request.content
    except httpx.RequestNotRead:  # a streamed body: not ours to consume
        content = None
    copy = httpx.Request(
        request.method, safe_url(request.url), headers=_safe_headers(request.headers), content=content
    )
    if content is None:  # no body given: keep the copy free of a Content-Length it never had
        copy.headers.pop("content-length", None)
    return copy


def redacted_response(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    """A detached copy of a read ``response`` bound to the redacted ``request``."""
    headers = [
        (name, value)
        for name, value in _safe_headers(response.headers)
        # The copy holds decoded bytes: the encoding headers would describe other bytes.
        if name.lower() not in ENCODING_HEADERS
    ]
    extensions = {k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")}
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=response.content,
        request=request,
        extensions=extensions,
    )
