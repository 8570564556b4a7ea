"""Everything between the wire and the generated parsers: typed errors and checked bodies.

- ``GuardTransport`` / ``AsyncGuardTransport`` are the outermost transports: httpx transport
  failures become APITimeoutError / APIConnectionError carrying the request id we sent.
- ``finish_response`` runs in the response hook: the typed APIStatusError for any 4xx/5xx,
  otherwise the request id is recorded and logged.
- ``guard_loaded_endpoints`` makes a 2xx body the generated parser cannot read (not JSON, a
  required field missing, a wrong shape) raise APIResponseValidationError, never a raw
  KeyError / TypeError / JSONDecodeError.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
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
    "guard_loaded_endpoints",
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
    """Called from the response hook once the body is read: raise a typed error or record the id."""
    request = response.request
    exchange = request.extensions.get(EXCHANGE_KEY)
    if not isinstance(exchange, Exchange):
        return  # a request our hooks did not prepare
    status = response.status_code
    if status >= 400:
        error = status_error_from_response(response, exchange.request_id)
        _record(exchange, request, status, error.request_id or exchange.request_id)
        raise error
    # The body's request_id (preferred) is read from the parsed model by the guarded parser,
    # so the body is parsed once, by the generated code.
    _record(exchange, request, status, response.headers.get("x-request-id") or exchange.request_id)


def _record(exchange: Exchange, request: httpx.Request, status: int, request_id: str) -> None:
    exchange.state.record(request_id)
    log_response(request, status, exchange.started, request_id)


# -- the generated parsers -----------------------------------------------------------------
#
# The generated ``sync_detailed``/``asyncio_detailed`` parse the body after httpx returns, so
# no hook can catch a parser's KeyError/TypeError/JSONDecodeError. Each endpoint module's
# ``_build_response`` (a private name of the generator: tests/client/test_generated_contract.py
# fails loudly if it changes) is wrapped once, when first seen loaded. The wrapper is a no-op
# for requests our hooks did not prepare, costs one dict lookup on the happy path, and turns a
# parser failure into APIResponseValidationError, described by the spec's response schema.

_API_PACKAGE_PREFIX = "aigenstudio_client.api."
_GUARD_MARK = "__aigenstudio_guard__"
_PARSER_ERRORS = (ValueError, KeyError, TypeError, AttributeError, IndexError)
_seen_modules = 0


def guard_loaded_endpoints() -> None:
    """Wrap the parser of every loaded endpoint module (cheap when nothing new was imported)."""
    global _seen_modules
    count = len(sys.modules)
    if count == _seen_modules:
        return
    _seen_modules = count
    for name, module in list(sys.modules.items()):
        if not name.startswith(_API_PACKAGE_PREFIX) or module is None:
            continue
        build = getattr(module, "_build_response", None)
        if callable(build) and not getattr(build, _GUARD_MARK, False):
            setattr(module, "_build_response", _guarded(build))  # noqa: B010 - a module global


def _guarded(build: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(build)
    def _build_response(*, client: Any, response: httpx.Response) -> Any:
        exchange = response.request.extensions.get(EXCHANGE_KEY)
        if not isinstance(exchange, Exchange):
            return build(client=client, response=response)
        try:
            result = build(client=client, response=response)
        except _PARSER_ERRORS as exc:
            raise _invalid_body(response, exchange, exc) from exc
        body_id = getattr(result.parsed, "request_id", None)
        if isinstance(body_id, str) and body_id:
            exchange.state.record(body_id)
        return result

    setattr(_build_response, _GUARD_MARK, True)
    return _build_response


def _invalid_body(response: httpx.Response, exchange: Exchange, exc: Exception) -> APIResponseValidationError:
    """Describe why the generated parser failed, in the spec's terms where possible."""
    status = response.status_code
    header_id = response.headers.get("x-request-id")
    try:
        body = json.loads(response.content)
    except ValueError:
        return APIResponseValidationError(
            f"HTTP {status} response body is not valid JSON",
            response=response,
            request_id=header_id or exchange.request_id,
        )
    body_id = body.get("request_id") if isinstance(body, dict) else None
    request_id = body_id if isinstance(body_id, str) and body_id else header_id or exchange.request_id
    exchange.state.record(request_id)
    problem = f"{type(exc).__name__}: {exc}"
    check = exchange.operation.response_checks.get(status) if exchange.operation else None
    if check is not None:
        try:
            check(body, "response")
        except Invalid as invalid:
            problem = invalid.describe()
    return APIResponseValidationError(
        f"HTTP {status} response does not match the API spec: {problem}",
        response=response,
        request_id=request_id,
        body=body,
    )
