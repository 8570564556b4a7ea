"""Builds the two httpx clients (sync, async) a ``Client`` hands the generated code, with
httpx's own extension points; a call passes them in this order:

build_request                   header values and path segments checked before httpx
                                encodes or normalises them (nothing is sent otherwise)
auth=BearerAuth                 the key, added per request, never stored in headers
event_hooks request             route -> key policy, X-Request-Id, pre-flight validation;
                                a path that is no operation of the spec is never sent
event_hooks response            typed errors for 4xx/5xx and undeclared statuses, 2xx
                                body checked against the spec
transport=SendingTransport(base)  sending.py: each attempt bounded by a deadline and a
                                size cap (every Content-Encoding layer decoded within it;
                                the Accept-Encoding header names only those encodings);
                                safe requests retried; transport failures typed; nothing
                                sent or retried once the pool is closed
base=PoolTransport              wire.py: httpcore's pool from public API, its sync sockets
                                clamped to the attempt deadline; async: httpx's own
                                AsyncHTTPTransport (a caller's transport= is used as given)
base proxy                      env proxies (HTTP(S)_PROXY, ALL_PROXY, NO_PROXY) or
                                httpx_args["proxy"], set on the base transport so
                                proxied requests still pass the sending transport; never
                                for a loopback base URL (the key would cross a plain hop)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from .._core.errors import ConfigurationError
from .._core.redaction import fields_repr
from .auth import BearerAuth
from .download import DEFAULT_MAX_DOWNLOAD_SIZE
from .hooks import RequestHooks
from .inflate import ACCEPT_ENCODING
from .proxies import environment_proxy
from .request_build import AsyncCheckedHttpClient, CheckedHttpClient
from .retries import RetryPolicy
from .sending import AsyncSendingTransport, SendingTransport
from .settings import DEFAULT_LIMITS, Settings, is_loopback_host

__all__ = ["HttpxClients"]

# httpx_args that configure the base transport (httpx ignores them once transport= is set).
# "proxy" too: httpx mounts its own transport for it (even beside transport=), past ours.
_TRANSPORT_ARGS = ("verify", "cert", "http1", "http2", "limits", "trust_env", "proxy")


@dataclass(frozen=True, repr=False)
class HttpxClients:
    """Everything the two httpx clients are built from."""

    settings: Settings
    auth: BearerAuth
    hooks: RequestHooks
    retry_policy: RetryPolicy
    timeout: httpx.Timeout | float | None
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None
    httpx_args: dict[str, Any]
    max_response_size: int
    user_agent: str
    max_download_size: int = DEFAULT_MAX_DOWNLOAD_SIZE

    def __repr__(self) -> str:  # no key (Settings and BearerAuth hide it), no httpx_args
        return fields_repr(self, "settings", "auth", "retry_policy", "timeout", "max_response_size")

    def sync_base(self) -> httpx.BaseTransport:
        """The connection pool: ours (its sockets keep the attempt deadline) or the caller's."""
        base = self.transport
        if base is None:
            from . import wire  # with the first pool, not at import: wire loads httpcore (15 ms)

            return wire.PoolTransport(**self._transport_args())
        if not isinstance(base, httpx.BaseTransport):
            raise ConfigurationError("transport= is not a sync httpx transport (httpx.BaseTransport)")
        return base

    def async_base(self) -> httpx.AsyncBaseTransport:
        base = self.transport
        if base is None:  # httpx's own: the async deadline is a cancel scope, no socket clamp
            return httpx.AsyncHTTPTransport(**self._transport_args())
        if not isinstance(base, httpx.AsyncBaseTransport):
            raise ConfigurationError("transport= is not an async httpx transport (httpx.AsyncBaseTransport)")
        return base

    def build_sync(
        self, is_closed: Callable[[], bool], base: httpx.BaseTransport, base_is_closed: Callable[[], bool]
    ) -> httpx.Client:
        """An httpx client sending on ``base``, a pool its owner closes (``base_is_closed``)."""
        args, hooks = self._client_args()
        sending = SendingTransport(
            base,
            self.retry_policy,
            self.max_response_size,
            is_closed=is_closed,
            sockets_keep_deadline=self.transport is None,  # our pool (wire.PoolTransport)
            max_download_size=self.max_download_size,
            base_is_closed=base_is_closed,
        )
        return CheckedHttpClient(
            parameter_namer=self.hooks.parameter_name,
            transport=sending,
            event_hooks={
                "request": [self.hooks.on_request, *hooks.get("request", ())],
                "response": [self.hooks.on_response, *hooks.get("response", ())],
            },
            **args,
        )

    def build_async(
        self,
        is_closed: Callable[[], bool],
        base: httpx.AsyncBaseTransport,
        base_is_closed: Callable[[], bool],
    ) -> httpx.AsyncClient:
        args, hooks = self._client_args()
        sending = AsyncSendingTransport(
            base,
            self.retry_policy,
            self.max_response_size,
            is_closed=is_closed,
            max_download_size=self.max_download_size,
            base_is_closed=base_is_closed,
        )
        return AsyncCheckedHttpClient(
            parameter_namer=self.hooks.parameter_name,
            transport=sending,
            event_hooks={
                "request": [self.hooks.on_request_async, *hooks.get("request", ())],
                "response": [self.hooks.on_response_async, *hooks.get("response", ())],
            },
            **args,
        )

    def _client_args(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The httpx client's arguments, and the caller's own event hooks (run after ours)."""
        args = {k: v for k, v in self.httpx_args.items() if k not in _TRANSPORT_ARGS}
        hooks = args.pop("event_hooks", None) or {}
        # Accept-Encoding: only what inflate.py decodes within max_response_size
        # (httpx's default also names br/zstd whenever brotli/zstandard are importable).
        headers = {
            "User-Agent": self.user_agent,
            "Accept-Encoding": ACCEPT_ENCODING,
            **(args.pop("headers", None) or {}),
        }
        args.setdefault("follow_redirects", False)  # a redirect must not carry the key elsewhere
        client_args = {
            "base_url": self.settings.base_url,
            "auth": self.auth,
            "timeout": self.timeout,
            "headers": headers,
            **args,
            # Proxies are decided in _transport_args, on the base transport: a proxy httpx
            # mounts itself bypasses the sending transport. (This flag gates nothing else in httpx 0.27/0.28:
            # netrc is opt-in via NetRCAuth, SSL env vars are read by the transport.)
            "trust_env": False,
        }
        return client_args, hooks

    def _transport_args(self) -> dict[str, Any]:
        """Arguments for the base transport, with the proxy for our one origin resolved."""
        args = {k: self.httpx_args[k] for k in _TRANSPORT_ARGS if k in self.httpx_args}
        args.setdefault("limits", DEFAULT_LIMITS)
        url = httpx.URL(self.settings.base_url)
        if is_loopback_host(url.host):
            args["proxy"] = None  # this machine is reached directly, never through a proxy
        elif args.get("proxy") is None and args.get("trust_env", True):
            args["proxy"] = environment_proxy(url)
        return args
