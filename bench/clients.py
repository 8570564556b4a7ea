"""The clients under comparison, each reduced to "fetch and decode one endpoint".

- ``raw``: ``httpx.Client`` + ``json.loads`` (the floor: no models, no checks);
- ``bare``: the generated ``AuthenticatedClient`` and operation functions, no overrides;
- ``ours``: ``aigenstudio.Client`` with every override on (absent until it is built);
- ``facade``: the same ``aigenstudio.Client`` instance as ``ours``, called through the
  generated resource facade (``client.product_photo_operations.list()``,
  ``client.product_photo_jobs.get(job_id)``).

Ours is driven exactly like the bare client (the generated operation functions take it
as ``client=``), so the difference between the two is what the overrides cost. The facade
shares ours' client (its pool, its connections, its settings), so the difference between
those two is the facade's own work per call and nothing else. Each factory returns an
``Endpoints`` of zero-argument callables plus a ``close``, so the timing loop never sees a
client's API; the facade's ``close`` does nothing (ours closes the shared client).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import ModuleType

import httpx

from bench.server import JOB_ID

__all__ = [
    "API_KEY",
    "AsyncEndpoints",
    "Endpoints",
    "make_async_clients",
    "make_sync_clients",
    "ours_available",
]

API_KEY = "aigen_test_bench0000000000000000"
OPERATIONS = "/product-photo-operations"
JOB = f"/product-photo-jobs/{JOB_ID}"
# Every client gets the timeout ours uses by default: a socket with a timeout polls before each
# send/recv, a cost of having a timeout at all (the generated client's default is none), not of
# the overrides. Equal settings keep "ours / bare" about what the overrides add.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)
# The SDK's own pool limits, given to every client (ours too): the comparison measures the
# SDK's work per call, not how many idle connections each pool keeps. The keep-alive expiry is
# longer than the SDK's 5 s: the async rounds interleave the clients, and on a loaded machine
# one client's pool sat idle for more than 5 s while the others ran, so every pool (raw httpx
# too: 190 connections for 50 workers) closed its idle connections, as it should, and opened
# new ones; the connections row is about reuse under load, not about that idle gap.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100, keepalive_expiry=120.0)


@dataclass
class Endpoints:
    operations: Callable[[], object]
    job: Callable[[], object]
    close: Callable[[], None]


@dataclass
class AsyncEndpoints:
    operations: Callable[[], Awaitable[object]]
    job: Callable[[], Awaitable[object]]
    close: Callable[[], Awaitable[None]]


def _operations() -> tuple[ModuleType, ModuleType]:
    """The two endpoint modules, found by operation name (tag packages move between specs)."""
    from aigenstudio import find_operation

    return find_operation("list_product_photo_operations"), find_operation("get_product_photo_job")


def ours_available() -> str | None:
    """None when ``aigenstudio.Client`` imports, else why it does not."""
    try:
        from aigenstudio import AsyncClient, Client  # noqa: F401
    except ImportError as exc:
        return f"n/a (aigenstudio.Client not importable: {exc})"
    return None


def _raw(base_url: str) -> Endpoints:
    client = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=TIMEOUT, limits=LIMITS
    )

    def get(path: str) -> Callable[[], object]:
        return lambda: json.loads(client.get(path).content)

    return Endpoints(get(OPERATIONS), get(JOB), client.close)


def _bare(base_url: str) -> Endpoints:
    list_product_photo_operations, get_product_photo_job = _operations()
    from aigenstudio_client.client import AuthenticatedClient

    client = AuthenticatedClient(
        base_url=base_url, token=API_KEY, timeout=TIMEOUT, httpx_args={"limits": LIMITS}
    )
    job_id = uuid.UUID(JOB_ID)
    return Endpoints(
        lambda: list_product_photo_operations.sync(client=client),
        lambda: get_product_photo_job.sync(job_id, client=client),
        lambda: client.get_httpx_client().close(),
    )


def _ours(base_url: str) -> tuple[Endpoints, Endpoints]:
    """``ours`` (the generated functions given our client) and ``facade`` (the same client's
    resources); only the first closes the client."""
    from aigenstudio import Client

    list_product_photo_operations, get_product_photo_job = _operations()

    client = Client(
        API_KEY, base_url=base_url, timeout=TIMEOUT, httpx_args={"limits": LIMITS}
    )  # every override on
    job_id = uuid.UUID(JOB_ID)
    ours = Endpoints(
        lambda: list_product_photo_operations.sync(client=client),
        lambda: get_product_photo_job.sync(job_id, client=client),
        client.close,
    )
    facade = Endpoints(
        lambda: client.product_photo_operations.list(),
        lambda: client.product_photo_jobs.get(job_id),
        lambda: None,
    )
    return ours, facade


def make_sync_clients(base_url: str) -> dict[str, Endpoints]:
    clients = {"raw": _raw(base_url), "bare": _bare(base_url)}
    if ours_available() is None:
        clients["ours"], clients["facade"] = _ours(base_url)
    return clients


def _raw_async(base_url: str) -> AsyncEndpoints:
    client = httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=TIMEOUT, limits=LIMITS
    )

    def get(path: str) -> Callable[[], Awaitable[object]]:
        async def fetch() -> object:
            return json.loads((await client.get(path)).content)

        return fetch

    return AsyncEndpoints(get(OPERATIONS), get(JOB), client.aclose)


def _bare_async(base_url: str) -> AsyncEndpoints:
    list_product_photo_operations, get_product_photo_job = _operations()
    from aigenstudio_client.client import AuthenticatedClient

    client = AuthenticatedClient(
        base_url=base_url, token=API_KEY, timeout=TIMEOUT, httpx_args={"limits": LIMITS}
    )
    job_id = uuid.UUID(JOB_ID)
    return AsyncEndpoints(
        lambda: list_product_photo_operations.asyncio(client=client),
        lambda: get_product_photo_job.asyncio(job_id, client=client),
        lambda: client.get_async_httpx_client().aclose(),
    )


async def _nothing() -> None:
    return None


def _ours_async(base_url: str) -> tuple[AsyncEndpoints, AsyncEndpoints]:
    """The async ``ours`` and ``facade`` on one ``AsyncClient``, as ``_ours``."""
    from aigenstudio import AsyncClient

    list_product_photo_operations, get_product_photo_job = _operations()

    client = AsyncClient(API_KEY, base_url=base_url, timeout=TIMEOUT, httpx_args={"limits": LIMITS})
    job_id = uuid.UUID(JOB_ID)
    ours = AsyncEndpoints(
        lambda: list_product_photo_operations.asyncio(client=client),
        lambda: get_product_photo_job.asyncio(job_id, client=client),
        client.aclose,
    )
    facade = AsyncEndpoints(
        lambda: client.product_photo_operations.list(),
        lambda: client.product_photo_jobs.get(job_id),
        _nothing,
    )
    return ours, facade


def make_async_clients(base_url: str) -> dict[str, AsyncEndpoints]:
    clients = {"raw": _raw_async(base_url), "bare": _bare_async(base_url)}
    if ours_available() is None:
        clients["ours"], clients["facade"] = _ours_async(base_url)
    return clients
