"""The default base transport: httpx requests sent on httpcore's connection pool, public API only.

What ``httpx.HTTPTransport`` does, built from httpcore's public classes so that the pool
can be given our network backend (``DeadlineBackend``, below: every sync socket operation
clamped to the attempt's deadline) through its ``network_backend=`` argument, instead of
swapping a private attribute: ``httpcore.ConnectionPool`` (or ``HTTPProxy`` /
``SOCKSProxy`` for a proxy) with ``httpx.create_ssl_context`` for verify/cert, the caller's
http1/http2 and pool limits; requests, responses and httpcore's exceptions are mapped to
httpx's as httpx's own transport maps them. Sync only: an async attempt's deadline is a
cancel scope, so the async client keeps ``httpx.AsyncHTTPTransport`` as it is. A caller's
``transport=`` is used as given.

The pool construction and the exception table follow httpx 0.28's
``httpx/_transports/default.py`` (BSD-3-Clause, Copyright (c) 2019, Encode OSS Ltd.).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from .deadline import clamp_timeout

__all__ = ["DeadlineBackend", "PoolTransport"]

# httpcore's exceptions and the httpx ones they become; a subclass is found before its base.
_EXCEPTIONS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
    httpcore.ProtocolError: httpx.ProtocolError,
}


def _httpx_error(exc: Exception) -> httpx.TransportError | None:
    """The httpx exception for an httpcore one (None: not httpcore's, raise it as it is)."""
    for kind in type(exc).__mro__:
        mapped = _EXCEPTIONS.get(kind)
        if mapped is not None:
            return mapped(str(exc))
    return None


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, clamp_timeout(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, clamp_timeout(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        timeout = clamp_timeout(timeout, httpcore.ConnectTimeout)
        inner = self._inner.start_tls(ssl_context, server_hostname, timeout)
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync backend with every stream clamped to the running attempt's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, clamp_timeout(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, clamp_timeout(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _pool(args: dict[str, Any]) -> httpcore.ConnectionPool:
    """An httpcore pool (or proxy pool) for ``args``: the caller's transport settings."""
    limits: httpx.Limits = args["limits"]
    common: dict[str, Any] = {
        "ssl_context": httpx.create_ssl_context(
            verify=args.get("verify", True), cert=args.get("cert"), trust_env=args.get("trust_env", True)
        ),
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
        "http1": args.get("http1", True),
        "http2": args.get("http2", False),
        "network_backend": DeadlineBackend(),
    }
    proxy = args.get("proxy")
    if proxy is None:
        return httpcore.ConnectionPool(**common)
    proxy = proxy if isinstance(proxy, httpx.Proxy) else httpx.Proxy(proxy)
    url = httpcore.URL(
        scheme=proxy.url.raw_scheme, host=proxy.url.raw_host, port=proxy.url.port, target=proxy.url.raw_path
    )
    if proxy.url.scheme in ("socks5", "socks5h"):
        return httpcore.SOCKSProxy(proxy_url=url, proxy_auth=proxy.raw_auth, **common)
    return httpcore.HTTPProxy(
        proxy_url=url,
        proxy_auth=proxy.raw_auth,
        proxy_headers=proxy.headers.raw,
        proxy_ssl_context=proxy.ssl_context,
        **common,
    )


def _core_request(request: httpx.Request) -> httpcore.Request:
    url = request.url
    return httpcore.Request(
        method=request.method,
        url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
        headers=request.headers.raw,
        content=request.stream,
        extensions=request.extensions,
    )


class _BodyStream(httpx.SyncByteStream):
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except Exception as exc:
            error = _httpx_error(exc)
            if error is None:
                raise
            raise error from exc

    def close(self) -> None:
        self._inner.close()


class PoolTransport(httpx.BaseTransport):
    """``httpx.HTTPTransport``'s job on a pool whose sockets honour the attempt deadline."""

    def __init__(self, **args: Any) -> None:
        self._pool = _pool(args)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = self._pool.handle_request(_core_request(request))
        except Exception as exc:
            error = _httpx_error(exc)
            if error is None:
                raise
            raise error from exc
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=_BodyStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()
