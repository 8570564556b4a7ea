"""A download's success body, handed to the caller unread: streamed, bounded, typed, closed.

An operation whose 2xx answer is bytes (an image, a PDF, a ZIP: the contract's ``download``
statuses, ``tools/media_types.py``) is not read by the sending transport as a JSON answer
is. Everything before the body is checked as for any call (status, request id, typed errors:
an error status of a download is still read within ``max_response_size`` and raised as its
APIStatusError); the success body is returned as a stream the caller reads at its own pace:

- **size**: ``max_download_size`` (a client option, not ``max_response_size``, which is
  sized for JSON): a declared ``Content-Length`` over it is refused before a byte is read,
  and the bytes are counted as they arrive, so a server that declares nothing or lies is cut
  off at the limit (APIConnectionError, "Response refused");
- **encoding**: a ``Content-Encoding`` is decoded a bounded slice at a time (``inflate``);
  the caller sees the decoded bytes and no encoding headers;
- **errors**: a transport failure while the caller reads (a dropped connection, a read
  timeout, a short body) becomes APIConnectionError / APITimeoutError; nothing is retried:
  a half-read body is never resumed or restarted silently;
- **deadline**: the attempt's deadline bounds the answer's head only; the body phase has
  httpx's per-read timeout (a 2 GB download may take longer than any call's timeout);
- **closing**: the stream closes its connection once read to the end, on any error, and on
  ``close()`` (the facade's ``BinaryResponse`` closes it on every path, garbage collection
  included).
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

import httpx

from .attempt import Attempt, Head
from .inflate import too_large
from .response_check import EXCHANGE_KEY, Exchange, transport_error

__all__ = ["DEFAULT_MAX_DOWNLOAD_SIZE", "astreamed", "is_download", "streamed"]

# Bytes one download may have (decoded): 4 GiB, larger than any image, PDF or export archive
# the API documents, and still a bound on what a hostile server can make us write to disk.
DEFAULT_MAX_DOWNLOAD_SIZE = 4 * 1024**3
_SETTING = "max_download_size"


def is_download(request: httpx.Request, response: httpx.Response) -> bool:
    """Whether ``response`` is a success of a download operation (its body is left unread)."""
    exchange = request.extensions.get(EXCHANGE_KEY)
    status = response.status_code
    return isinstance(exchange, Exchange) and 200 <= status < 300 and exchange.operation.streams(status)


class _Counted:
    """The bookkeeping both streams share: the bytes so far against the limit."""

    def __init__(self, request: httpx.Request, max_size: int) -> None:
        self.request = request
        self.max_size = max_size
        self.size = 0

    def count(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.max_size:
            raise too_large(self.max_size, self.request, _SETTING)


class _DownloadStream(httpx.SyncByteStream):
    def __init__(self, response: httpx.Response, chunks: Iterable[bytes], counted: _Counted) -> None:
        self._response = response
        self._chunks = chunks
        self._counted = counted

    def __iter__(self) -> Iterator[bytes]:
        failure: httpx.RequestError | None = None
        try:
            for chunk in self._chunks:
                self._counted.count(chunk)
                yield chunk
        except (httpx.TransportError, httpx.DecodingError) as exc:
            failure = exc
        finally:
            self._response.close()
        if failure is not None:  # outside the except block: no __context__ holds the request
            raise transport_error(self._counted.request, failure)

    def close(self) -> None:
        self._response.close()


class _AsyncDownloadStream(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, chunks: AsyncIterable[bytes], counted: _Counted) -> None:
        self._response = response
        self._chunks = chunks
        self._counted = counted

    async def __aiter__(self) -> AsyncIterator[bytes]:
        failure: httpx.RequestError | None = None
        try:
            async for chunk in self._chunks:
                self._counted.count(chunk)
                yield chunk
        except (httpx.TransportError, httpx.DecodingError) as exc:
            failure = exc
        finally:
            await self._response.aclose()
        if failure is not None:
            raise transport_error(self._counted.request, failure)

    async def aclose(self) -> None:
        await self._response.aclose()


def _head(response: httpx.Response, request: httpx.Request, max_size: int) -> Head:
    """The headers kept (no encoding headers), a declared length over ``max_size`` refused."""
    try:
        return Head(response, Attempt(request, max_size, None, math.inf), _SETTING)
    except BaseException:
        response.close()
        raise


def streamed(response: httpx.Response, request: httpx.Request, max_size: int) -> httpx.Response:
    """``response`` with its body unread: a stream bounded by ``max_size`` decoded bytes."""
    head = _head(response, request, max_size)
    chunks: Iterable[bytes] = response.stream  # type: ignore[assignment]
    decoder = head.decoder(Attempt(request, max_size, None, math.inf))
    if decoder is not None:
        chunks = decoder.decoded(chunks)
    stream = _DownloadStream(response, chunks, _Counted(request, max_size))
    return head.streaming_response(response, stream)


async def astreamed(response: httpx.Response, request: httpx.Request, max_size: int) -> httpx.Response:
    """The async twin of :func:`streamed`."""
    try:
        head = Head(response, Attempt(request, max_size, None, math.inf), _SETTING)
    except BaseException:
        await response.aclose()
        raise
    chunks: AsyncIterable[bytes] = response.stream  # type: ignore[assignment]
    decoder = head.decoder(Attempt(request, max_size, None, math.inf))
    if decoder is not None:
        chunks = decoder.adecoded(chunks)
    stream = _AsyncDownloadStream(response, chunks, _Counted(request, max_size))
    return head.streaming_response(response, stream)
