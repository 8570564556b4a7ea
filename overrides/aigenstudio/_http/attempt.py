"""One attempt's limits, a deadline and a size cap, and the response body read within them.

- **Deadline.** httpx's timeouts bound each network operation, so a server that drips a byte
  every half second never trips a 2 s read timeout. Here the client's timeout (the largest of
  its connect/read/write/pool values) bounds the whole attempt, body included, and never
  runs past the call's own deadline (``RetryPolicy.total_timeout``, a helper's
  ``time_budget``). The sending transport runs async attempts under a cancel scope, sync
  ones under ``deadline.attempt_deadline`` (every socket operation of the default pool is
  clamped to it), every phase's timeout shrunk to the time left before sending (the pool's
  wait for a connection is no socket operation) and, for a caller's own transport, again
  before the body; the clock is checked between body chunks.
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
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from typing import Any

import httpx

from .._core.redaction import ENCODING_HEADERS
from .deadline import EXPIRED
from .inflate import BoundedDecoder, decoder_for, too_large

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "Attempt",
    "Head",
    "ReadResponse",
    "aread_body",
    "attempt_budget",
    "read_body",
]

# The largest documented response (a 20-item job with three 2 KB URLs per item) is about
# 150 KB; 8 MiB leaves ample room and still bounds what a hostile server can make us hold.
DEFAULT_MAX_RESPONSE_SIZE = 8 * 1024 * 1024
_KEPT_EXTENSIONS = ("http_version", "reason_phrase")


class ReadResponse(httpx.Response):
    """A response whose body was read within its attempt's limits, kept in memory.

    Built around the body already read (httpx's own reading pipeline is not run a second
    time over bytes in memory). The response hook parses and checks the body and keeps the
    result here, so the generated parser's ``response.json()`` does not parse the same
    bytes again (its ``from_dict`` copies what it takes, so sharing the value is safe).
    """

    _parsed: Any = None
    _has_parsed = False

    def __init__(
        self, status_code: int, headers: list[tuple[bytes, bytes]], body: bytes, extensions: dict[str, Any]
    ) -> None:
        super().__init__(status_code, headers=headers, stream=httpx.ByteStream(body), extensions=extensions)
        self._body = body

    @property
    def content(self) -> bytes:
        return self._body

    def read(self) -> bytes:
        if not self.is_closed:
            self.close()  # ends the client's timing (elapsed) as reading to the end would
        return self._body

    async def aread(self) -> bytes:
        if not self.is_closed:
            await self.aclose()
        return self._body

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        body = self._body
        step = chunk_size or len(body) or 1
        for start in range(0, len(body), step):
            yield body[start : start + step]

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        for piece in self.iter_bytes(chunk_size):
            yield piece

    def remember_json(self, value: Any) -> None:
        self._parsed, self._has_parsed = value, True

    def json(self, **kwargs: Any) -> Any:
        if self._has_parsed and not kwargs:
            return self._parsed
        return super().json(**kwargs)


def attempt_budget(timeouts: Mapping[str, float | None]) -> float | None:
    """Seconds one attempt may take: the largest of the request's timeouts; None: unbounded."""
    budget: float | None = None
    for value in timeouts.values():
        if value is not None and (budget is None or value > budget):
            budget = value
    return budget


class Attempt:
    """The deadline and size bookkeeping of one attempt of ``request``."""

    __slots__ = ("_cut_before_sending", "deadline", "max_size", "request")

    def __init__(
        self, request: httpx.Request, max_size: int, budget: float | None, call_deadline: float
    ) -> None:
        self.request = request
        self.max_size = max_size
        own = math.inf if budget is None else time.monotonic() + budget
        self.deadline = min(own, call_deadline)
        # Unless the attempt's own budget (the largest timeout) is what ends it, the timeouts
        # are cut to the time left before sending: the call's deadline (total_timeout, a
        # helper's time budget) comes first, or no time is left at all.
        self._cut_before_sending = not (budget is not None and budget > 0 and own < call_deadline)

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise httpx.ReadTimeout(EXPIRED, request=self.request)
        return left

    def start(self, timeouts: dict[str, float | None]) -> None:
        """The request's timeouts for sending: the caller's, each cut to the time left when the
        call's deadline binds; while the attempt's own budget does (the largest of them), every
        phase fits in it already."""
        if self._cut_before_sending:
            self.shrink_timeouts(timeouts)
        else:
            self.request.extensions["timeout"] = timeouts  # a retry starts from the caller's again

    def shrink_timeouts(self, timeouts: Mapping[str, float | None]) -> None:
        """Give every phase of ``timeouts`` at most the time left (httpcore reads them per phase)."""
        if self.deadline == math.inf:
            return
        left = self.remaining()
        self.request.extensions["timeout"] = {
            phase: left if value is None else min(value, left) for phase, value in timeouts.items()
        }

    def check_size(self, size: int) -> None:
        if size > self.max_size:
            raise too_large(self.max_size, self.request)


