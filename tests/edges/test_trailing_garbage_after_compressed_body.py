"""Bytes after the end of a compressed body count against ``max_response_size`` too.

A gzip stream ends with its trailer; zlib keeps whatever follows in ``unused_data``, growing
it by concatenation on every chunk. Before: a server that sent a valid 30-byte gzip body
and then endless garbage made the client hold (and copy, quadratically) every byte of it
until the attempt's timeout: the decoded size stayed tiny, so the cap never acted.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from aigenstudio import APIConnectionError, AsyncClient, Client

from tests.client.conftest import SANDBOX_KEY

CAP = 1 << 20
CHUNK = b"\0" * (64 << 10)
SENT_AT_MOST = 64 << 20  # what the server would send if the client kept reading


def _gzip(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return packer.compress(data) + packer.flush()


BODY = _gzip(b'{"operations": [], "request_id": "r"}')


class Garbage(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body: one gzip member, then zeros; counts what the client pulled."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.pulled = 0

    def _chunks(self) -> Iterator[bytes]:
        yield self.head
        while self.pulled < SENT_AT_MOST:
            self.pulled += len(CHUNK)
            yield CHUNK

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            yield chunk


def _transport(body: Garbage) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-encoding": "gzip"}
        return httpx.Response(200, headers=headers, stream=body)

    return httpx.MockTransport(answer)


@pytest.mark.parametrize("head", [BODY, BODY + BODY], ids=["garbage", "second-member"])
def test_garbage_after_a_gzip_body_is_capped_sync(head: bytes) -> None:
    body = Garbage(head)
    client = Client(SANDBOX_KEY, base_url="https://api.example.com/api/v1", transport=_transport(body),
                    max_response_size=CAP, max_retries=0)  # fmt: skip
    with client, pytest.raises(APIConnectionError, match="max_response_size"):
        client.product_photo_operations.list()
    assert body.pulled <= 2 * CAP


async def test_garbage_after_a_gzip_body_is_capped_async() -> None:
    body = Garbage(BODY)
    client = AsyncClient(SANDBOX_KEY, base_url="https://api.example.com/api/v1", transport=_transport(body),
                         max_response_size=CAP, max_retries=0)  # fmt: skip
    async with client:
        with pytest.raises(APIConnectionError, match="max_response_size"):
            await client.product_photo_operations.list()
    assert body.pulled <= 2 * CAP
