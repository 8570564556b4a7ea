"""The client's event hooks: what every request and response goes through, by operation.

On a request, before anything is sent: the origin (only the client's base URL), the route
(a path that is no operation of the spec is never sent), the key policy (public operations
may go without a key), the request id, and the operation's wire-form checks. On a response:
typed errors for error and undeclared statuses, and the 2xx body checked (``_response_guard``).
Routes are cached: path parameters are a function of the path alone.
"""

from __future__ import annotations

from time import perf_counter

import httpx

from .._contract.spec import Operation, Spec, load_spec
from .._core.api_facts import REQUEST_ID_HEADER
from .._core.errors import RequestValidationError
from .._core.log import log_request
from .config import Settings, missing_key_error
from .guard import EXCHANGE_KEY, Exchange, finish_response
from .request_id import RequestIdState, check_request_id

__all__ = ["RequestHooks"]

# A request's operation (None: not in the spec) and its decoded path parameters.
_Route = tuple[Operation | None, tuple[str, ...]]
_NO_ROUTE: _Route = (None, ())
_ROUTE_CACHE_SIZE = 512


class RequestHooks:
    """The httpx event hooks of one client (sync and async share the checks)."""

    def __init__(self, settings: Settings, request_ids: RequestIdState) -> None:
        base = httpx.URL(settings.base_url)
        self._base_url = settings.base_url
        self._base_path = base.raw_path.decode("ascii").rstrip("/")
        self._origin = (base.scheme, base.host, base.port)
        self._has_key = settings.api_key is not None
        self._request_ids = request_ids
        self._spec: Spec | None = None
        self._routes: dict[tuple[str, bytes], _Route] = {}

    def parameter_name(self, method: str, segments: list[str], index: int) -> str | None:
        return self.spec().path_parameter(method, segments, index)

    def spec(self) -> Spec:
        spec = self._spec
        if spec is None:
            spec = self._spec = load_spec()
        return spec

    def on_request(self, request: httpx.Request) -> None:
        """Before anything is sent: key policy, request id, and the spec's limits."""
        started = perf_counter()
        method = request.method
        url = request.url
        if (url.scheme, url.host, url.port) != self._origin:
            raise RequestValidationError(
                "url",
                "must be on the client's base_url",
                f"{method} {url.copy_with(query=None, userinfo=b'')} is not on the client's base_url "
                f"({self._base_url}); nothing was sent",
            )
        # The raw (still percent-encoded) path: an encoded "/" inside a path parameter must
        # stay inside that parameter when matching the route.
        raw_path = request.url.raw_path
        if b"?" in raw_path:
            raw_path = raw_path.split(b"?", 1)[0]
        route = self._routes.get((method, raw_path))
        if route is None:
            route = self._route(method, raw_path)
        operation = route[0]
        if operation is None:
            # Whatever built it, a request the spec does not describe is not the API's: it is
            # never sent, and above all never with the key.
            raise RequestValidationError(
                "path",
                "must be an operation of the API spec",
                f"{method} {request.url.copy_with(query=None, userinfo=b'')} is not an operation of "
                "the API spec (openapi.yaml); nothing was sent",
            )
        if not self._has_key and not operation.public:
            raise missing_key_error()
        request_id = request.headers.get(REQUEST_ID_HEADER)
        if request_id is None:
            request_id = self._request_ids.outgoing()
            request.headers[REQUEST_ID_HEADER] = request_id
        else:
            check_request_id(request_id)
        if operation.has_checks_beyond_path:
            operation.validate_beyond_path(request)
        request.extensions[EXCHANGE_KEY] = Exchange(operation, request_id, started, self._request_ids)
        log_request(request, request_id)

    def _route(self, method: str, raw_path: bytes) -> _Route:
        """Match a path to its operation and check its path parameters; the result is cached.

        Path parameters are a function of the path alone, so a path that passed once (a job
        polled until it finishes) is neither matched nor checked again. A failing path raises
        and is not cached.
        """
        spec = self.spec()
        path = raw_path.decode("ascii")
        if self._base_path and path.startswith(self._base_path):
            path = path[len(self._base_path) :]
        found = spec.match(method, path)
        route: _Route = found if found is not None else _NO_ROUTE
        if found is not None:
            found[0].validate_path(found[1])
        if len(self._routes) >= _ROUTE_CACHE_SIZE:
            self._routes.clear()  # ids are unbounded; a full reset is cheaper than LRU upkeep
        self._routes[(method, raw_path)] = route
        return route

    def on_response(self, response: httpx.Response) -> None:
        response.read()  # in memory already: the reading transport read it, within its limits
        finish_response(response)

    async def on_request_async(self, request: httpx.Request) -> None:
        self.on_request(request)

    async def on_response_async(self, response: httpx.Response) -> None:
        await response.aread()
        finish_response(response)
