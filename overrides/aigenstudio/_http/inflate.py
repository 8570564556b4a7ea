"""Encoded bodies decoded a bounded slice at a time, every layer, so the size cap acts as they inflate.

httpx decodes a whole network chunk in one call, and a chain of encodings one whole layer at
a time: 64 KB of deflate inflates to about 66 MB, a gzip of a gzip or a ``br``/``zstd`` body
(httpx decodes those once brotli/zstandard are installed) to gigabytes, before the reading
layer sees a byte. Here every layer is decoded by us with bounded output per step (zlib's
``max_length``; brotli's ``output_buffer_limit``; zstandard's stream writer, whose sink
refuses bytes past the cap), each layer's output is counted against ``max_response_size``
before the next layer sees it, and the pieces flow through the chain lazily.

A Content-Encoding we cannot decode that way (an unknown name, ``br`` without brotli >= 1.2,
``zstd`` without zstandard, more than ``MAX_LAYERS`` layers) is refused, never passed through
as if it were the body, and never advertised: ``ACCEPT_ENCODING`` names exactly the encodings
decoded here. Errors are ``httpx.DecodingError``, as httpx's own (not retried).
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from typing import Any, Protocol

import httpx

from .._core.server_text import server_text

__all__ = [
    "ACCEPT_ENCODING",
    "MAX_LAYERS",
    "STEP",
    "BoundedDecoder",
    "ResponseTooLarge",
    "UnsupportedEncoding",
    "decoder_for",
]

STEP = 64 * 1024
MAX_LAYERS = 3  # a body compressed twice (a proxy that re-gzips) is real; five times is not
# RFC 8878 3.1.1.1.2: HTTP zstd decoders need windows up to 8 MB; larger ones are refused.
_ZSTD_MAX_WINDOW = 8 * 1024 * 1024


class ResponseTooLarge(httpx.DecodingError):
    """The decoded body exceeded the client's ``max_response_size`` (a deterministic failure)."""


class UnsupportedEncoding(httpx.DecodingError):
    """A Content-Encoding this client does not decode within its size cap."""


class _Budget:
    """The bytes one layer may still produce: ``max_response_size`` (a download's
    ``max_download_size``) in all."""

    def __init__(self, limit: int, request: httpx.Request, setting: str) -> None:
        self.left = limit
        self.limit = limit
        self.request = request
        self.setting = setting

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise too_large(self.limit, self.request, self.setting)

    def error(self, exc: Exception) -> httpx.DecodingError:
        return httpx.DecodingError(str(exc), request=self.request)


def too_large(limit: int, request: httpx.Request, setting: str = "max_response_size") -> ResponseTooLarge:
    message = f"response body exceeds {setting} ({limit} bytes decoded)"
    return ResponseTooLarge(message, request=request)


