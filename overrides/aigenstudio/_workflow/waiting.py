"""Poll a job until it reaches a terminal status, with backoff, Retry-After and a deadline.

The interval starts at ``poll_interval`` and grows x1.5 per poll up to ``max_interval`` (the
client's one backoff policy, ``_core/backoff.py``, without jitter). A 429 or 503 while
polling is not fatal: the next poll waits at least the server's ``Retry-After``. An unknown
future status counts as still running, so a new intermediate state never ends a wait early.
Clock and sleep are injectable so tests never really sleep.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aigenstudio_client.models.product_photo_job import ProductPhotoJob
from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus

from .._core.api_facts import RETRY_AFTER_HEADER
from .._core.api_facts import TERMINAL_JOB_STATUSES as TERMINAL_STATUSES
from .._core.backoff import Backoff
from .._core.errors import AigenStudioError, APIStatusError, APITimeoutError, RequestValidationError, public
from .._core.seconds import is_seconds
from .._http.deadline import time_budget
from .api_calls import ApiClient, async_jobs, call, call_async, jobs

__all__ = [
    "MAX_POLL_INTERVAL",
    "POLL_GROWTH",
    "POLL_INTERVAL",
    "TERMINAL_STATUSES",
    "WAIT_TIMEOUT",
    "JobWaitTimeout",
    "Progress",
    "check_wait_arguments",
    "is_terminal",
    "wait_for_job",
    "wait_for_job_async",
]

_GET_OPERATION = "get_product_photo_job"
# Answers that mean "ask again later" rather than "this wait has failed".
_THROTTLE_STATUSES = frozenset({429, 503})
# Defaults of every wait for a job (the catalog's too): the first interval between polls,
# its growth per poll (also between re-sent creates), its ceiling, and how long one wait lasts.
POLL_INTERVAL = 2.0
POLL_GROWTH = 1.5
MAX_POLL_INTERVAL = 30.0
WAIT_TIMEOUT = 600.0


@dataclass(frozen=True)
class Progress:
    """A job's item counts at one poll; ``status`` is None if the API omitted it."""

    completed: int
    failed: int
    total: int
    status: ProductPhotoJobStatus | None


@public
class JobWaitTimeout(AigenStudioError):
    """The job was not terminal before the timeout; it keeps running on the server."""

    def __init__(self, job_id: uuid.UUID, last_status: ProductPhotoJobStatus | None, timeout: float) -> None:
        self.job_id = job_id
        self.last_status = last_status
        self.timeout = timeout
        seen = last_status.value if last_status is not None else "no status seen"
        super().__init__(f"job {job_id} not terminal after {timeout:g}s (last status: {seen})")


def is_terminal(status: ProductPhotoJobStatus | str | None) -> bool:
    """True for the documented final statuses; False for running and unknown ones."""
    return status is not None and str(status) in TERMINAL_STATUSES


def progress_of(job: ProductPhotoJob) -> Progress:
    """Counts from the job's counters, falling back to its items when the counters are absent."""
    items = job.items or []
    completed = job.completed_items
    if completed is None:
        completed = sum(1 for i in items if i.result_url and not i.error_code)
    failed = job.failed_items
    if failed is None:
        failed = sum(1 for i in items if i.error_code)
    status = job.status
    return Progress(completed=completed, failed=failed, total=job.total_items, status=status)


def check_wait_arguments(
    timeout: float, poll_interval: float, max_interval: float, timeout_name: str = "timeout"
) -> None:
    """Refuse a wait that could never work (checked before anything is created or sent)."""
    # Finite numbers only: a NaN timeout compares false with everything and never expires.
    for name, value, low in ((timeout_name, timeout, 0.0), ("poll_interval", poll_interval, 1e-9)):
        if not is_seconds(value, low):
            rule = ">= 0 seconds" if name == timeout_name else "> 0 seconds"
            raise RequestValidationError(name, f"a finite number {rule}", f"{name}: a finite number {rule}")
    if not is_seconds(max_interval, poll_interval):
        raise RequestValidationError("max_interval", "a finite number >= poll_interval")


