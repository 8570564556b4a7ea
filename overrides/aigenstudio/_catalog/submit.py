"""Create a batch's job, treating the API's limits as back-pressure rather than failure.

The account allows one active job per key and two per account. A create refused for that
(409 for a conflicting active job, 429 rate limited, 503 busy) is waited out and re-sent
with the *same* idempotency key, which is always safe: the API never creates a second job
for one key. Waits grow x1.5 up to ``max_interval``, never shorter than ``Retry-After`` (the
client's one backoff policy, ``_core/backoff.py``, as ``wait_for_job`` polls), and give up
(re-raising the API's answer) after ``timeout`` seconds.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest

from .._core.api_facts import RETRY_AFTER_HEADER
from .._core.backoff import Backoff
from .._core.errors import APIStatusError
from .._workflow.api_calls import ApiClient, async_jobs, call, call_async, jobs
from .._workflow.waiting import POLL_GROWTH
from .planner import CREATE_OPERATION

__all__ = ["Backpressure", "create_job", "create_job_async", "nothing_created"]

_LIMIT_STATUSES = frozenset({409, 429, 503})
# 4xx answers that may stand for a job that exists (a conflict, a timeout, a retry later).
_MAYBE_CREATED = frozenset({408, 409, 425, 429})


class Backpressure:
    """How long to wait before re-sending a refused create, or the error once time is up."""

    def __init__(
        self, timeout: float, interval: float, max_interval: float, clock: Callable[[], float]
    ) -> None:
        self._deadline = clock() + timeout
        self._backoff = Backoff(interval, max_interval, POLL_GROWTH, hint_is_floor=True)
        self._clock = clock
        self.waits = 0

    def delay(self, error: APIStatusError) -> float:
        if error.status_code not in _LIMIT_STATUSES or "idempotency" in (error.code or ""):
            raise error  # a key reused for another body, a bad request...: not a limit
        delay = self._backoff.wait(self.waits + 1, error.response.headers.get(RETRY_AFTER_HEADER))
        if self._clock() + delay > self._deadline:
            raise error
        self.waits += 1
        return delay


def nothing_created(error: BaseException) -> bool:
    """A create's final answer that refused it outright (400, 401, 402, 422...): no job exists
    for its idempotency key, so the batch may be sent again through any key."""
    if not isinstance(error, APIStatusError):
        return False  # a transport error or a 5xx: the job may exist
    return 400 <= error.status_code < 500 and error.status_code not in _MAYBE_CREATED


def _request(body: dict[str, Any]) -> ProductPhotoJobCreateRequest:
    return ProductPhotoJobCreateRequest.from_dict(body)


def create_job(
    client: ApiClient,
    body: dict[str, Any],
    key: str,
    backpressure: Backpressure,
    sleep: Callable[[float], object],
) -> uuid.UUID:
    """The id of the created job (or, for a key the API knows, of the existing one)."""
    resource = jobs(client).with_raw_response
    request = _request(body)
    while True:
        try:
            created = call(
                client, CREATE_OPERATION, lambda: resource.create(body=request, idempotency_key=key)
            )
        except APIStatusError as error:
            sleep(backpressure.delay(error))
            continue
        return created.job.id


async def create_job_async(
    client: ApiClient,
    body: dict[str, Any],
    key: str,
    backpressure: Backpressure,
    sleep: Callable[[float], Awaitable[object]],
) -> uuid.UUID:
    """The async twin of :func:`create_job`."""
    resource = async_jobs(client).with_raw_response
    request = _request(body)
    while True:
        try:
            created = await call_async(
                client, CREATE_OPERATION, lambda: resource.create(body=request, idempotency_key=key)
            )
        except APIStatusError as error:
            await sleep(backpressure.delay(error))
            continue
        return created.job.id
