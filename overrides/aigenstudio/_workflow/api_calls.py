"""The resource facade for whatever client a helper is handed, with typed errors either way.

Our ``Client`` / ``AsyncClient`` carry the generated facade (``client.product_photo_jobs``)
and raise the typed errors themselves. A bare generated client (``AuthenticatedClient``)
gets the same generated resource classes bound to it; its own failures (an error status
left in the response, a raw httpx transport error, an ``InvalidArgument``) are turned here
into the typed errors our client would raise, so every helper behaves the same behind
either. Helpers call the ``with_raw_response`` verbs so that headers (the request id) are
still there when an answer has to become an error.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

import httpx
from aigenstudio_client import errors as generated_errors
from aigenstudio_client.resources import (
    AsyncProductPhotoJobs,
    AsyncResources,
    ProductPhotoJobs,
    ProductPhotoOperations,
    RawResponse,
    SyncResources,
)

from .._contract.arguments import request_error
from .._contract.spec import load_spec
from .._core.errors import APIResponseValidationError, PaginationLoopError, status_error_from_response
from .._core.safe_json import loads_bounded
from .._core.server_text import response_request_id
from .._http.response_check import transport_error

__all__ = [
    "ApiClient",
    "async_jobs",
    "call",
    "call_async",
    "jobs",
    "operations",
    "typed_error",
]

T = TypeVar("T")
# Returns the httpx client in use; only asked for when an error needs a request to carry.
_HttpxFactory = Callable[[], httpx.Client | httpx.AsyncClient]


class ApiClient(Protocol):
    """What the generated functions use of a client (ours or a bare generated one)."""

    def get_httpx_client(self) -> httpx.Client: ...

    def get_async_httpx_client(self) -> httpx.AsyncClient: ...


def jobs(client: ApiClient) -> ProductPhotoJobs:
    return client.product_photo_jobs if isinstance(client, SyncResources) else ProductPhotoJobs(client)  # type: ignore[arg-type]


def async_jobs(client: ApiClient) -> AsyncProductPhotoJobs:
    if isinstance(client, AsyncResources):
        return client.product_photo_jobs
    return AsyncProductPhotoJobs(client)  # type: ignore[arg-type]


def operations(client: ApiClient) -> ProductPhotoOperations:
    if isinstance(client, SyncResources):
        return client.product_photo_operations
    return ProductPhotoOperations(client)  # type: ignore[arg-type]


def call(client: ApiClient, operation: str, verb: Callable[[], RawResponse[T]], **path: Any) -> T:
    """``verb()`` (a facade ``with_raw_response`` call) reduced to its success model.

    ``operation`` (the generated function's name) and the ``path`` arguments only describe
    the request in an error from a bare client, which keeps no request of its own.
    """
    try:
        raw = verb()
    except Exception as exc:
        error = typed_error(exc, client.get_httpx_client, operation, path)
        if error is None:
            raise
    else:
        return _success(raw, client.get_httpx_client, operation, path)
    raise error  # outside the except block: no __context__ keeps the original (and its key)


async def call_async(
    client: ApiClient, operation: str, verb: Callable[[], Awaitable[RawResponse[T]]], **path: Any
) -> T:
    """The async twin of :func:`call`."""
    try:
        raw = await verb()
    except Exception as exc:
        error = typed_error(exc, client.get_async_httpx_client, operation, path)
        if error is None:
            raise
    else:
        return _success(raw, client.get_async_httpx_client, operation, path)
    raise error


def _success(raw: RawResponse[T], httpx_client: _HttpxFactory, operation: str, path: dict[str, Any]) -> T:
    try:
        return raw.parse()
    except generated_errors.UnexpectedStatus:
        pass  # only a bare client leaves an error status (or an unreadable body) to here
    status = raw.status_code
    response = httpx.Response(
        status, headers=raw.headers, content=raw.content, request=_request_for(httpx_client, operation, path)
    )
    raise _status_error(response, operation)


def typed_error(
    exc: Exception, httpx_client: _HttpxFactory, operation: str, path: dict[str, Any]
) -> Exception | None:
    """The typed error our Client would raise for a bare client's own failure, else None."""
    if isinstance(exc, httpx.TransportError):
        try:
            request = exc.request
        except RuntimeError:  # raised outside a client call: no request to name
            request = _request_for(httpx_client, operation, path)
        return transport_error(request, exc)  # its cause is a redacted copy of exc
    if isinstance(exc, generated_errors.InvalidArgument):
        return request_error(exc)
    if isinstance(exc, generated_errors.PaginationLoop):  # a bare client's facade iter()
        return PaginationLoopError(exc.cursor, exc.pages)
    # An error status (raise_on_unexpected_status=True, or a facade iter() page), or a body
    # the generated parser could not read: status and body only, nothing secret.
    if isinstance(exc, generated_errors.UnexpectedStatus):
        raw = httpx.Response(
            exc.status_code, content=exc.content, request=_request_for(httpx_client, operation, path)
        )
        error = _status_error(raw, operation)
        error.__cause__ = exc
        return error
    return None


def _status_error(response: httpx.Response, operation: str) -> Exception:
    if response.status_code >= 400:
        return status_error_from_response(response, None)
    return APIResponseValidationError(
        f"{operation}: HTTP {response.status_code} is not the documented success response",
        response=response,
        request_id=response_request_id(response.headers),
        body=_json_or_none(response.content),
    )


def _request_for(httpx_client: _HttpxFactory, operation: str, path: dict[str, Any]) -> httpx.Request:
    # A bare client drops the httpx.Request; describe an equivalent one (never sent) from the
    # contract's entry for the operation, so its errors carry the method and URL like ours.
    described = load_spec().named.get(operation)
    if described is None:
        return httpx_client().build_request("GET", "")
    return httpx_client().build_request(described.method, described.path_for(path))


def _json_or_none(content: bytes) -> Any:
    # The same depth-bounded parser as every other server body: a 100,000-deep document from
    # a hostile server is "no body", not a RecursionError.
    try:
        return loads_bounded(content) if content else None
    except ValueError:  # JSONTooDeep is one
        return None
