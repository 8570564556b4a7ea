"""The client's event hooks: what every request and response goes through, by operation.

On a request, before anything is sent, in this order (``on_request``):

1. the origin: only the client's base URL;
2. the operation: a generated call names it (and its path arguments) in the request's
   extensions, a dict lookup, trusted only when the request's method is the operation's and
   its path is the one those arguments fill; a request made by hand on the client's httpx client names
   none, and only then is its path matched against the spec (``Spec.match``): a path that
   is no operation of the spec is never sent;
3. the key policy: public operations may go without a key;
4. the request id: the caller's, checked, or a fresh one;
5. the operation's wire-form checks (path values, then query, headers and body);
6. the exchange recorded for the response hook, and the request logged.

On a response: typed errors for error and undeclared statuses, and the 2xx body checked
(``finish_response``).
"""

from __future__ import annotations

from collections.abc import Mapping
from time import perf_counter
from typing import TYPE_CHECKING

import httpx

from .._contract.extensions import OPERATION_EXTENSION, PATH_EXTENSION
from .._core.api_facts import REQUEST_ID_HEADER
from .._core.errors import RequestValidationError
from .._core.log import log_request
from .download import is_download
from .request_id import RequestIdState, check_request_id
from .response_check import EXCHANGE_KEY, Exchange, finish_response
from .settings import Settings, missing_key_error

if TYPE_CHECKING:
    from .._contract.spec import Operation, Spec

__all__ = ["RequestHooks"]


class RequestHooks:
    """The httpx event hooks of one client (sync and async share the checks)."""

    def __init__(self, settings: Settings, request_ids: RequestIdState, *, strict: bool = True) -> None:
        self._strict = strict  # strict_response_validation
        base = httpx.URL(settings.base_url)
        self._base_url = settings.base_url
        self._base_path = base.raw_path.decode("ascii").rstrip("/")
        self._origin = (base.scheme, base.host, base.port)
        self._has_key = settings.api_key is not None
        self._request_ids = request_ids
        self._spec: Spec | None = None

    def spec(self) -> Spec:
        spec = self._spec
        if spec is None:
            from .._contract.spec import load_spec  # with the first call: the contract is not an import cost

            spec = self._spec = load_spec()
        return spec

    def parameter_name(self, operation: str | None, header: str) -> str:
        """The argument a header is passed as (in ``operation`` if named), else the header's name."""
        spec = self.spec()
        described = spec.named.get(operation) if operation is not None else None
        for param in described.parameters if described is not None else ():
            if param.location == "header" and param.name.lower() == header.lower():
                return param.field
        declared = spec.header_parameter(header)
        return declared.field if declared is not None else header

    def on_request(self, request: httpx.Request) -> None:
        """Before anything is sent: the steps of the module docstring, in order."""
        started = perf_counter()
        self._check_origin(request)
        operation = self._operation_of(request)
        if not self._has_key and not operation.public:
            raise missing_key_error()
        request_id = self._request_id_of(request)
        if operation.has_checks_beyond_path:
            operation.validate_beyond_path(request)
        request.extensions[EXCHANGE_KEY] = Exchange(operation, request_id, started, self._request_ids)
        log_request(request, request_id)

    def _check_origin(self, request: httpx.Request) -> None:
        url = request.url
        if (url.scheme, url.host, url.port) != self._origin:
            raise RequestValidationError(
                "url",
                "must be on the client's base_url",
                f"{request.method} {url.copy_with(query=None, userinfo=b'')} is not on the client's "
                f"base_url ({self._base_url}); nothing was sent",
            )

    def _operation_of(self, request: httpx.Request) -> Operation:
        """The request's operation, its path arguments checked."""
        name = request.extensions.get(OPERATION_EXTENSION)
        if name is None:
            operation, arguments = self._match(request)
        else:
            named = self.spec().named.get(name)
            given = request.extensions.get(PATH_EXTENSION)
            arguments = given if isinstance(given, Mapping) else {}
            # Trusted only for the request it builds: its method, and the path its arguments
            # fill (one string build, no matching), else a hand-made request could claim any
            # operation and go anywhere with the key.
            if (
                named is None
                or request.method != named.method
                or self._path_of(request) != named.path_for(arguments)
            ):
                raise _not_an_operation(request)
            operation = named
        if operation.path_parameters:
            operation.validate_path(arguments)
        return operation

    def _match(self, request: httpx.Request) -> tuple[Operation, Mapping[str, str]]:
        """A hand-made request's operation, from its method and (still percent-encoded) path:
        an encoded "/" inside a path value stays inside that value."""
        found = self.spec().match(request.method, self._path_of(request))
        if found is None:
            # Whatever built it, a request the spec does not describe is not the API's: it is
            # never sent, and above all never with the key.
            raise _not_an_operation(request)
        return found

    def _path_of(self, request: httpx.Request) -> str:
        """The request's path below the base URL, still percent-encoded."""
        path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        if self._base_path and path.startswith(self._base_path):
            path = path[len(self._base_path) :]
        return path

    def _request_id_of(self, request: httpx.Request) -> str:
        """The caller's request id, checked, or a fresh one set on the request."""
        request_id = request.headers.get(REQUEST_ID_HEADER)
        if request_id is None:
            fresh = self._request_ids.outgoing()
            request.headers[REQUEST_ID_HEADER] = fresh
            return fresh
        check_request_id(request_id)
        return str(request_id)

    def on_response(self, response: httpx.Response) -> None:
        if not is_download(response.request, response):  # a download's body is the caller's
            response.read()  # in memory already: the sending transport read it, within its limits
        finish_response(response, self._strict)

    async def on_request_async(self, request: httpx.Request) -> None:
        self.on_request(request)

    async def on_response_async(self, response: httpx.Response) -> None:
        if not is_download(response.request, response):
            await response.aread()
        finish_response(response, self._strict)


def _not_an_operation(request: httpx.Request) -> RequestValidationError:
    return RequestValidationError(
        "path",
        "must be an operation of the API spec",
        f"{request.method} {request.url.copy_with(query=None, userinfo=b'')} is not an operation of "
        "the API spec (openapi.yaml); nothing was sent",
    )
