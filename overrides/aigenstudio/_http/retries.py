"""The retry policy: which requests and answers are retried, how long to wait, what to log.

Pure decisions, shared by the sync and async sending transports (``sending.py``), which
run the loop. Why not ``httpx-retries``: its ``Retry`` decides on the method name and the
status code alone, so "POST only with an Idempotency-Key" and "409 only when the API says
the key is still in progress" do not fit its hooks; it caps ``Retry-After`` with the backoff
cap, draws jitter from the global ``random`` module and has no hook for the attempt header
or a warning log.

Rules (issue 4):

* only safe requests: GET/HEAD/OPTIONS, and POST only when it carries a valid
  ``Idempotency-Key`` (an empty or malformed key makes nothing idempotent); the body must be
  replayable bytes (streamed bodies are sent once, never retried);
* time: each attempt is bounded by the client's timeout (``attempt.py``);
  ``total_timeout`` bounds all attempts and waits together: no retry starts past it; so
  does a helper's ``time_budget`` (``deadline.py``), whichever ends first;
* retried: connection errors, timeouts, 408, 429, 5xx, and 409 only when it carries
  ``Retry-After``. The API documents no "idempotency key in progress" code, and a bare 409
  also means "one active job per key", which waiting briefly does not fix; a 409 that tells
  us when to come back is the conservative reading of "the API says so";
* never retried: any other 4xx (400/401/402/403/404/422 above all);
* delay: ``Retry-After`` (delta-seconds or HTTP date) capped at ``max_retry_after``, else
  exponential backoff with equal jitter (half fixed, half random), so a retry never
  follows a failure with no pause at all (the client's one ``Backoff``, ``_core/backoff.py``);
* a closed client (``is_closed``) sends nothing more: no attempt starts after ``close()``,
  and an attempt that ends after it (its connection dropped by the close, or an answer
  that would be retried) raises ClientClosedError instead of being retried; a final
  answer already read in full (a 201 holding a paid job's id) is still returned;
* every attempt keeps the caller's ``X-Request-Id`` (one is added if missing, so a logical
  call is traceable), retries carry ``X-Retry-Attempt: <n>`` and log a WARNING on
  ``aigenstudio.retries`` with ``request_id`` and ``attempt`` extra fields.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .._core.api_facts import (
    IDEMPOTENCY_KEY_HEADER,
    REQUEST_ID_HEADER,
    RETRY_AFTER_HEADER,
    RETRY_ATTEMPT_HEADER,
)
from .._core.backoff import Backoff
from .._core.errors import ClientClosedError, ConfigurationError
from .._core.seconds import is_seconds
from .deadline import current_deadline
from .idempotency import is_valid_idempotency_key
from .request_id import new_request_id

__all__ = [
    "ATTEMPTS_EXTENSION",
    "MAX_RETRIES",
    "SAFE_METHODS",
    "RetryPolicy",
    "Retrying",
    "is_retryable_request",
]

logger = logging.getLogger("aigenstudio.retries")

# Response extension: how many attempts the returned answer took (absent: not retryable).
ATTEMPTS_EXTENSION = "aigenstudio_attempts"
# Retries after the first attempt, by default (the client's max_retries= too).
MAX_RETRIES = 2

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # no state changes: a 2xx did nothing
_RETRY_STATUSES = frozenset({408, 429})
# Deterministic failures: sending the same request again fails the same way.
_FATAL_TRANSPORT_ERRORS = (httpx.UnsupportedProtocol, httpx.LocalProtocolError)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a request is retried; ``max_retries=0`` disables retries."""

    max_retries: int = MAX_RETRIES
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    # Seconds for all attempts of one call and the waits between them; None: bounded only
    # by max_retries and the per-attempt timeout.
    total_timeout: float | None = None

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_retries, bool)
            or not isinstance(self.max_retries, int)
            or self.max_retries < 0
        ):
            raise ConfigurationError("max_retries must be an integer >= 0")
        for name in ("initial_backoff", "max_backoff", "max_retry_after", "total_timeout"):
            value = getattr(self, name)
            if value is None and name == "total_timeout":
                continue
            if not is_seconds(value):
                raise ConfigurationError(f"RetryPolicy.{name} must be a finite number of seconds >= 0")

    def backoff(self, retry_number: int, rand: float) -> float:
        """Delay before retry ``retry_number`` (1-based) with equal jitter; ``rand`` in [0, 1)."""
        return self._backoff().step(retry_number, rand)

    def delay(self, retry_number: int, retry_after: str | None, rand: float) -> float:
        """The server's ``Retry-After`` (capped at ``max_retry_after``), else :meth:`backoff`."""
        return self._backoff().wait(retry_number, retry_after, rand)

    def _backoff(self) -> Backoff:
        # x2 per retry, equal jitter (half fixed, half random), Retry-After instead of the step.
        return Backoff(self.initial_backoff, self.max_backoff, 2.0, 0.5, self.max_retry_after)


