"""Retries that can never pay twice: an httpx transport wrapper, sync and async.

Why not ``httpx-retries``: its ``Retry`` decides on the method name and the status code
alone, so "POST only with an Idempotency-Key" and "409 only when the API says the key is
still in progress" do not fit its hooks; it caps ``Retry-After`` with the backoff cap, draws
jitter from the global ``random`` module and sleeps with ``time.sleep``/``asyncio.sleep``
directly, and has no hook for the attempt header or a warning log. Overriding all of that
leaves only its ~30-line loop, so this module is our own loop instead.

Rules (issue 4):

* only safe requests: GET/HEAD/OPTIONS, and POST only when it carries a valid
  ``Idempotency-Key`` (an empty or malformed key makes nothing idempotent); the body must be
  replayable bytes (streamed bodies are sent once, never retried);
* time: each attempt is bounded by the client's timeout (the reading layer below);
  ``total_timeout`` bounds all attempts and waits together: no retry starts past it; so
  does a helper's ``time_budget`` (``budget.py``), whichever ends first;
* retried: connection errors, timeouts, 408, 429, 5xx, and 409 only when it carries
  ``Retry-After``. The API documents no "idempotency key in progress" code, and a bare 409
  also means "one active job per key", which waiting briefly does not fix; a 409 that tells
  us when to come back is the conservative reading of "the API says so";
* never retried: any other 4xx (400/401/402/403/404/422 above all);
* delay: ``Retry-After`` (delta-seconds or HTTP date) capped at ``max_retry_after``, else
  exponential backoff with equal jitter (half fixed, half random), so a retry never
  follows a failure with no pause at all;
* a closed client (``is_closed``) sends nothing more: no attempt starts after ``close()``,
  and an attempt that ends after it (its connection dropped by the close, or an answer
  that would be retried) raises ClientClosedError instead of being retried or returned;
* every attempt keeps the caller's ``X-Request-Id`` (one is added if missing, so a logical
  call is traceable), retries carry ``X-Retry-Attempt: <n>`` and log a WARNING on
  ``aigenstudio.retries`` with ``request_id`` and ``attempt`` extra fields.
"""

from __future__ import annotations

import contextlib
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from .._core.api_facts import IDEMPOTENCY_KEY_HEADER as IDEMPOTENCY_HEADER
from .._core.api_facts import REQUEST_ID_HEADER, RETRY_AFTER_HEADER
from .._core.api_facts import RETRY_ATTEMPT_HEADER as ATTEMPT_HEADER
from .._core.errors import ClientClosedError, ConfigurationError
from .._core.retry_after import response_retry_after
from .._core.seconds import is_seconds
from .budget import call_deadline
from .idempotency import is_valid_idempotency_key
from .reading import DEADLINE_EXTENSION
from .request_id import new_request_id

__all__ = [
    "ATTEMPTS_EXTENSION",
    "ATTEMPT_HEADER",
    "MAX_RETRIES",
    "AsyncRetryTransport",
    "RetryPolicy",
    "RetryTransport",
]

logger = logging.getLogger("aigenstudio.retries")

# Response extension: how many attempts the returned answer took (absent: not retryable).
ATTEMPTS_EXTENSION = "aigenstudio_attempts"
# Retries after the first attempt, by default (the client's max_retries= too).
MAX_RETRIES = 2

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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
        # The exponent is capped: 2.0 ** 1024 overflows, and 2 ** 62 seconds is forever anyway.
        ceiling = min(self.max_backoff, self.initial_backoff * 2.0 ** min(retry_number - 1, 62))
        return ceiling / 2 + ceiling / 2 * rand


