"""Every Content-Encoding a server can send is decoded within ``max_response_size``, or refused.

Before: the cap held while decoding one gzip/deflate layer only. A chain of encodings
(``gzip, gzip``, or two Content-Encoding headers) and ``br``/``zstd`` (decoded by httpx as
soon as ``brotli``/``zstandard`` are installed) inflated a few KB into a gigabyte before any
check, and an encoding nobody could decode passed through as if it were the body.

A loopback server sends each response as real bytes on a socket, so httpx parses the headers
(two Content-Encoding lines included) exactly as it would from a remote server.
"""

from __future__ import annotations

import asyncio
import functools
import json
import socket
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aigenstudio import APIConnectionError, AsyncClient, Client

from tests.client.conftest import SANDBOX_KEY
from tests.servers.raw_socket import RawSocketServer

BOMB_SIZE = 1 << 30  # what each bomb would inflate to
ZEROS = b"\0" * (16 << 20)
PEAK_LIMIT = 32 << 20
LEGIT = json.dumps(
    {
        "operations": [{"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}] * 8000,
        "request_id": "req-legit",
    }
).encode()

Headers = list[tuple[str, str]]


def _zlib_zeros(wbits: int) -> bytes:
    """``BOMB_SIZE`` zero bytes, gzip- or zlib-wrapped, built from one compressed 16 MiB block.

    After a full flush the compressor starts afresh, so every 16 MiB block compresses to the
    same bytes: compress one, repeat it, and write the wrapper's header and trailer by hand.
    """
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    block = packer.compress(ZEROS) + packer.flush(zlib.Z_FULL_FLUSH)
    deflated = block * (BOMB_SIZE // len(ZEROS)) + packer.flush()
    if wbits == zlib.MAX_WBITS | 16:
        crc = 0
        for _ in range(BOMB_SIZE // len(ZEROS)):
            crc = zlib.crc32(ZEROS, crc)
        trailer = crc.to_bytes(4, "little") + (BOMB_SIZE % 2**32).to_bytes(4, "little")
        return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + deflated + trailer
    adler = 1
    for _ in range(BOMB_SIZE // len(ZEROS)):
        adler = zlib.adler32(ZEROS, adler)
    return b"\x78\xda" + deflated + adler.to_bytes(4, "big")


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return packer.compress(data) + packer.flush()


def _brotli(data: bytes | None) -> bytes:
    brotli = pytest.importorskip("brotli")
    packer = brotli.Compressor(quality=1)
    if data is not None:
        return bytes(packer.process(data) + packer.finish())
    parts = [packer.process(ZEROS) for _ in range(BOMB_SIZE // len(ZEROS))]
    return b"".join([*parts, packer.finish()])


def _zstd(data: bytes | None) -> bytes:
    zstandard = pytest.importorskip("zstandard")
    packer = zstandard.ZstdCompressor(level=1).compressobj()
    if data is not None:
        return bytes(packer.compress(data) + packer.flush())
    parts = [packer.compress(ZEROS) for _ in range(BOMB_SIZE // len(ZEROS))]
    return b"".join([*parts, packer.flush()])


def _gzip_bomb() -> bytes:
    return _zlib_zeros(zlib.MAX_WBITS | 16)


BOMBS: dict[str, Callable[[], tuple[Headers, bytes]]] = {
    "gzip-of-gzip": lambda: ([("Content-Encoding", "gzip, gzip")], _gzip(_gzip_bomb())),
    "deflate-then-gzip": lambda: (
        [("Content-Encoding", "deflate, gzip")],
        _gzip(_zlib_zeros(zlib.MAX_WBITS)),
    ),
    "two-headers": lambda: (
        [("Content-Encoding", "gzip"), ("Content-Encoding", "gzip")],
        _gzip(_gzip_bomb()),
    ),
    "br": lambda: ([("Content-Encoding", "br")], _brotli(None)),
    "zstd": lambda: ([("Content-Encoding", "zstd")], _zstd(None)),
    "gzip-of-br": lambda: ([("Content-Encoding", "br, gzip")], _gzip(_brotli(None))),
    "zstd-of-gzip": lambda: ([("Content-Encoding", "gzip, zstd")], _zstd(_gzip_bomb())),
}
REFUSED: dict[str, Callable[[], tuple[Headers, bytes]]] = {
    "compress": lambda: ([("Content-Encoding", "compress")], LEGIT),
    "x-foo": lambda: ([("Content-Encoding", "x-foo")], LEGIT),
    "gzip-then-x-foo": lambda: ([("Content-Encoding", "gzip, x-foo")], LEGIT),
    "five-layers": lambda: (
        [("Content-Encoding", "gzip, gzip, gzip, gzip, gzip")],
        functools.reduce(lambda body, _: _gzip(body), range(5), LEGIT),
    ),
}


def _zstd_wide_window() -> bytes:
    zstandard = pytest.importorskip("zstandard")
    wide = zstandard.ZstdCompressionParameters(window_log=27, compression_level=3)
    packer = zstandard.ZstdCompressor(compression_params=wide).compressobj()  # size unknown: 128 MiB
    return bytes(packer.compress(LEGIT) + packer.flush())


WINDOWS: dict[str, Callable[[], tuple[Headers, bytes]]] = {
    "zstd-128mib-window": lambda: ([("Content-Encoding", "zstd")], _zstd_wide_window()),
}
LEGITS: dict[str, Callable[[], tuple[Headers, bytes]]] = {
    "identity": lambda: ([("Content-Encoding", "identity")], LEGIT),
    "gzip": lambda: ([("Content-Encoding", "gzip")], _gzip(LEGIT)),
    "gzip-gzip": lambda: ([("Content-Encoding", "gzip"), ("Content-Encoding", "GZIP")], _gzip(_gzip(LEGIT))),
    "br": lambda: ([("Content-Encoding", "br")], _brotli(LEGIT)),
    "zstd": lambda: ([("Content-Encoding", "zstd")], _zstd(LEGIT)),
    "zstd-two-frames": lambda: (
        [("Content-Encoding", "zstd")],
        _zstd(LEGIT[:1000]) + _zstd(LEGIT[1000:]),
    ),
    "gzip-br-zstd": lambda: ([("Content-Encoding", "gzip, br, zstd")], _zstd(_brotli(_gzip(LEGIT)))),
}


@functools.cache
def _response(kind: str, case: str) -> bytes:
    headers, body = {"bomb": BOMBS, "refused": REFUSED, "legit": LEGITS, "window": WINDOWS}[kind][case]()
    lines = [b"HTTP/1.1 200 OK", b"Content-Type: application/json", b"Connection: close"]
    lines += [f"{name}: {value}".encode() for name, value in headers]
    lines.append(b"Content-Length: %d" % len(body))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class EncodingServer(RawSocketServer):
    """Answers ``/<kind>/<case>/api/v1/...`` with that prepared response, then closes."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        super().__init__()

    def url(self, kind: str, case: str) -> str:
        return f"http://127.0.0.1:{self.port}/{kind}/{case}/api/v1"

    def answer(self, conn: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(65536)
        self.requests.append(head)
        try:
            _, kind, case, *_ = head.split(b" ", 2)[1].decode().split("/")
        except ValueError:
            return
        conn.sendall(_response(kind, case))


@pytest.fixture(scope="module")
def server() -> Iterator[EncodingServer]:
    made = EncodingServer()
    yield made
    made.close()


def _list(cls: type[Client] | type[AsyncClient], url: str) -> Any:
    async def listed() -> Any:
        async with AsyncClient(SANDBOX_KEY, base_url=url) as aclient:
            return await aclient.product_photo_operations.list()

    if cls is AsyncClient:
        return asyncio.run(listed())
    with Client(SANDBOX_KEY, base_url=url) as client:
        return client.product_photo_operations.list()


def _needs(case: str) -> None:
    if "br" in case:
        pytest.importorskip("brotli")
    if "zstd" in case:
        pytest.importorskip("zstandard")


@pytest.mark.parametrize("case", list(BOMBS))
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_a_bomb_in_any_encoding_is_refused_at_the_cap(
    server: EncodingServer, cls: type[Client], case: str
) -> None:
    _needs(case)
    raw = _response("bomb", case)
    assert len(raw) < 256 * 1024  # a few network chunks that would inflate to 1 GiB
    sent = len(server.requests)
    tracemalloc.start()
    try:
        with pytest.raises(APIConnectionError, match="max_response_size"):
            _list(cls, server.url("bomb", case))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.0f} MiB while refusing a 1 GiB body"
    assert len(server.requests) == sent + 1  # a deterministic failure: not retried


@pytest.mark.parametrize("case", list(REFUSED))
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_an_encoding_the_client_cannot_bound_is_refused_by_name(
    server: EncodingServer, cls: type[Client], case: str
) -> None:
    sent = len(server.requests)
    with pytest.raises(APIConnectionError, match="Content-Encoding") as caught:
        _list(cls, server.url("refused", case))
    named = "gzip, gzip, gzip, gzip, gzip" if case == "five-layers" else case.rsplit("-", 1)[-1]
    assert named in str(caught.value)
    assert len(server.requests) == sent + 1


# A zstd frame may ask for a 128 MiB window, which the decoder would allocate (outside the
# Python heap tracemalloc sees): past the 8 MB RFC 8878 asks HTTP decoders to support, refused.
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_a_zstd_frame_asking_for_a_huge_window_is_refused(server: EncodingServer, cls: type[Client]) -> None:
    pytest.importorskip("zstandard")
    with pytest.raises(APIConnectionError, match="too much memory"):
        _list(cls, server.url("window", "zstd-128mib-window"))


@pytest.mark.parametrize("case", list(LEGITS))
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_a_legit_encoded_body_decodes(server: EncodingServer, cls: type[Client], case: str) -> None:
    _needs(case)
    result = _list(cls, server.url("legit", case))
    assert result.request_id == "req-legit"
    assert len(result.operations) == 8000


def _importable(name: str) -> bool:
    try:
        __import__(name)
    except ImportError:
        return False
    return True


def test_accept_encoding_names_only_what_is_decoded_within_the_cap(server: EncodingServer) -> None:
    from aigenstudio._http.inflate import ACCEPT_ENCODING

    _list(Client, server.url("legit", "identity"))
    head = server.requests[-1].lower()
    assert b"\r\naccept-encoding: " + ACCEPT_ENCODING.encode() + b"\r\n" in head
    # The dev pins hold brotli >= 1.2 (bounded output) and zstandard: both decoded, both named.
    optional = [name for name, module in (("br", "brotli"), ("zstd", "zstandard")) if _importable(module)]
    assert ", ".join(["gzip", "deflate", *optional]) == ACCEPT_ENCODING