class Head:
    """A response's headers in one pass: those kept, and the body's encoding and length."""

    __slots__ = ("encoding", "kept", "setting")

    def __init__(
        self, response: httpx.Response, attempt: Attempt, setting: str = "max_response_size"
    ) -> None:
        self.setting = setting  # the option that bounds the body, named when it is exceeded
        kept: list[tuple[bytes, bytes]] = []
        encodings: list[bytes] = []
        lengths: list[bytes] = []
        # Raw bytes: a header value that is not ASCII must pass through, not be re-encoded.
        for name, value in response.headers.raw:
            lowered = name.lower()
            if lowered not in ENCODING_HEADERS:
                kept.append((name, value))
            elif lowered == b"content-encoding":
                encodings.append(value)
            elif lowered == b"content-length":
                lengths.append(value)
        self.kept = kept
        self.encoding = b", ".join(encodings).decode("latin-1") if encodings else None
        declared = int(lengths[0]) if len(lengths) == 1 and lengths[0].isdigit() else None
        if self.encoding is None and declared is not None and declared > attempt.max_size:
            raise too_large(attempt.max_size, attempt.request, setting)  # before a byte is read

    def decoder(self, attempt: Attempt) -> BoundedDecoder | None:
        if self.encoding is None:  # the usual unencoded body is read straight from the stream
            return None
        return decoder_for(self.encoding, attempt.request, attempt.max_size, self.setting)

    def response(self, response: httpx.Response, chunks: list[bytes]) -> ReadResponse:
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return ReadResponse(response.status_code, self.kept, body, _kept_extensions(response))

    def streaming_response(
        self, response: httpx.Response, stream: httpx.SyncByteStream | httpx.AsyncByteStream
    ) -> httpx.Response:
        """A response of these headers whose body is ``stream``, read later by the caller."""
        return httpx.Response(
            response.status_code, headers=self.kept, stream=stream, extensions=_kept_extensions(response)
        )


def _kept_extensions(response: httpx.Response) -> dict[str, Any]:
    return {k: v for k, v in response.extensions.items() if k in _KEPT_EXTENSIONS}


def read_body(
    response: httpx.Response, attempt: Attempt, timeouts: Mapping[str, float | None] | None
) -> ReadResponse:
    """The whole body of ``response`` within ``attempt``'s limits, as an in-memory response.

    ``timeouts``: shrink them to the time left before the body phase (a base transport whose
    sockets do not honour ``deadline.attempt_deadline``); None when they do.
    """
    try:
        head = Head(response, attempt)
        if timeouts is not None:
            attempt.shrink_timeouts(timeouts)  # the body phase starts with the time that is left
        stream: Iterable[bytes] = response.stream  # type: ignore[assignment]
        decoder = head.decoder(attempt)
        if decoder is not None:
            stream = decoder.decoded(stream)
        chunks: list[bytes] = []
        size = 0
        for chunk in stream:
            size += len(chunk)
            attempt.check_size(size)
            attempt.remaining()
            chunks.append(chunk)
    finally:
        response.close()
    return head.response(response, chunks)


async def aread_body(response: httpx.Response, attempt: Attempt) -> ReadResponse:
    """The async twin of :func:`read_body` (the cancel scope around it keeps the deadline)."""
    try:
        head = Head(response, attempt)
        stream: AsyncIterable[bytes] = response.stream  # type: ignore[assignment]
        decoder = head.decoder(attempt)
        if decoder is not None:
            stream = decoder.adecoded(stream)
        chunks: list[bytes] = []
        size = 0
        async for chunk in stream:
            size += len(chunk)
            attempt.check_size(size)
            chunks.append(chunk)
    finally:
        await response.aclose()
    return head.response(response, chunks)
