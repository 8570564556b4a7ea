"""The connection pools of one client: built once, on first use, and closed for good.

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

__all__ = ["Pools"]


class Pools:
    def __init__(
        self,
        owner: str,
        build_sync: Callable[[Callable[[], bool]], httpx.Client],
        build_async: Callable[[Callable[[], bool]], httpx.AsyncClient],
    ) -> None:
        self._owner = owner  # the client's class name, for messages
        self._build_sync = build_sync
        self._build_async = build_async
        self._sync: httpx.Client | None = None
        self._async: httpx.AsyncClient | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        self._sync_closed = self._async_closed = False
        self._lock = threading.Lock()

    def sync(self) -> httpx.Client:
        if self._sync_closed:
            raise self._closed_error()
        built = self._sync
        if built is None:
            with self._lock:
                if self._sync_closed:
                    raise self._closed_error()
                if self._sync is None:
                    self._sync = self._build_sync(self._is_sync_closed)
                built = self._sync
        return built

    def async_(self) -> httpx.AsyncClient:
        if self._async_closed:
            raise self._closed_error()
        built = self._async
        if built is not None:
            built = self._for_this_loop(built)
        if built is None:
            with self._lock:
                if self._async_closed:
                    raise self._closed_error()
                if self._async is None:
                    self._async = self._build_async(self._is_async_closed)
                    self._async_loop = running_asyncio_loop()
                built = self._async
        return built

    def _for_this_loop(self, built: httpx.AsyncClient) -> httpx.AsyncClient | None:
        """The async pool if it belongs to the running event loop; None to build a new one."""
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
        raise ConfigurationError(
            f"This {self._owner} is in use by another running event loop: "
            "create one AsyncClient per event loop."
        )

    def _is_sync_closed(self) -> bool:
        return self._sync_closed

    def _is_async_closed(self) -> bool:
        return self._async_closed

    def close(self) -> None:
        with self._lock:  # a client closed before its first call stays closed too
            self._sync_closed = True
        if self._sync is not None:
            self._sync.close()

    async def aclose(self) -> None:
        with self._lock:
            self._async_closed = True
        if self._async is not None:
            await self._async.aclose()
        self.close()

    def _closed_error(self) -> ClientClosedError:
        return ClientClosedError(
            f"This {self._owner} is closed: nothing is sent; create a new one.", request=None, request_id=None
        )
