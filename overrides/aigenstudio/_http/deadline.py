"""A whole-attempt deadline for sync requests, enforced at every socket read and write.

httpcore takes one read timeout per phase (status line and headers, then body) and hands
it to every socket read of that phase, so a server that sends a byte every half second is
never "timed out". A sync call has no cancel scope to interrupt it from outside; instead,
the network streams of our default transport clamp each operation's timeout to the time
left before the deadline of the attempt running in this thread (a ContextVar set by the
reading transport), and refuse to start one once it has passed.

Installed on the default transport's connection pool only (``transport=`` of the caller is
left alone). httpcore has no public hook for the pool's network backend, so this sets the
pool's ``_network_backend`` (httpcore 1.0; ``install`` reports False when that changes, and
the sync header-drip test then fails loudly).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

__all__ = ["EXPIRED", "attempt_deadline", "install"]

_DEADLINE: ContextVar[float] = ContextVar("aigenstudio_attempt_deadline", default=math.inf)
EXPIRED = "the request's overall timeout elapsed"


@contextmanager
def attempt_deadline(deadline: float) -> Iterator[None]:
    """Run the block (one attempt, in this thread) under an absolute ``time.monotonic()`` deadline."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _clamp(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline = _DEADLINE.get()
    if deadline == math.inf:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired(EXPIRED)
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> Any:
        inner = self._inner.start_tls(ssl_context, server_hostname, _clamp(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _clamp(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, _clamp(timeout, httpcore.ConnectTimeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(transport: httpx.HTTPTransport) -> bool:
    """Give ``transport``'s pool deadline-aware streams; False if httpcore no longer allows it."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.NetworkBackend):
        return False
    if not isinstance(backend, _DeadlineBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return True
