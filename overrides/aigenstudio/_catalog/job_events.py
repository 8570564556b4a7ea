"""Webhook events for a catalog run: a worker wakes when its job's terminal event arrives.

The caller's webhook receiver verifies each delivery (``verify_webhook``) and hands it to
:meth:`JobEvents.put`, from any thread or event loop; a run given ``job_events=`` then waits
for its job's terminal event instead of polling every interval. The event only says the job
ended: the job is still read once for its items, and a lost event costs one poll at
``max_interval``, never a stalled run.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from .._core.api_facts import TERMINAL_JOB_STATUSES
from .._webhooks import WebhookEvent

__all__ = ["JobEvents", "terminal_job_id"]

_REMEMBERED = 10_000  # ended job ids kept; events of other runs must not grow without bound


def terminal_job_id(payload: Any) -> str | None:
    """The job id of a ``job.<terminal status>`` event, else None (any other event)."""
    if not isinstance(payload, Mapping):
        return None
    kind = payload.get("type")
    inner = payload.get("data")
    data: Mapping[str, Any] = inner if isinstance(inner, Mapping) else payload
    status = data.get("status")
    ended = isinstance(kind, str) and kind.removeprefix("job.") in TERMINAL_JOB_STATUSES
    if not ended and not (
        isinstance(kind, str) and kind.startswith("job.") and status in TERMINAL_JOB_STATUSES
    ):
        return None
    job = data.get("job")
    nested = job.get("id") if isinstance(job, Mapping) else None
    for candidate in (data.get("job_id"), nested, data.get("id")):
        if isinstance(candidate, str) and candidate:
            return candidate.lower()
    return None


class JobEvents:
    """Terminal job events from your webhook receiver, for ``process_catalog(job_events=...)``.

    Thread-safe: ``put`` may be called from the receiver's threads or event loop while the
    run waits in its own threads (sync) or tasks (async). Events of other jobs are ignored.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._ended: OrderedDict[str, None] = OrderedDict()
        self._async_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def put(self, event: WebhookEvent) -> bool:
        """Note a verified event; True if it ended a job (``job.completed``, ``job.failed``...)."""
        job_id = terminal_job_id(event.payload)
        if job_id is None:
            return False
        with self._cond:
            self._ended[job_id] = None
            while len(self._ended) > _REMEMBERED:
                self._ended.popitem(last=False)
            self._cond.notify_all()
            waiters = list(self._async_waiters)
        for loop, flag in waiters:
            if not loop.is_closed():
                loop.call_soon_threadsafe(flag.set)
        return True

    def ended(self, job_id: object) -> bool:
        with self._cond:
            return str(job_id).lower() in self._ended

    def wait(self, job_id: object, timeout: float, stop: threading.Event | None = None) -> bool:
        """Block until the job's terminal event, ``timeout`` seconds, or ``stop``; True if it ended."""
        key = str(job_id).lower()
        deadline = time.monotonic() + timeout
        with self._cond:
            while key not in self._ended and not (stop is not None and stop.is_set()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return key in self._ended

    def wake(self) -> None:
        """Wake every blocked :meth:`wait` (the run is stopping)."""
        with self._cond:
            self._cond.notify_all()

    async def wait_async(self, job_id: object, timeout: float) -> bool:  # noqa: ASYNC109 (the twin of wait)
        """The async twin of :meth:`wait` (cancelled with its task)."""
        flag = asyncio.Event()
        waiter = (asyncio.get_running_loop(), flag)
        with self._cond:
            self._async_waiters.add(waiter)
        try:
            deadline = time.monotonic() + timeout
            while not self.ended(job_id):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                flag.clear()
                try:
                    await asyncio.wait_for(flag.wait(), remaining)
                except TimeoutError:
                    return self.ended(job_id)
            return True
        finally:
            with self._cond:
                self._async_waiters.discard(waiter)
