"""The connection pools of one client and its copies: built once, on first use, closed for good.

A client's connection pool (the base transport) belongs to the client built by the
constructor, its root; every copy (``with_options``, ``with_timeout``...) sends on the
root's pool through an httpx client of its own (its own timeout, retries, headers), so a
copy costs no sockets and needs no closing. Closing a copy stops the copy only; closing the
root closes the pool, and every copy fails with ClientClosedError from then on.

A pool is built lazily under a lock (many threads making their first call at once still
share one), and a closed client stays closed, also if it is closed before its first call.
Closing stops traffic: the flag is set before the pool closes, and the retry layer reads
it (``is_closed``) around every attempt, so a call in flight ends with ClientClosedError
instead of re-sending on a new connection after ``close()`` returned.
An async pool belongs to the event loop that opened its connections: a new loop after the
old one ended gets a new pool; two loops running at once may not share one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx

from .._core.errors import ClientClosedError, ConfigurationError
from .._core.loop import running_asyncio_loop

if TYPE_CHECKING:
    import asyncio

    from .httpx_clients import HttpxClients

__all__ = ["Pools"]


class Pools:
    def __init__(self, owner: str, clients: HttpxClients, parent: Pools | None = None) -> None:
        self._owner = owner  # the client's class name, for messages
        self._clients = clients
        self._root: Pools = self if parent is None else parent._root  # owns the base transports
        self._sync: httpx.Client | None = None
        self._async: httpx.AsyncClient | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        self._sync_closed = self._async_closed = False
        self._lock = threading.Lock()
        # The connection pools every copy sends on: the root's.
        self._shared: SharedPools = (
            SharedPools(clients, self._other_loop_error) if parent is None else parent._shared
        )

    def sync(self) -> httpx.Client:
        if self._sync_closed or self._root._sync_closed:
            raise self._closed_error()
        built = self._sync
        if built is None:
            with self._lock:
                if self._is_sync_closed():
                    raise self._closed_error()
                if self._sync is None:
                    shared, root_closed = self._shared.sync(), self._root._is_sync_closed
                    self._sync = self._clients.build_sync(self._is_sync_closed, shared, root_closed)
                built = self._sync
        return built

    def async_(self) -> httpx.AsyncClient:
        if self._async_closed or self._root._async_closed:
            raise self._closed_error()
        built = self._async
        if built is not None:
            built = self._for_this_loop(built)
        if built is None:
            with self._lock:
                if self._is_async_closed():
                    raise self._closed_error()
                if self._async is None:
                    shared, root_closed = self._shared.async_(), self._root._is_async_closed
                    self._async = self._clients.build_async(self._is_async_closed, shared, root_closed)
                    self._async_loop = running_asyncio_loop()
                built = self._async
        return built

    def _for_this_loop(self, built: httpx.AsyncClient) -> httpx.AsyncClient | None:
        """The async client if it belongs to the running event loop; None to build a new one."""
        loop = running_asyncio_loop()
        if loop is None:
            return built  # not under asyncio (e.g. trio): nothing to compare
        owner = self._async_loop
        if owner is None or owner is loop:
            self._async_loop = loop
            return built
        if owner.is_closed():  # asyncio.run() ended: its connections are dead
            with self._lock:
                self._async = None
                self._async_loop = loop
            return None
        raise self._other_loop_error()

    def _is_sync_closed(self) -> bool:
        return self._sync_closed or self._root._sync_closed

    def _is_async_closed(self) -> bool:
        return self._async_closed or self._root._async_closed

    def close(self) -> None:
        with self._lock:  # a client closed before its first call stays closed too
            self._sync_closed = True
        if self._sync is not None:
            self._sync.close()  # a copy's sending transport never closes the shared pool
        if self._root is self:
            self._shared.close()

    async def aclose(self) -> None:
        with self._lock:
            self._async_closed = True
        if self._async is not None:
            await self._async.aclose()
        if self._root is self:
            await self._shared.aclose()
        self.close()

    def _closed_error(self) -> ClientClosedError:
        if self._sync_closed or self._async_closed or self._root is self:
            what = f"This {self._owner} is closed"
        else:
            what = f"The {self._owner} this one was copied from (with_options, with_timeout...) is closed"
        return ClientClosedError(f"{what}: nothing is sent; create a new one.", request=None, request_id=None)

    def _other_loop_error(self) -> ConfigurationError:
        return ConfigurationError(
            f"This {self._owner} is in use by another running event loop: "
            "create one AsyncClient per event loop."
        )


class SharedPools:
    """A root client's base transports (its connection pools), shared by its copies."""

    def __init__(self, clients: HttpxClients, other_loop_error: Callable[[], Exception]) -> None:
        self._clients = clients
        self._other_loop_error = other_loop_error
        self._sync: httpx.BaseTransport | None = None
        self._async: httpx.AsyncBaseTransport | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def sync(self) -> httpx.BaseTransport:
        with self._lock:
            if self._sync is None:
                self._sync = self._clients.sync_base()
            return self._sync

    def async_(self) -> httpx.AsyncBaseTransport:
        """The async pool for the running loop (a new one once its loop has ended)."""
        loop = running_asyncio_loop()
        with self._lock:
            owner = self._async_loop
            if self._async is not None and loop is not None and owner not in (None, loop):
                if not owner.is_closed():
                    raise self._other_loop_error()
                self._async = None  # asyncio.run() ended: its connections are dead
            if self._async is None:
                self._async = self._clients.async_base()
                self._async_loop = loop
            return self._async

    def close(self) -> None:
        with self._lock:
            base = self._sync
        if base is not None:
            base.close()

    async def aclose(self) -> None:
        with self._lock:
            base = self._async
        if base is not None:
            await base.aclose()
