"""``Client`` and ``AsyncClient``: the generated client with auth, request ids, checks and typed errors.

Both subclass the generated ``aigenstudio_client.client.Client`` and hand the generated
endpoint functions our own httpx clients through its public ``get_httpx_client()`` /
``get_async_httpx_client()``, built with httpx's own extension points:

    build_request                   header values and path segments checked before httpx
                                    encodes or normalises them (nothing is sent otherwise)
    auth=BearerAuth                 the key, added per request, never stored in headers
    event_hooks request             route -> key policy, X-Request-Id, pre-flight validation;
                                    a path that is no operation of the spec is never sent
    event_hooks response            typed errors for 4xx/5xx and undeclared statuses, 2xx
                                    body checked against the spec
    transport=Guard(Retry(Read(base)))  transport failures typed; safe requests retried;
                                    each attempt bounded by a deadline and a size cap
    base proxy                      env proxies (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) or
                                    httpx_args["proxy"], set on the base transport so
                                    proxied requests still pass the whole chain; never for
                                    a loopback base URL (the key would cross a plain hop)

Nothing here names an endpoint: operations are looked up in the vendored spec, so every
generated function -- today's and any a future spec adds -- works unchanged. Both classes
serve sync and async endpoint functions alike; they differ only in the context manager
they document (``with Client()`` / ``async with AsyncClient()``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Self

import httpx
from aigenstudio_client.client import Client as _GeneratedClient
from aigenstudio_client.resources import AsyncResources, SyncResources

if TYPE_CHECKING:
    import asyncio

from ._contract.arguments import request_error
from ._core.errors import ConfigurationError, PaginationLoopError
from ._core.loop import running_asyncio_loop
from ._http.auth import BearerAuth
from ._http.config import (
    DEFAULT_LIMITS,
    DEFAULT_TIMEOUT,
    KeyKind,
    Settings,
    is_loopback_host,
    resolve_settings,
)
from ._http.deadline import install as install_deadline
from ._http.guard import (
    AsyncGuardTransport,
    GuardTransport,
    parse_error,
)
from ._http.hooks import RequestHooks
from ._http.options import check_counts, checked_httpx_args, checked_timeout
from ._http.outgoing import AsyncCheckedHttpClient, CheckedHttpClient
from ._http.proxies import environment_proxy
from ._http.reading import DEFAULT_MAX_RESPONSE_SIZE, AsyncReadingTransport, ReadingTransport
from ._http.request_id import RequestIdState
from ._http.retries import AsyncRetryTransport, RetryPolicy, RetryTransport
from ._version import __version__

__all__ = ["AsyncClient", "Client"]

_USER_AGENT = f"aigenstudio-python/{__version__}"
# httpx_args that configure the base transport (httpx ignores them once transport= is set).
# "proxy" too: httpx mounts its own transport for it (even beside transport=), past our chain.
_TRANSPORT_ARGS = ("verify", "cert", "http1", "http2", "limits", "trust_env", "proxy")
# Pool limits: DEFAULT_LIMITS (_config); httpx_args["limits"] overrides.

TimeoutTypes = httpx.Timeout | float | None


class _BaseClient(_GeneratedClient):
    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        request_id: str | None = None,
        allow_unknown_key_prefix: bool = False,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        httpx_args: dict[str, Any] | None = None,
    ) -> None:
        settings = resolve_settings(api_key, base_url, allow_unknown_key_prefix=allow_unknown_key_prefix)
        check_counts(max_retries, retry_policy, max_response_size)
        extra = checked_httpx_args(httpx_args, settings, has_transport=transport is not None)
        timeout = checked_timeout(timeout)
        super().__init__(base_url=settings.base_url, timeout=timeout)
        self._timeout_value = timeout
        self._settings: Settings = settings
        self._auth = BearerAuth(settings.api_key, settings.base_url)
        self._request_ids = RequestIdState(request_id)
        # retry_policy= tunes backoff and caps too; max_retries= is the common shorthand.
        self._retry_policy = retry_policy or RetryPolicy(max_retries=max_retries)
        self._transport = transport
        self._extra_httpx_args = extra  # not _httpx_args: that is a generated slot
        self._hooks = RequestHooks(settings, self._request_ids)
        self._max_response_size = max_response_size
        self._sync_http: httpx.Client | None = None
        self._async_http: httpx.AsyncClient | None = None
        self._async_loop: asyncio.AbstractEventLoop | None = None
        self._sync_closed = self._async_closed = False
        # One pool per client, even when many threads make their first call at once.
        self._build_lock = threading.Lock()
        # Everything a copy needs except the key, which only Settings and BearerAuth hold
        # (both print without it).
        self._init_args: dict[str, Any] = {
            "base_url": base_url,
            "timeout": timeout,
            "max_retries": max_retries,
            "retry_policy": retry_policy,
            "request_id": request_id,
            "allow_unknown_key_prefix": allow_unknown_key_prefix,
            "transport": transport,
            "max_response_size": max_response_size,
            "httpx_args": httpx_args,
        }

    # -- what callers read ------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def key_kind(self) -> KeyKind | None:
        """``"sandbox"``, ``"live"``, ``"unknown"`` (allowed unknown prefix) or None (no key)."""
        return self._settings.key_kind

    @property
    def is_sandbox(self) -> bool:
        """True for an ``aigen_test_`` key: requests are validated and simulated, nothing is charged."""
        return self._settings.key_kind == "sandbox"

    @property
    def has_api_key(self) -> bool:
        return self._settings.api_key is not None

    @property
    def last_request_id(self) -> str | None:
        """The request id of the last exchange in this context (thread or task), else of this client."""
        return self._request_ids.last

    @property
    def request_id(self) -> str | None:
        """The client-wide default X-Request-Id (None: a fresh id per request)."""
        return self._request_ids.default

    @contextmanager
    def request_id_scope(self, request_id: str) -> Iterator[str]:
        """Send ``request_id`` on every request made in this block (this thread or task only)."""
        with self._request_ids.scope(request_id) as value:
            yield value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, key_kind={self.key_kind!r})"

    __str__ = __repr__

    # attrs' field-wise equality would make two clients with one URL "equal"; identity is
    # right, and hashing must agree with it (clients as dict keys, in sets, in caches).
    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__  # type: ignore[assignment]  # attrs' eq=True set it to None

    def __reduce__(self) -> tuple[Any, ...]:
        raise TypeError(f"{type(self).__name__} cannot be pickled (it holds an API key)")

    def _copy(self, **changes: Any) -> Self:
        args = {**self._init_args, **changes}
        return type(self)(self._settings.api_key, **args)

    def with_timeout(self, timeout: httpx.Timeout) -> Self:
        """A new client like this one with another timeout (the generated API, kept working)."""
        return self._copy(timeout=timeout)

    def with_headers(self, headers: dict[str, str]) -> Self:
        return self._copy(httpx_args=self._merged_httpx_arg("headers", headers))

    def with_cookies(self, cookies: dict[str, str]) -> Self:
        return self._copy(httpx_args=self._merged_httpx_arg("cookies", cookies))

    def _merged_httpx_arg(self, name: str, values: object) -> dict[str, Any]:
        if not isinstance(values, Mapping):
            raise ConfigurationError(f"with_{name}() takes a mapping of names to values")
        extra = dict(self._init_args["httpx_args"] or {})
        extra[name] = {**extra.get(name, {}), **values}
        return extra

    # -- the generated client's extension points ---------------------------------------

    # The generated endpoint functions raise what this returns for a wrong-typed argument
    # (aigenstudio_client.errors.argument_error), before anything is sent.
    convert_invalid_argument = staticmethod(request_error)

    # What the facade's iter() raises for a repeated cursor or a listing without end.
    convert_pagination_error = staticmethod(PaginationLoopError)

    # And what they raise for a response body their models cannot read
    # (aigenstudio_client.errors.parse_error): APIResponseValidationError with the request id.
    @staticmethod
    def convert_parse_error(response: httpx.Response, error: Exception) -> Exception:
        return parse_error(response, error) or error

    def get_httpx_client(self) -> httpx.Client:
        if self._sync_closed:
            raise self._closed_error()
        built = self._sync_http
        if built is None:
            with self._build_lock:  # one pool, even when many threads make a first call at once
                if self._sync_closed:
                    raise self._closed_error()
                if self._sync_http is None:
                    self._sync_http = self._build_sync()
                    self.set_httpx_client(self._sync_http)
                built = self._sync_http
        return built

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        if self._async_closed:
            raise self._closed_error()
        built = self._async_http
        if built is not None:
            built = self._async_pool_for_this_loop(built)
        if built is None:
            with self._build_lock:
                if self._async_closed:
                    raise self._closed_error()
                if self._async_http is None:
                    self._async_http = self._build_async()
                    self.set_async_httpx_client(self._async_http)
                    self._async_loop = running_asyncio_loop()
                built = self._async_http
        return built

    def _async_pool_for_this_loop(self, built: httpx.AsyncClient) -> httpx.AsyncClient | None:
        """The async pool if it belongs to the running event loop; None to build a new one.

        A pool's connections belong to the loop that opened them. After ``asyncio.run`` ends,
        a new loop gets a new pool (the old loop is closed, its connections are dead); a
        loop that is still running elsewhere keeps its pool, and another loop may not share it.
        """
        loop = running_asyncio_loop()
        if loop is None:
            return built  # not under asyncio (e.g. trio): nothing to compare
        owner = self._async_loop
        if owner is None or owner is loop:
            self._async_loop = loop
            return built
        if owner.is_closed():
            with self._build_lock:
                self._async_http = None
                self._async_loop = loop
            return None
        raise ConfigurationError(
            f"This {type(self).__name__} is in use by another running event loop: "
            "create one AsyncClient per event loop."
        )

    def _client_args(self) -> dict[str, Any]:
        args = {k: v for k, v in self._extra_httpx_args.items() if k not in _TRANSPORT_ARGS}
        hooks = args.pop("event_hooks", None) or {}
        headers = {"User-Agent": _USER_AGENT, **(args.pop("headers", None) or {})}
        args.setdefault("follow_redirects", False)  # a redirect must not carry the key elsewhere
        return {
            "base_url": self.base_url,
            "auth": self._auth,
            "timeout": self._timeout_value,
            "headers": headers,
            **args,
            # Proxies are decided in _transport_args, on the base transport: a proxy httpx
            # mounts itself bypasses our chain. (This flag gates nothing else in httpx 0.27/0.28:
            # netrc is opt-in via NetRCAuth, SSL env vars are read by the transport.)
            "trust_env": False,
            "_hooks": hooks,
        }

    def _transport_args(self) -> dict[str, Any]:
        """Arguments for the base transport, with the proxy for our one origin resolved."""
        args = {k: self._extra_httpx_args[k] for k in _TRANSPORT_ARGS if k in self._extra_httpx_args}
        args.setdefault("limits", DEFAULT_LIMITS)
        url = httpx.URL(self.base_url)
        if is_loopback_host(url.host):
            args["proxy"] = None  # this machine is reached directly, never through a proxy
        elif args.get("proxy") is None and args.get("trust_env", True):
            args["proxy"] = environment_proxy(url)
        return args

    def _build_sync(self) -> httpx.Client:
        base = self._transport
        if base is None:
            base = httpx.HTTPTransport(**self._transport_args())
            install_deadline(base)  # the whole-attempt deadline reaches every socket read
        if not isinstance(base, httpx.BaseTransport):
            raise ConfigurationError("transport= is not a sync httpx transport (httpx.BaseTransport)")
        args = self._client_args()
        hooks = args.pop("_hooks")
        reading = ReadingTransport(base, self._max_response_size)
        return CheckedHttpClient(
            parameter_namer=self._hooks.parameter_name,
            transport=GuardTransport(RetryTransport(reading, self._retry_policy)),
            event_hooks={
                "request": [self._hooks.on_request, *hooks.get("request", ())],
                "response": [self._hooks.on_response, *hooks.get("response", ())],
            },
            **args,
        )

    def _build_async(self) -> httpx.AsyncClient:
        base = self._transport
        if base is None:
            base = httpx.AsyncHTTPTransport(**self._transport_args())
        if not isinstance(base, httpx.AsyncBaseTransport):
            raise ConfigurationError("transport= is not an async httpx transport (httpx.AsyncBaseTransport)")
        args = self._client_args()
        hooks = args.pop("_hooks")
        reading = AsyncReadingTransport(base, self._max_response_size)
        return AsyncCheckedHttpClient(
            parameter_namer=self._hooks.parameter_name,
            transport=AsyncGuardTransport(AsyncRetryTransport(reading, self._retry_policy)),
            event_hooks={
                "request": [self._hooks.on_request_async, *hooks.get("request", ())],
                "response": [self._hooks.on_response_async, *hooks.get("response", ())],
            },
            **args,
        )

    # -- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the sync connection pool (an async one needs ``await aclose()``)."""
        with self._build_lock:  # a client closed before its first call stays closed too
            self._sync_closed = True
        if self._sync_http is not None:
            self._sync_http.close()

    async def aclose(self) -> None:
        """Close every connection pool this client opened."""
        with self._build_lock:
            self._async_closed = True
        if self._async_http is not None:
            await self._async_http.aclose()
        self.close()

    def _closed_error(self) -> ConfigurationError:
        return ConfigurationError(f"This {type(self).__name__} is closed: create a new one.")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *args: object) -> None:
        await self.aclose()


class Client(_BaseClient, SyncResources):
    """The AI Gen Studio client: ``client.<resource>.<verb>(...)`` returns the success model.

    The resources (``client.product_photo_jobs.get(job_id)``, ``.list()``, ``.create(...)``,
    ``.with_raw_response...``) are generated from the spec; the generated endpoint functions
    also accept this client directly. ``Client()`` reads the key from ``AIGENSTUDIO_API_KEY`` and the URL from
    ``AIGENSTUDIO_BASE_URL`` (else the spec's server). Without a key, the public operations
    (spec ``security: []``) still work and every other call raises ConfigurationError
    before sending. Use it as ``with Client() as client:`` or call ``close()``.
    """


class AsyncClient(_BaseClient, AsyncResources):
    """The async twin of :class:`Client` (same constructor): ``async with AsyncClient() as client``,
    then ``await client.product_photo_jobs.get(job_id)``."""
