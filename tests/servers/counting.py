"""httpx transports that record every request that really goes out on the wire.

Passed to ``Client(transport=...)``, they sit below the client's retry layer, so each
attempt is counted; a request refused by the client's own checks never reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class Sent:
    method: str
    path: str
    request_id: str | None
    status: int | None
    violations: str | None  # Prism's sl-violations header, if it objected


@dataclass
class _Log:
    sent: list[Sent] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.sent)

    def record(self, request: httpx.Request, response: httpx.Response | None) -> None:
        self.sent.append(
            Sent(
                method=request.method,
                path=request.url.path,
                request_id=request.headers.get("x-request-id"),
                status=response.status_code if response is not None else None,
                violations=response.headers.get("sl-violations") if response is not None else None,
            )
        )


class CountingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport | None = None) -> None:
        self._inner = inner or httpx.HTTPTransport()
        self.log = _Log()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._inner.handle_request(request)
        except httpx.TransportError:
            self.log.record(request, None)
            raise
        self.log.record(request, response)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncCountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport()
        self.log = _Log()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
        except httpx.TransportError:
            self.log.record(request, None)
            raise
        self.log.record(request, response)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