class _Poller:
    """The schedule shared by the sync and async loops: what to do after each answer."""

    def __init__(
        self,
        job_id: uuid.UUID | str,
        timeout: float,
        poll_interval: float,
        max_interval: float,
        on_progress: Callable[[Progress], object] | None,
        clock: Callable[[], float],
    ) -> None:
        try:
            self.job_id = job_id if isinstance(job_id, uuid.UUID) else uuid.UUID(str(job_id))
        except ValueError:
            raise RequestValidationError("job_id", "a UUID") from None
        check_wait_arguments(timeout, poll_interval, max_interval)
        self._timeout = timeout
        self._backoff = Backoff(poll_interval, max_interval, POLL_GROWTH, hint_is_floor=True)
        self._polls = 0
        self._on_progress = on_progress
        self._clock = clock
        self._deadline = clock() + timeout
        self._last_progress: Progress | None = None
        self.last_status: ProductPhotoJobStatus | None = None

    def observe(self, job: ProductPhotoJob) -> bool:
        """Record one poll's answer; True when the job is terminal."""
        progress = progress_of(job)
        self.last_status = progress.status
        if progress != self._last_progress:
            self._last_progress = progress
            if self._on_progress is not None:
                self._on_progress(progress)
        return is_terminal(progress.status)

    def delay_after_poll(self) -> float:
        """Seconds until the next poll; the last poll lands on the deadline itself."""
        remaining = self._remaining()
        self._polls += 1
        return min(self._backoff.step(self._polls), remaining)

    def delay_after_throttle(self, error: APIStatusError) -> float:
        """Seconds to wait after a 429/503, never less than its Retry-After."""
        remaining = self._remaining(cause=error)
        header = error.response.headers.get(RETRY_AFTER_HEADER)
        if (self._backoff.retry_after(header) or 0.0) > remaining:
            raise self._timeout_error() from error  # the server asks us to come back after our deadline
        self._polls += 1
        return min(self._backoff.wait(self._polls, header), remaining)

    def remaining(self, cause: BaseException | None = None) -> float:
        """Seconds left before the deadline; JobWaitTimeout once there are none."""
        return self._remaining(cause)

    def _remaining(self, cause: BaseException | None = None) -> float:
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise self._timeout_error() from cause
        return remaining

    def _timeout_error(self) -> JobWaitTimeout:
        return JobWaitTimeout(self.job_id, self.last_status, self._timeout)


def wait_for_job(
    client: ApiClient,
    job_id: uuid.UUID | str,
    *,
    timeout: float = WAIT_TIMEOUT,
    poll_interval: float = POLL_INTERVAL,
    max_interval: float = MAX_POLL_INTERVAL,
    on_progress: Callable[[Progress], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> ProductPhotoJob:
    """Poll the job until it is terminal and return it (items included).

    Raises :class:`JobWaitTimeout` (with ``last_status``) when ``timeout`` seconds pass
    first, and the typed API error for anything but a 429/503, which are waited out.
    ``on_progress`` gets a :class:`Progress` on every poll where the counts or status moved.
    """
    poller = _Poller(job_id, timeout, poll_interval, max_interval, on_progress, clock)
    resource = jobs(client).with_raw_response
    job_id = poller.job_id
    while True:
        try:
            with time_budget(poller.remaining()):
                answer = call(client, _GET_OPERATION, lambda: resource.get(job_id), job_id=job_id)
        except APITimeoutError as error:
            poller.remaining(cause=error)  # the wait's own deadline cut the poll short: JobWaitTimeout
            raise
        except APIStatusError as error:
            if error.status_code not in _THROTTLE_STATUSES:
                raise
            sleep(poller.delay_after_throttle(error))
            continue
        if poller.observe(answer.job):
            return answer.job
        sleep(poller.delay_after_poll())


async def wait_for_job_async(
    client: ApiClient,
    job_id: uuid.UUID | str,
    *,
    # Same signature as the sync twin; a deadline that reports the last status, not a cancel scope.
    timeout: float = WAIT_TIMEOUT,  # noqa: ASYNC109
    poll_interval: float = POLL_INTERVAL,
    max_interval: float = MAX_POLL_INTERVAL,
    on_progress: Callable[[Progress], object] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> ProductPhotoJob:
    """The async twin of :func:`wait_for_job`."""
    poller = _Poller(job_id, timeout, poll_interval, max_interval, on_progress, clock)
    resource = async_jobs(client).with_raw_response
    job_id = poller.job_id
    while True:
        try:
            with time_budget(poller.remaining()):
                answer = await call_async(client, _GET_OPERATION, lambda: resource.get(job_id), job_id=job_id)
        except APITimeoutError as error:
            poller.remaining(cause=error)  # the wait's own deadline cut the poll short: JobWaitTimeout
            raise
        except APIStatusError as error:
            if error.status_code not in _THROTTLE_STATUSES:
                raise
            await sleep(poller.delay_after_throttle(error))
            continue
        if poller.observe(answer.job):
            return answer.job
        await sleep(poller.delay_after_poll())