def is_retryable_request(request: httpx.Request) -> bool:
    """Safe to send twice: a safe method, or a POST made idempotent by its key; replayable body."""
    method = request.method.upper()
    if method not in _SAFE_METHODS and not (
        method == "POST" and is_valid_idempotency_key(request.headers.get(IDEMPOTENCY_HEADER))
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


def _never_closed() -> bool:
    return False


class _Retrying:
    """The decisions both transports share: whether, how long, and what to log."""

    def __init__(
        self, policy: RetryPolicy | None, rand: Callable[[], float], is_closed: Callable[[], bool]
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._rand = rand
        self.is_closed = is_closed

    def refuse_if_closed(self, request: httpx.Request) -> None:
        """Raise ClientClosedError if the client was closed: no attempt starts after close()."""
        if self.is_closed():
            raise self.closed_error(request)

    @staticmethod
    def closed_error(request: httpx.Request) -> ClientClosedError:
        return ClientClosedError(
            "The client was closed (close()/aclose()) before or during this call: nothing "
            "more is sent and nothing is retried; create a new client.",
            request=request,
            request_id=request.headers.get(REQUEST_ID_HEADER),
        )

    def prepare(self, request: httpx.Request) -> bool:
        """Whether ``request`` may be retried; gives it a request id shared by all attempts."""
        deadline = call_deadline()  # a helper's time budget, if the call runs inside one
        total = self.policy.total_timeout
        if total is not None:
            own = time.monotonic() + total
            deadline = own if deadline is None else min(deadline, own)
        if deadline is not None:
            request.extensions[DEADLINE_EXTENSION] = deadline
        if self.policy.max_retries == 0 or not is_retryable_request(request):
            return False
        if REQUEST_ID_HEADER not in request.headers:
            request.headers[REQUEST_ID_HEADER] = new_request_id()
        return True

    @staticmethod
    def out_of_time(request: httpx.Request, delay: float) -> bool:
        """Whether waiting ``delay`` more would pass the total budget (then stop retrying)."""
        deadline = request.extensions.get(DEADLINE_EXTENSION)
        return isinstance(deadline, float) and time.monotonic() + delay >= deadline

    def delay(self, retry_number: int, response: httpx.Response | None) -> float:
        hint = response_retry_after(response.headers) if response is not None else None
        if hint is not None:
            return min(hint, self.policy.max_retry_after)
        return self.policy.backoff(retry_number, self._rand())

    def announce(
        self, request: httpx.Request, attempt: int, outcome: httpx.Response | Exception, delay: float
    ) -> None:
        """Mark the next attempt on the request and log it (never the headers: they hold the key)."""
        request.headers[ATTEMPT_HEADER] = str(attempt)
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


class RetryTransport(httpx.BaseTransport):
    """Wraps a sync transport and retries safe requests under ``policy``."""

    def __init__(
        self,
        transport: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        is_closed: Callable[[], bool] = _never_closed,
    ) -> None:
        self._transport = transport
        self._retrying = _Retrying(policy, random, is_closed)
        self._sleep = sleep

    @property
    def policy(self) -> RetryPolicy:
        return self._retrying.policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._retrying.prepare(request):
            return self._attempt(request)
        max_retries = self.policy.max_retries
        for attempt in range(1, max_retries + 2):
            last = attempt == max_retries + 1
            try:
                response = self._attempt(request)
            except Exception as error:
                if last or not is_retryable_error(error):
                    raise
                outcome: httpx.Response | Exception = error
                delay = self._retrying.delay(attempt, None)
                if self._retrying.out_of_time(request, delay):
                    raise
            else:
                retry = not last and is_retryable_response(response)
                delay = self._retrying.delay(attempt, response) if retry else 0.0
                if not retry or self._retrying.out_of_time(request, delay):
                    response.extensions[ATTEMPTS_EXTENSION] = attempt
                    return response
                outcome = response
                _discard(response)
            self._retrying.announce(request, attempt + 1, outcome, delay)
            self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One attempt, none once the client is closed; one that ends after close() raises."""
        self._retrying.refuse_if_closed(request)
        response: httpx.Response | None = None
        try:
            response = self._transport.handle_request(request)
        except Exception:
            if not self._retrying.is_closed():
                raise
        if response is not None and not self._retrying.is_closed():
            return response
        # Raised outside the except block: no __context__ keeps the live request (the key).
        if response is not None:
            response.close()
        self._transport.close()  # a connection opened while close() ran is closed too
        raise self._retrying.closed_error(request)

    def close(self) -> None:
        self._transport.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wraps an async transport and retries safe requests under ``policy``."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        random: Callable[[], float] = _random.random,
        is_closed: Callable[[], bool] = _never_closed,
    ) -> None:
        self._transport = transport
        self._retrying = _Retrying(policy, random, is_closed)
        self._sleep = sleep or _async_sleep

    @property
    def policy(self) -> RetryPolicy:
        return self._retrying.policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._retrying.prepare(request):
            return await self._attempt(request)
        max_retries = self.policy.max_retries
        for attempt in range(1, max_retries + 2):
            last = attempt == max_retries + 1
            try:
                response = await self._attempt(request)
            except Exception as error:
                if last or not is_retryable_error(error):
                    raise
                outcome: httpx.Response | Exception = error
                delay = self._retrying.delay(attempt, None)
                if self._retrying.out_of_time(request, delay):
                    raise
            else:
                retry = not last and is_retryable_response(response)
                delay = self._retrying.delay(attempt, response) if retry else 0.0
                if not retry or self._retrying.out_of_time(request, delay):
                    response.extensions[ATTEMPTS_EXTENSION] = attempt
                    return response
                outcome = response
                await _adiscard(response)
            self._retrying.announce(request, attempt + 1, outcome, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _attempt(self, request: httpx.Request) -> httpx.Response:
        """One attempt, none once the client is closed; one that ends after aclose() raises."""
        self._retrying.refuse_if_closed(request)
        response: httpx.Response | None = None
        try:
            response = await self._transport.handle_async_request(request)
        except Exception:
            if not self._retrying.is_closed():
                raise
        if response is not None and not self._retrying.is_closed():
            return response
        if response is not None:
            await response.aclose()
        await self._transport.aclose()  # a connection opened while aclose() ran is closed too
        raise self._retrying.closed_error(request)

    async def aclose(self) -> None:
        await self._transport.aclose()


async def _async_sleep(seconds: float) -> None:
    import anyio  # here, not at import: sync callers never load an event loop library

    await anyio.sleep(seconds)  # asyncio or trio, whichever runs the call


def _discard(response: httpx.Response) -> None:
    # Reading to the end lets the connection go back to the pool instead of being dropped.
    with contextlib.suppress(httpx.HTTPError):
        response.read()
    response.close()


async def _adiscard(response: httpx.Response) -> None:
    with contextlib.suppress(httpx.HTTPError):
        await response.aread()
    await response.aclose()
