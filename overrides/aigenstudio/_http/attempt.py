"""One attempt's limits, a deadline and a size cap, and the response body read within them.

- **Deadline.** httpx's timeouts bound each network operation, so a server that drips a byte
  every half second never trips a 2 s read timeout. Here the client's timeout (the largest of
  its connect/read/write/pool values) bounds the whole attempt, body included, and never
  runs past the call's own deadline (``RetryPolicy.total_timeout``, a helper's
  ``time_budget``). The sending transport runs async attempts under a cancel scope, sync
  ones under ``deadline.attempt_deadline`` (every socket operation of the default pool is
  clamped to it); every phase's timeout is shrunk to the time left (for a caller's own
  transport) and the clock is checked between body chunks.
- **Size.** The body is decoded by ``inflate`` (every Content-Encoding layer, a bounded slice
  at a time; an encoding it cannot bound is refused) and refused past ``max_response_size``
  decoded bytes, so a small compressed bomb cannot inflate until memory runs out. The
  response handed up is a plain in-memory ``ReadResponse`` (encoding headers removed).

Failures are httpx exceptions (``ReadTimeout``, ``DecodingError``): the retry policy sees
ordinary transport failures, and the sending transport types them at the end.
"""

from __future__ import annotations

import math
import time
from typing import Any

import httpx

from .._core.redaction import ENCODING_HEADERS
from .deadline import EXPIRED
from .inflate import decoder_for, too_large

__all__ = ["DEFAULT_MAX_RESPONSE_SIZE", "Attempt", "ReadResponse", "aread_body", "read_body"]

# The largest documented response (a 20-item job with three 2 KB URLs per item) is about
# 150 KB; 8 MiB leaves ample room and still bounds what a hostile server can make us hold.
DEFAULT_MAX_RESPONSE_SIZE = 8 * 1024 * 1024
_TIMEOUTS_EXTENSION = "aigenstudio.timeouts"  # the caller's timeouts, before any shrinking
_KEPT_EXTENSIONS = ("http_version", "reason_phrase")


class ReadResponse(httpx.Response):
    """A response read within its attempt's limits, whose JSON body is parsed once.

    The response hook parses and checks the body and keeps the result here, so the
    generated parser's ``response.json()`` does not parse the same bytes a second time
    (its ``from_dict`` copies what it takes, so sharing the parsed value is safe).
    """

    _parsed: Any = None
    _has_parsed = False

    def remember_json(self, value: Any) -> None:
        self._parsed, self._has_parsed = value, True

    def json(self, **kwargs: Any) -> Any:
        if self._has_parsed and not kwargs:
            return self._parsed
        return super().json(**kwargs)


class Attempt:
    """The deadline and size bookkeeping of one attempt of ``request``."""

    __slots__ = ("deadline", "max_size", "request", "timeouts")

    def __init__(self, request: httpx.Request, max_size: int, call_deadline: float) -> None:
        extensions = request.extensions
        timeouts: dict[str, float | None] | None = extensions.get(_TIMEOUTS_EXTENSION)
        if timeouts is None:  # the first attempt: keep the caller's timeouts for the next ones
            timeouts = extensions[_TIMEOUTS_EXTENSION] = dict(extensions.get("timeout") or {})
        self.request = request
        self.max_size = max_size
        self.timeouts = timeouts
        budget = max((v for v in timeouts.values() if v is not None), default=None)
        own = math.inf if budget is None else time.monotonic() + budget
        self.deadline = min(own, call_deadline)

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpx.ReadTimeout(EXPIRED, request=self.request)
        return left

    def shrink_timeouts(self) -> None:
        """Give every phase at most the time left (httpcore reads these per phase)."""
        if self.deadline == math.inf:
            return
        left = self.remaining()
        self.request.extensions["timeout"] = {
            phase: left if value is None else min(value, left) for phase, value in self.timeouts.items()
        }

    def check_size(self, size: int) -> None:
        if size > self.max_size:
            raise too_large(self.max_size, self.request)

    def body_chunks(self, response: httpx.Response) -> tuple[Any, bool]:
        """The body's raw stream, and whether it must be decoded (refused early if too large)."""
        headers = response.headers
        encoding = headers.get("content-encoding")
        if encoding is None:
            length = headers.get("content-length", "")
            if length.isdigit():
                self.check_size(int(length))
        return response.stream, encoding is not None

    def finished(self, response: httpx.Response, chunks: list[bytes]) -> ReadResponse:
        # Raw bytes: a header value that is not ASCII must pass through, not be re-encoded.
        raw = response.headers.raw
        headers = [(k, v) for k, v in raw if k.lower() not in ENCODING_HEADERS]
        extensions = {k: v for k, v in response.extensions.items() if k in _KEPT_EXTENSIONS}
        content = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return ReadResponse(response.status_code, headers=headers, content=content, extensions=extensions)


def read_body(response: httpx.Response, attempt: Attempt) -> ReadResponse:
    """The whole body of ``response`` within ``attempt``'s limits, as an in-memory response."""
    try:
        stream, encoded = attempt.body_chunks(response)
        attempt.shrink_timeouts()  # the body phase starts with the time that is left
        if encoded:  # the usual unencoded body is read straight from the stream
            decoder = decoder_for(response.headers["content-encoding"], attempt.request, attempt.max_size)
            stream = stream if decoder is None else decoder.decoded(stream)
        chunks: list[bytes] = []
        size = 0
        for chunk in stream:
            size += len(chunk)
            attempt.check_size(size)
            attempt.remaining()
            chunks.append(chunk)
    finally:
        response.close()
    return attempt.finished(response, chunks)


async def aread_body(response: httpx.Response, attempt: Attempt) -> ReadResponse:
    """The async twin of :func:`read_body` (the cancel scope around it keeps the deadline)."""
    try:
        stream, encoded = attempt.body_chunks(response)
        if encoded:
            decoder = decoder_for(response.headers["content-encoding"], attempt.request, attempt.max_size)
            stream = stream if decoder is None else decoder.adecoded(stream)
        chunks: list[bytes] = []
        size = 0
        async for chunk in stream:
            size += len(chunk)
            attempt.check_size(size)
            chunks.append(chunk)
    finally:
        await response.aclose()
    return attempt.finished(response, chunks)