def is_retryable_request(request: httpx.Request) -> bool:
    """Safe to send twice: a safe method, or a POST made idempotent by its key; replayable body."""
    method = request.method.upper()
    if method not in SAFE_METHODS and not (
        method == "POST" and is_valid_idempotency_key(request.headers.get(IDEMPOTENCY_KEY_HEADER))
    ):
        return False
    # Bytes bodies (json=, content=b"...") replay; generators and files may not.
    return isinstance(request.stream, httpx.ByteStream)


def is_retryable_response(response: httpx.Response) -> bool:
    status = response.status_code
    if status in _RETRY_STATUSES or status >= 500:
        return True
    return status == 409 and RETRY_AFTER_HEADER in response.headers


def is_retryable_error(error: Exception) -> bool:
    return isinstance(error, httpx.TransportError) and not isinstance(error, _FATAL_TRANSPORT_ERRORS)


class Retrying:
    """The decisions both sending transports share: whether, how long, and what to log."""

    def __init__(
        self,
        policy: RetryPolicy,
        rand: Callable[[], float],
        is_closed: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self._rand = rand
        self.is_closed = is_closed
        self._clock = clock  # monotonic seconds: the budget's clock (a test's, to pin its edges)

    def plan(self, request: httpx.Request) -> tuple[bool, float]:
        """Whether ``request`` may be retried, and the time all its attempts must end by.

        A retryable request gets a request id shared by all its attempts.
        """
        deadline = current_deadline()  # a helper's time budget, if the call runs inside one
        total = self.policy.total_timeout
        if total is not None:
            deadline = min(deadline, self._clock() + total)
        if self.policy.max_retries == 0 or not is_retryable_request(request):
            return False, deadline
        if REQUEST_ID_HEADER not in request.headers:
            request.headers[REQUEST_ID_HEADER] = new_request_id()
        return True, deadline

    def delay(self, attempt: int, outcome: httpx.Response | Exception, deadline: float) -> float | None:
        """Seconds to wait before retrying after attempt ``attempt``; None: ``outcome`` is final."""
        if attempt > self.policy.max_retries:
            return None
        if isinstance(outcome, httpx.Response):
            if not is_retryable_response(outcome):
                return None
            delay = self.policy.delay(attempt, outcome.headers.get(RETRY_AFTER_HEADER), self._rand())
        elif is_retryable_error(outcome):
            delay = self.policy.backoff(attempt, self._rand())
        else:
            return None
        # No retry that would start past the call's total budget.
        return None if self._clock() + delay >= deadline else delay

    @staticmethod
    def closed_error(request: httpx.Request) -> ClientClosedError:
        return ClientClosedError(
            "The client was closed (close()/aclose()) before or during this call: nothing "
            "more is sent and nothing is retried; create a new client.",
            request=request,
            request_id=request.headers.get(REQUEST_ID_HEADER),
        )

    def announce(
        self, request: httpx.Request, attempt: int, outcome: httpx.Response | Exception, delay: float
    ) -> None:
        """Mark the next attempt on the request and log it (never the headers: they hold the key)."""
        request.headers[RETRY_ATTEMPT_HEADER] = str(attempt)
        reason = (
            f"HTTP {outcome.status_code}" if isinstance(outcome, httpx.Response) else type(outcome).__name__
        )
        logger.warning(
            "Retrying %s %s after %s in %.2fs (attempt %d of %d)",
            request.method,
            request.url.path,
            reason,
            delay,
            attempt,
            self.policy.max_retries + 1,
            extra={"request_id": request.headers.get(REQUEST_ID_HEADER), "attempt": attempt},
        )
