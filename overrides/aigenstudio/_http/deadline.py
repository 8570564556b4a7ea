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
  default pool's network streams (``wire.DeadlineBackend``, given to httpcore's public
  ``network_backend=`` argument) clamp every connect, read and write to the time left
  (``clamp_timeout``) and refuse to start one once it has passed. Async attempts use a
  cancel scope instead. (httpcore is imported with the pool, in wire.py, not here.)
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["EXPIRED", "attempt_deadline", "clamp_timeout", "current_deadline", "time_budget"]

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


def clamp_timeout(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to the time the running attempt has left; ``expired`` once none is left."""
    deadline = _DEADLINE.get()
    if deadline == math.inf:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired(EXPIRED)
    return left if timeout is None else min(timeout, left)
