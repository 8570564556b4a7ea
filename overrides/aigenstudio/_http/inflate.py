"""gzip and deflate bodies decoded a slice at a time, so the size cap acts inside one chunk.

httpx decodes a whole network chunk in one call: 64 KB of deflate can inflate to about 66 MB
before the reading layer sees a byte and can refuse it. Here zlib's ``max_length`` bounds
each step to ``STEP`` bytes of output, and the caller checks the running size after every
step. The two encodings the API can send without extra packages (httpx asks for br/zstd only
when brotli/zstandard are installed; those, and chains of several encodings, stay with
httpx's decoders). Errors are ``httpx.DecodingError``, as httpx's own.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

import httpx

__all__ = ["STEP", "BoundedInflater", "inflater_for"]

STEP = 64 * 1024


class BoundedInflater:
    def __init__(self, encoding: str, request: httpx.Request) -> None:
        self._request = request
        self._raw_fallback = encoding == "deflate"  # servers send zlib-wrapped or raw deflate
        self._started = False
        wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
        self._zlib = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of ``data``, at most ``STEP`` bytes per piece."""
        pending = data
        while True:
            try:
                out = self._zlib.decompress(pending, STEP)
            except zlib.error as exc:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise httpx.DecodingError(str(exc), request=self._request) from None
            self._started = True
            if out:
                yield out
            pending = self._zlib.unconsumed_tail
            if not pending and not out:
                return

    def decoded(self, raw: Iterable[bytes]) -> Iterator[bytes]:
        """Every decoded piece of the raw body stream, the final flush included."""
        for data in raw:
            yield from self.feed(data)
        tail = self.finish()
        if tail:
            yield tail

    async def adecoded(self, raw: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        async for data in raw:
            for piece in self.feed(data):
                yield piece
        tail = self.finish()
        if tail:
            yield tail

    def finish(self) -> bytes:
        try:
            return self._zlib.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(str(exc), request=self._request) from None


def inflater_for(content_encoding: str, request: httpx.Request) -> BoundedInflater | None:
    """A bounded inflater for a Content-Encoding value, or None (httpx decodes it)."""
    encoding = content_encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return BoundedInflater("gzip", request)
    if encoding == "deflate":
        return BoundedInflater("deflate", request)
    return None
