"""Call generated operations by name, with typed errors whatever client the caller holds.

The workflow helpers find each operation's module under ``aigenstudio_client.api`` by its
name instead of importing a tag package: a vendor regrouping tags (``api.product_photo_api``
becoming ``api.product_photo_jobs``) moves the modules, and a regenerated client must keep
working without an edit here.

A bare generated client returns non-2xx answers as ``Response.parsed`` (an ErrorResponse or
None) and lets httpx transport errors through; :func:`call` and :func:`call_async` turn
those into the typed errors of ``_errors``
so the helpers behave the same behind our ``Client`` (which raises them itself) or a bare one.
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import httpx

from .._contract.arguments import request_error
from .._contract.spec import load_spec
from .._core.errors import APIResponseValidationError, ConfigurationError, status_error_from_response
from .._http.guard import transport_error

__all__ = ["ApiClient", "call", "call_async", "find_operation", "operation_names"]

_API_PACKAGE = "aigenstudio_client.api"


class UnknownOperationError(ConfigurationError, LookupError):
    """No generated operation of that name (an SDK error, and a LookupError as before)."""


T = TypeVar("T")
# Returns the httpx client in use; only asked for when an error needs a request to carry.
_HttpxFactory = Callable[[], httpx.Client | httpx.AsyncClient]


class ApiClient(Protocol):
    """What the generated operation functions use of a client (ours or a generated one)."""

    def get_httpx_client(self) -> httpx.Client: ...

    def get_async_httpx_client(self) -> httpx.AsyncClient: ...


@functools.cache
def _modules_by_operation() -> dict[str, list[str]]:
    """Every generated endpoint module's dotted name, keyed by operation name."""
    package = importlib.import_module(_API_PACKAGE)
    modules: dict[str, list[str]] = {}
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{_API_PACKAGE}."):
        if not info.ispkg:
            modules.setdefault(info.name.rsplit(".", 1)[-1], []).append(info.name)
    return modules


def operation_names() -> list[str]:
    """The snake_case names of every generated operation, whatever tag package holds them."""
    return sorted(_modules_by_operation())


@functools.cache
def find_operation(name: str) -> ModuleType:
    """The generated module of operation ``name`` (snake_case operationId), in any tag package."""
    found = _modules_by_operation().get(name, [])
    if len(found) != 1:
        where = ", ".join(found) if found else "nowhere"
        raise UnknownOperationError(
            f"operation {name!r} must be defined once under {_API_PACKAGE}, found {where}"
        )
    return importlib.import_module(found[0])


def call(client: ApiClient, operation: str, expected: type[T], **kwargs: Any) -> T:
    """Run ``operation`` synchronously; return its parsed 2xx body or raise the typed error."""
    module = find_operation(operation)
    try:
        response = module.sync_detailed(client=client, **kwargs)
    except Exception as exc:
        error = _typed_error(exc, client.get_httpx_client, module, kwargs)
        if error is None:
            raise
    else:
        return _parsed_or_raise(response, expected, client.get_httpx_client, module, kwargs)
    raise error  # outside the except block: no __context__ keeps the original (and its key)


async def call_async(client: ApiClient, operation: str, expected: type[T], **kwargs: Any) -> T:
    """Run ``operation`` asynchronously; return its parsed 2xx body or raise the typed error."""
    module = find_operation(operation)
    try:
        response = await module.asyncio_detailed(client=client, **kwargs)
    except Exception as exc:
        error = _typed_error(exc, client.get_async_httpx_client, module, kwargs)
        if error is None:
            raise
    else:
        return _parsed_or_raise(response, expected, client.get_async_httpx_client, module, kwargs)
    raise error


def _parsed_or_raise(
    response: Any, expected: type[T], httpx_client: _HttpxFactory, module: ModuleType, kwargs: dict[str, Any]
) -> T:
    status = int(response.status_code)
    parsed = response.parsed
    if 200 <= status < 300 and isinstance(parsed, expected):
        return parsed
    raw = httpx.Response(
        status,
        headers=response.headers,
        content=response.content,
        request=_request_for(httpx_client, module, kwargs),
    )
    if status >= 400:
        raise status_error_from_response(raw, None)
    raise APIResponseValidationError(
        f"{module.__name__.rsplit('.', 1)[-1]}: HTTP {status} did not parse as {expected.__name__}",
        response=raw,
        request_id=raw.headers.get("x-request-id"),
        body=_json_or_none(response.content),
    )


def _typed_error(
    exc: Exception, httpx_client: _HttpxFactory, module: ModuleType, kwargs: dict[str, Any]
) -> Exception | None:
    """The typed error our Client would raise for a bare client's own failure, else None."""
    from aigenstudio_client.errors import InvalidArgument, UnexpectedStatus

    if isinstance(exc, httpx.TransportError):
        try:
            request = exc.request
        except RuntimeError:  # raised outside a client call: no request to name
            request = _request_for(httpx_client, module, kwargs)
        return transport_error(request, exc)  # its cause is a redacted copy of exc
    if isinstance(exc, InvalidArgument):
        return request_error(exc)
    # raise_on_unexpected_status=True gives UnexpectedStatus (status and body only).
    if isinstance(exc, UnexpectedStatus) and exc.status_code >= 400:
        raw = httpx.Response(
            exc.status_code, content=exc.content, request=_request_for(httpx_client, module, kwargs)
        )
        error = status_error_from_response(raw, None)
        error.__cause__ = exc  # status and body only: nothing secret
        return error
    return None


def _request_for(httpx_client: _HttpxFactory, module: ModuleType, kwargs: dict[str, Any]) -> httpx.Request:
    # The generated functions drop the httpx.Request; describe an equivalent one (never sent)
    # from the contract, so errors carry the method and URL like those our Client raises.
    name = module.__name__.rsplit(".", 1)[-1]
    client = httpx_client()
    for operation in load_spec().operations.values():
        if operation.module == name:
            path = operation.template
            for param in operation.parameters:
                if param.location == "path" and param.field in kwargs:
                    path = path.replace("{" + param.name + "}", quote(str(kwargs[param.field]), safe=""))
            return client.build_request(operation.method, path)
    return client.build_request("GET", "")


def _json_or_none(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None
