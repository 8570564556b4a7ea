"""``FakeSession``: what the pytest fixtures yield: the fake, its key and clients bound to it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from ._api import FakeAPI

if TYPE_CHECKING:
    from .._client import AsyncClient, Client

__all__ = ["SANDBOX_KEY", "FakeSession"]

SANDBOX_KEY = "aigen_test_fake0000000000000000"


class FakeSession:
    """A ``FakeAPI`` (``.api``, for assertions and faults) with a ``Client`` (``.client``) and an
    ``AsyncClient`` (``.async_client``) on its in-process transport, made on first use. Their
    retries back off briefly (10 ms to 50 ms) so injected faults cost no real time."""

    def __init__(self, api: FakeAPI | None = None, api_key: str = SANDBOX_KEY) -> None:
        self.api = api or FakeAPI()
        self.api_key = api_key
        self._client: Client | None = None
        self._async_client: AsyncClient | None = None

    @property
    def client(self) -> Client:
        if self._client is None:
            from .._client import Client
            from .._http.retries import RetryPolicy

            self._client = Client(
                api_key=self.api_key,
                base_url=self.api.base_url,
                transport=self.api.transport(),
                retry_policy=RetryPolicy(initial_backoff=0.01, max_backoff=0.05),
            )
        return self._client

    @property
    def async_client(self) -> AsyncClient:
        if self._async_client is None:
            from .._client import AsyncClient
            from .._http.retries import RetryPolicy

            self._async_client = AsyncClient(
                api_key=self.api_key,
                base_url=self.api.base_url,
                transport=self.api.async_transport(),
                retry_policy=RetryPolicy(initial_backoff=0.01, max_backoff=0.05),
            )
        return self._async_client

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    async def __aenter__(self) -> FakeSession:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    def close(self) -> None:
        """Release held requests, then close the clients (not the fake: it may be shared). In a
        running event loop, use ``await session.aclose()`` (``async with``)."""
        if self._async_client is not None and _loop_running():
            raise RuntimeError("FakeSession.close() in a running event loop: await session.aclose()")
        self.api.release_held()
        if self._client is not None:
            self._client.close()
        if self._async_client is not None:
            asyncio.run(self._async_client.aclose())  # no sockets: any loop can close it

    async def aclose(self) -> None:
        """``close()`` for async code."""
        self.api.release_held()
        if self._client is not None:
            self._client.close()
        if self._async_client is not None:
            await self._async_client.aclose()


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
