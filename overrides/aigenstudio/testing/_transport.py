"""The in-process ways in: httpx transports answering from a ``FakeAPI``, no socket."""

from __future__ import annotations

from typing import Protocol

import anyio
import httpx

from ._faults import Fault, wait, wait_async

__all__ = ["AsyncFakeTransport", "FakeTransport"]


class Answering(Protocol):
    """What a transport needs of the fake (``FakeAPI``): its faults and its answers."""

    def take_fault(self, request: httpx.Request) -> Fault | None: ...

    def respond(self, request: httpx.Request, fault: Fault | None = None) -> httpx.Response: ...


class FakeTransport(httpx.BaseTransport):
    """``Client(transport=FakeTransport(api))``: every request answered by ``api``."""

    def __init__(self, api: Answering) -> None:
        self.api = api

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        fault = self.api.take_fault(request)
        if fault is not None:
            wait(fault)
        return self.api.respond(request, fault)


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """``AsyncClient(transport=AsyncFakeTransport(api))``; latency faults sleep without blocking."""

    def __init__(self, api: Answering) -> None:
        self.api = api

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        fault = self.api.take_fault(request)
        if fault is not None:
            await wait_async(fault)
        # Webhook deliveries to a URL block: keep them off the event loop.
        return await anyio.to_thread.run_sync(self.api.respond, request, fault)
