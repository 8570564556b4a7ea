"""Everything between the wire and the generated parsers: typed errors and checked bodies.

- ``GuardTransport`` / ``AsyncGuardTransport`` are the outermost transports: httpx transport
  failures become APITimeoutError / APIConnectionError carrying the request id we sent.
- ``inspect_response`` runs in the response hook: it reads the body (the generated functions
  read it anyway), raises the typed APIStatusError for any 4xx/5xx, and checks a 2xx JSON body
  against the operation's response schema, so the generated parser never meets a body that
  would make it raise a raw KeyError, TypeError or JSONDecodeError.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from time import perf_counter
from typing import Any

import httpx

from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    status_error_from_response,
)
from ._logging import log_response
from ._request_id import RequestIdState
from ._spec import Operation
from ._validation import Invalid

__all__ = [
    "EXCHANGE_KEY",
    "AsyncGuardTransport",
    "Exchange",
    "GuardTransport",
    "finish_response",
    "transport_error",
]

# Our per-request context travels in request.extensions (httpx's slot for such data).
EXCHANGE_KEY = "aigenstudio.exchange"


@dataclass(slots=True)
class Exchange:
    operation: Operation | None
    request_id: str
    started: float
    state: RequestIdState


def _sent_request_id(request: httpx.Request) -> str | None:
    exchange = request.extensions.get(EXCHANGE_KEY)
    if isinstance(exchange, Exchange):
        return exchange.request_id
    header: str | None = request.headers.get("x-request-id")
    return header


def transport_error(request: httpx.Request, exc: httpx.TransportError) -> APIConnectionError:
    """The typed error for an httpx transport failure (the message never holds headers)."""
    request_id = _sent_request_id(request)
    where = f"{request.method} {request.url.copy_with(query=None)}"
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out ({kind}): {where}", request=request, request_id=request_id)
    return APIConnectionError(
        f"Connection error ({kind}: {exc}): {where}", request=request, request_id=request_id
    )


class GuardTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self._inner.handle_request(request)
        except httpx.TransportError as exc:
            raise transport_error(request, exc) from exc

    def close(self) -> None:
        self._inner.close()


class AsyncGuardTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except httpx.TransportError as exc:
            raise transport_error(request, exc) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def finish_response(response: httpx.Response) -> None:
    """Called from the response hook once the body is read: raise or record, and log."""
    request = response.request
    exchange = request.extensions.get(EXCHANGE_KEY)
    if not isinstance(exchange, Exchange):
        return  # a request our hooks did not prepare (e.g. a caller's own httpx call)
    status = response.status_code
    if status >= 400:
        error = status_error_from_response(response, exchange.request_id)
        _record(exchange, request, status, error.request_id or exchange.request_id)
        raise error
    header_id = response.headers.get("x-request-id")
    check = exchange.operation.response_checks.get(status) if exchange.operation else None
    if check is None and not _is_json(response):
        _record(exchange, request, status, header_id or exchange.request_id)
        return
    body = _parse_json(response, exchange, header_id)
    body_id = body.get("request_id") if isinstance(body, dict) else None
    request_id = body_id if isinstance(body_id, str) and body_id else header_id or exchange.request_id
    _record(exchange, request, status, request_id)
    if check is not None:
        try:
            check(body, "response")
        except Invalid as exc:
            raise APIResponseValidationError(
                f"HTTP {status} response does not match the API spec: {exc.describe()}",
                response=response,
                request_id=request_id,
                body=body,
            ) from None


def _is_json(response: httpx.Response) -> bool:
    content_type = response.headers.get("content-type", "")
    return "json" in content_type


def _parse_json(response: httpx.Response, exchange: Exchange, header_id: str | None) -> Any:
    try:
        return json.loads(response.content)
    except ValueError as exc:  # JSONDecodeError and undecodable bytes
        request_id = header_id or exchange.request_id
        _record(exchange, response.request, response.status_code, request_id)
        raise APIResponseValidationError(
            f"HTTP {response.status_code} response body is not valid JSON ({exc.__class__.__name__})",
            response=response,
            request_id=request_id,
        ) from exc


def _record(exchange: Exchange, request: httpx.Request, status: int, request_id: str) -> None:
    exchange.state.record(request_id)
    log_response(request.method, request.url.path, status, perf_counter() - exchange.started, request_id)
