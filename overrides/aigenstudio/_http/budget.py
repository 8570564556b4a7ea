"""A time budget for the calls made inside a block: no attempt and no retry wait passes it.

A helper with a promise about time (``wait_for_job(timeout=...)``) runs each call inside
``time_budget(remaining)``; the retry layer then stops retrying, and the reading layer stops
reading, at that deadline, so a server's ``Retry-After`` cannot carry the call past the
helper's own timeout. A context variable: per thread and per asyncio task, nested budgets
keep the earlier deadline.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["call_deadline", "time_budget"]

_DEADLINE: ContextVar[float | None] = ContextVar("aigenstudio_call_deadline", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    deadline = time.monotonic() + seconds
    outer = _DEADLINE.get()
    token = _DEADLINE.set(deadline if outer is None else min(outer, deadline))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def call_deadline() -> float | None:
    """The absolute ``time.monotonic()`` the current block's calls must end by, if any."""
    return _DEADLINE.get()
