"""The peer row: openai-python (a Stainless-generated SDK on the same httpx) on the bench server.

``openai`` is optional: ``peer_missing()`` says why it cannot be used, and the rows are then
skipped with that note. Its two calls are measured against raw httpx on the same routes of
the same server process, inside the same interleaved rounds as ours (``extra`` of
bench.overhead), with ``max_retries=0`` and our timeout:

- ``models.retrieve`` (``GET /v1/models/{model}``: one small object), shown beside ours'
  ``operations``;
- ``models.list`` (``GET /v1/models``: a ``SyncPage`` of 20 models), shown beside ours'
  ``job (20 items)``; sync only: ``AsyncOpenAI`` costs about 3x raw httpx per call at 50
  concurrent, so each async endpoint adds ~10 s to ``make bench``, and one says enough.

The raw httpx client here is a second one with the ``/v1`` base URL (named ``raw-v1``, as
the async harness counts connections per client name).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx

from bench.clients import TIMEOUT
from bench.overhead import AsyncTable, SyncTable
from bench.server import MODEL_ID

__all__ = ["LIST", "PEER", "RAW", "RETRIEVE", "async_table", "peer_missing", "peer_version", "sync_table"]

API_KEY = "sk-bench"
PEER = "openai"
RAW = "raw-v1"
RETRIEVE = "models.retrieve"
LIST = "models.list"


def peer_missing() -> str | None:
    """None when openai-python imports, else why the peer rows are skipped."""
    try:
        import openai  # noqa: F401
    except ImportError as exc:
        return f"n/a (openai not importable: {exc}); pip install -r requirements-dev.txt"
    return None


def peer_version() -> str:
    import openai

    return openai.__version__


@contextmanager
def sync_table(root_url: str) -> Iterator[SyncTable]:
    """``{RETRIEVE: {PEER, RAW}, LIST: {PEER, RAW}}`` of zero-argument calls; closes both clients."""
    from openai import OpenAI

    peer = OpenAI(api_key=API_KEY, base_url=f"{root_url}/v1", max_retries=0, timeout=TIMEOUT)
    raw = httpx.Client(
        base_url=f"{root_url}/v1", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=TIMEOUT
    )

    def get(path: str) -> Callable[[], object]:
        return lambda: json.loads(raw.get(path).content)

    try:
        yield {
            RETRIEVE: {PEER: lambda: peer.models.retrieve(MODEL_ID), RAW: get(f"/models/{MODEL_ID}")},
            LIST: {PEER: lambda: peer.models.list(), RAW: get("/models")},
        }
    finally:
        peer.close()
        raw.close()


@asynccontextmanager
async def async_table(root_url: str) -> AsyncIterator[AsyncTable]:
    """``{RETRIEVE: {PEER, RAW}}`` with ``AsyncOpenAI``/``httpx.AsyncClient``; enter it in the loop."""
    from openai import AsyncOpenAI

    peer = AsyncOpenAI(api_key=API_KEY, base_url=f"{root_url}/v1", max_retries=0, timeout=TIMEOUT)
    raw = httpx.AsyncClient(
        base_url=f"{root_url}/v1", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=TIMEOUT
    )

    def get(path: str) -> Callable[[], Awaitable[object]]:
        async def fetch() -> object:
            return json.loads((await raw.get(path)).content)

        return fetch

    async def retrieve() -> object:
        return await peer.models.retrieve(MODEL_ID)

    try:
        yield {RETRIEVE: {PEER: retrieve, RAW: get(f"/models/{MODEL_ID}")}}
    finally:
        await peer.close()
        await raw.aclose()
