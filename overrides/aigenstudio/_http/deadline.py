"""The one deadline of a call: a helper's time budget and each attempt's own, in one place.

A single context variable (per thread and per asyncio task) holds the absolute
``time.monotonic()`` the running code must end by:

- ``time_budget(seconds)``: a helper with a promise about time (``wait_for_job(timeout=)``)
  runs each call inside it; nested budgets keep the earlier end. The sending transport reads
  it (``current_deadline``) with ``RetryPolicy.total_timeout``: no attempt and no retry wait
  passes either, so a server's ``Retry-After`` cannot carry a call past the helper's timeout.
- ``attempt_deadline(deadline)``: the sending transport runs each sync attempt inside it.
  httpcore gives every socket read of a phase the same read timeout, so a server that sends
  a byte every half second is never "timed out"; a sync call has no cancel scope, so the
  default pool's network streams (``DeadlineBackend``, given to httpcore's public
  ``network_backend=`` argument) clamp every connect, read and write to the time left and
  refuse to start one once it has passed. Async attempts use a cancel scope instead.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore

__all__ = ["EXPIRED", "DeadlineBackend", "attempt_deadline", "current_deadline", "time_budget"]

_DEADLINE: ContextVar[float] = ContextVar("aigenstudio_deadline", default=math.inf)
EXPIRED = "the request's overall timeout elapsed"


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Run the block's calls within ``seconds`` (or an earlier enclosing budget)."""
    token = _DEADLINE.set(min(_DEADLINE.get(), time.monotonic() + seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def current_deadline() -> float:
    """The absolute ``time.monotonic()`` the current block must end by; ``math.inf``: none."""
    return _DEADLINE.get()


class attempt_deadline:  # used as a function: ``with attempt_deadline(t):``
    """Run one attempt (in this thread) under ``deadline`` (never later than the budget's).

    A class rather than ``@contextmanager``: it runs on every sync call, and a generator-based
    context manager costs several times as much.
    """

    __slots__ = ("_deadline", "_token")

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline

    def __enter__(self) -> None:
        self._token = _DEADLINE.set(self._deadline)

    def __exit__(self, *exc: object) -> None:
        _DEADLINE.reset(self._token)


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
