"""The innermost layer of the transport chain: one attempt, bounded in time and in size.

- **Deadline.** httpx's timeouts bound each network operation, so a server that drips a byte
  every half second never trips a 2 s read timeout. Here the client's timeout (the largest of
  its connect/read/write/pool values) bounds the whole attempt, body included: async attempts
  run under a cancel scope; sync attempts shrink every phase's timeout to the time left, run
  under ``_deadline.attempt_deadline`` (every socket read and write of the default transport
  is clamped to it) and check the clock between body chunks.
- **Size.** The body is read here, decoded by ``inflate`` (every Content-Encoding layer, a
  bounded slice at a time; an encoding it cannot bound is refused) and refused past
  ``max_response_size`` decoded bytes, so a small compressed bomb cannot inflate until memory
  runs out. The response handed up is a plain in-memory one (encoding headers removed).

Both raise httpx exceptions (``ReadTimeout``, ``DecodingError``), so the retry layer above
sees ordinary transport failures and the guard layer above it types them.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterable, Iterable, Mapping
from typing import Any

import httpx

from .._core.loop import running_asyncio_loop
from .._core.redaction import ENCODING_HEADERS
from .deadline import EXPIRED, attempt_deadline
from .inflate import decoder_for, too_large

__all__ = [
    "DEADLINE_EXTENSION",
    "DEFAULT_MAX_RESPONSE_SIZE",
    "AsyncReadingTransport",
    "ReadResponse",
    "ReadingTransport",
]

# The largest documented response (a 20-item job with three 2 KB URLs per item) is about
# 150 KB; 8 MiB leaves ample room and still bounds what a hostile server can make us hold.
DEFAULT_MAX_RESPONSE_SIZE = 8 * 1024 * 1024
# Request extension set by the retry layer: an absolute time.monotonic() no attempt may pass.
DEADLINE_EXTENSION = "aigenstudio.deadline"
_TIMEOUTS_EXTENSION = "aigenstudio.timeouts"  # the caller's timeouts, before any shrinking


class ReadResponse(httpx.Response):
    """A response read by this layer, whose JSON body is parsed once.

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


def _budget(timeouts: Mapping[str, float | None]) -> float | None:
    """The whole-attempt budget: the largest configured timeout, None when unbounded."""
    values = [v for v in timeouts.values() if v is not None]
    return max(values) if values else None


class _Attempt:
    """The deadline and size bookkeeping of one attempt."""

    def __init__(self, request: httpx.Request, max_size: int) -> None:
        original = request.extensions.get(_TIMEOUTS_EXTENSION)
        if original is None:
            original = dict(request.extensions.get("timeout") or {})
            request.extensions[_TIMEOUTS_EXTENSION] = original
        self.request = request
        self.max_size = max_size
        self.timeouts: dict[str, float | None] = original
        budget = _budget(original)
        deadline = time.monotonic() + budget if budget is not None else math.inf
        outer = request.extensions.get(DEADLINE_EXTENSION)
        self.deadline = min(deadline, outer) if isinstance(outer, float) else deadline

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

    def declared_too_large(self, response: httpx.Response) -> None:
        length = response.headers.get("content-length", "")
        if length.isdigit() and "content-encoding" not in response.headers:
            self.check_size(int(length))

    def finished(self, response: httpx.Response, chunks: Iterable[bytes]) -> httpx.Response:
        # Raw bytes: a header value that is not ASCII must pass through, not be re-encoded.
        headers = [(k, v) for k, v in response.headers.raw if k.lower() not in ENCODING_HEADERS]
        extensions: dict[str, Any] = {
            k: v for k, v in response.extensions.items() if k in ("http_version", "reason_phrase")
        }
        return ReadResponse(
            response.status_code, headers=headers, content=b"".join(chunks), extensions=extensions
        )


class ReadingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, max_response_size: int) -> None:
        self._inner = inner
        self._max_size = max_response_size

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = _Attempt(request, self._max_size)
        attempt.shrink_timeouts()
        with attempt_deadline(attempt.deadline):
            return self._attempt(request, attempt)

    def _attempt(self, request: httpx.Request, attempt: _Attempt) -> httpx.Response:
        response = self._inner.handle_request(request)
        try:
            attempt.declared_too_large(response)
            attempt.shrink_timeouts()  # the body phase starts with the time that is left
            chunks: list[bytes] = []
            size = 0
            # An unencoded body (the usual case) is read straight from the stream: httpx's
            # decoding generators cost more than the rest of this layer together.
            encoding = response.headers.get("content-encoding")
            decoder = None if encoding is None else decoder_for(encoding, request, self._max_size)
            raw: Iterable[bytes] = response.stream  # type: ignore[assignment]
            stream = raw if decoder is None else decoder.decoded(raw)
            for chunk in stream:
                size += len(chunk)
                attempt.check_size(size)
                attempt.remaining()
                chunks.append(chunk)
        finally:
            response.close()
        return attempt.finished(response, chunks)

    def close(self) -> None:
        self._inner.close()


class AsyncReadingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, max_response_size: int) -> None:
        self._inner = inner
        self._max_size = max_response_size

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = _Attempt(request, self._max_size)
        attempt.shrink_timeouts()
        if attempt.deadline == math.inf:
            return await self._attempt(request, attempt)
        left = attempt.deadline - time.monotonic()
        # A cancel scope is a true deadline: it interrupts a read blocked on a dripping server.
        # asyncio's own (3.11+) costs a fraction of anyio's; anyio covers trio.
        loop = running_asyncio_loop()
        if loop is not None:
            import asyncio

            try:
                async with asyncio.timeout_at(loop.time() + left):
                    return await self._attempt(request, attempt)
            except TimeoutError:
                raise httpx.ReadTimeout(EXPIRED, request=request) from None
        import anyio  # here, not at import: sync callers never need it

        with anyio.move_on_after(left) as scope:
            return await self._attempt(request, attempt)
        assert scope.cancelled_caught
        raise httpx.ReadTimeout(EXPIRED, request=request)

    async def _attempt(self, request: httpx.Request, attempt: _Attempt) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        try:
            attempt.declared_too_large(response)
            chunks: list[bytes] = []
            size = 0
            encoding = response.headers.get("content-encoding")
            decoder = None if encoding is None else decoder_for(encoding, request, self._max_size)
            raw: AsyncIterable[bytes] = response.stream  # type: ignore[assignment]
            stream = raw if decoder is None else decoder.adecoded(raw)
            async for chunk in stream:
                size += len(chunk)
                attempt.check_size(size)
                chunks.append(chunk)
        finally:
            await response.aclose()
        return attempt.finished(response, chunks)

    async def aclose(self) -> None:
        await self._inner.aclose()