class _Layer(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class _Zlib:
    """gzip or deflate (zlib-wrapped, or the raw deflate some servers send), ``STEP`` bytes a step."""

    def __init__(self, encoding: str, budget: _Budget) -> None:
        self._budget = budget
        self._raw_fallback = encoding == "deflate"
        self._started = False
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._zlib.eof:
            # Past the stream's end (trailing garbage, a second gzip member, which httpx does
            # not decode either): zlib would keep every such byte, so count them and drop them.
            self._budget.spend(len(data))
            return
        pending = data
        while True:
            try:
                out = self._zlib.decompress(pending, STEP)
            except zlib.error as exc:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise self._budget.error(exc) from None
            self._started = True
            if out:
                self._budget.spend(len(out))
                yield out
            pending = self._zlib.unconsumed_tail
            if self._zlib.eof:
                self._budget.spend(len(self._zlib.unused_data))
                return
            if not pending and not out:
                return

    def finish(self) -> Iterator[bytes]:
        try:
            tail = self._zlib.flush()
        except zlib.error as exc:
            raise self._budget.error(exc) from None
        if tail:
            self._budget.spend(len(tail))
            yield tail


class _Brotli:
    """br, about ``STEP`` bytes a step (brotli >= 1.2: ``process(output_buffer_limit=)``)."""

    def __init__(self, module: Any, budget: _Budget) -> None:
        self._module = module
        self._budget = budget
        self._brotli = module.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while True:
            try:
                out: bytes = self._brotli.process(pending, output_buffer_limit=STEP)
            except self._module.error as exc:
                raise self._budget.error(exc) from None
            if out:
                self._budget.spend(len(out))
                yield out
            elif not pending:
                return
            # Input and output past a full buffer are kept inside: drain them with empty input.
            pending = b""

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zstd:
    """zstd, through zstandard's stream writer: its sink refuses bytes past the budget.

    zstandard's one-shot ``decompressobj`` has no output bound; the writer hands its output
    to ``write`` in ``STEP`` pieces, and an exception there stops the decoder mid-frame.
    """

    def __init__(self, module: Any, budget: _Budget) -> None:
        self._module = module
        self._budget = budget
        self._pieces: list[bytes] = []
        decompressor = module.ZstdDecompressor(max_window_size=_ZSTD_MAX_WINDOW)
        self._writer = decompressor.stream_writer(self, write_size=STEP, write_return_read=True)

    def write(self, data: bytes) -> int:
        self._budget.spend(len(data))
        self._pieces.append(bytes(data))
        return len(data)

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            self._writer.write(data)
        except self._module.ZstdError as exc:
            raise self._budget.error(exc) from None
        pieces, self._pieces = self._pieces, []
        return iter(pieces)

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _bounded_brotli() -> Any:
    """The brotli module if its decoder bounds its output (brotli >= 1.2), else None."""
    module = _optional("brotli")
    if module is None:
        return None
    try:
        module.Decompressor().process(b"", output_buffer_limit=STEP)
    except (TypeError, AttributeError):
        return None
    return module


_IDENTITY = ("", "identity")
_LayerFactory = Callable[[_Budget], _Layer]
_BROTLI = _bounded_brotli()
_ZSTANDARD = _optional("zstandard")
_LAYERS: dict[str, _LayerFactory] = {
    "gzip": lambda budget: _Zlib("gzip", budget),
    "x-gzip": lambda budget: _Zlib("gzip", budget),
    "deflate": lambda budget: _Zlib("deflate", budget),
}
if _BROTLI is not None:
    _LAYERS["br"] = lambda budget: _Brotli(_BROTLI, budget)
if _ZSTANDARD is not None:
    _LAYERS["zstd"] = lambda budget: _Zstd(_ZSTANDARD, budget)
# What the client sends as Accept-Encoding: exactly what it decodes within the cap.
ACCEPT_ENCODING = ", ".join(name for name in _LAYERS if name != "x-gzip")


class BoundedDecoder:
    """The layers of one response body, outermost first, each piece passed on lazily."""

    def __init__(self, layers: list[_Layer]) -> None:
        self._layers = layers

    def _through(self, start: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        stream: Iterable[bytes] = pieces
        for layer in self._layers[start:]:
            stream = _fed(layer, stream)
        return iter(stream)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of ``data``, each layer's output bounded before the next sees it."""
        return self._through(0, (data,))

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            yield from self._through(index + 1, layer.finish())

    def decoded(self, raw: Iterable[bytes]) -> Iterator[bytes]:
        """Every decoded piece of the raw body stream, the final flush included."""
        for data in raw:
            yield from self.feed(data)
        yield from self.finish()

    async def adecoded(self, raw: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
        async for data in raw:
            for piece in self.feed(data):
                yield piece
        for piece in self.finish():
            yield piece


def _fed(layer: _Layer, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from layer.feed(piece)


def decoder_for(
    content_encoding: str, request: httpx.Request, limit: int, setting: str = "max_response_size"
) -> BoundedDecoder | None:
    """The decoder for a Content-Encoding value (several headers arrive comma-joined).

    None for identity. Raises ``UnsupportedEncoding`` for a chain it cannot decode within
    ``limit`` bytes per layer. Encodings are listed in the order they were applied.
    """
    names = [name for part in content_encoding.split(",") if (name := part.strip().lower()) not in _IDENTITY]
    if not names:
        return None
    if len(names) > MAX_LAYERS:
        raise UnsupportedEncoding(
            f"response Content-Encoding {server_text(content_encoding, 80)!r} has more than "
            f"{MAX_LAYERS} layers",
            request=request,
        )
    layers: list[_Layer] = []
    for name in reversed(names):
        factory = _LAYERS.get(name)
        if factory is None:
            raise UnsupportedEncoding(
                f"response Content-Encoding {server_text(name, 40)!r} is not one this client "
                f"decodes within max_response_size ({ACCEPT_ENCODING})",
                request=request,
            )
        layers.append(factory(_Budget(limit, request, setting)))
    return BoundedDecoder(layers)
