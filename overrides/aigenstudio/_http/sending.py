"""The sending transport: one call's attempts, each bounded, retried while safe, typed at the end.

``SendingTransport.handle_request`` (and its async twin) reads top to bottom:

1. ``Retrying.plan``: may this request be sent twice (``retries.py``), and the time every
   attempt and wait must end by (``RetryPolicy.total_timeout``, a helper's ``time_budget``);
2. for each attempt: none once the client is closed; under the attempt's deadline
   (``attempt.py``: sync sockets clamped through ``deadline.attempt_deadline``, async under a
   cancel scope) send on the base transport and read the body within the size cap;
3. ``Retrying.delay``: retry (``Retry-After`` or backoff, within the call's budget, logged and
   marked ``X-Retry-Attempt``) or stop;
4. the in-memory response (a download's success: its body unread, streamed to the caller
   within ``max_download_size``, ``download.py``), or the typed error: httpx transport failures become
   APITimeoutError / APIConnectionError (``response_check.transport_error``) raised outside any
   ``except`` block, so no ``__context__`` keeps the live request (whose headers hold the key).

An attempt that ends after ``close()`` raises ClientClosedError instead of being retried or
returned, and closes the base transport again (a connection opened while close() ran).
"""

from __future__ import annotations

import math
import random as _random
import time
from collections.abc import Awaitable, Callable

import httpx

from .._core.loop import running_asyncio_loop
from .attempt import DEFAULT_MAX_RESPONSE_SIZE, Attempt, aread_body, attempt_budget, read_body
from .deadline import EXPIRED, attempt_deadline
from .download import DEFAULT_MAX_DOWNLOAD_SIZE, astreamed, is_download, streamed
from .response_check import transport_error
from .retries import ATTEMPTS_EXTENSION, Retrying, RetryPolicy

__all__ = ["AsyncSendingTransport", "SendingTransport"]

Outcome = httpx.Response | Exception


def _never_closed() -> bool:
    return False


def _final(request: httpx.Request, outcome: Outcome, attempts: int | None) -> httpx.Response:
    """Return the answer (with how many attempts it took, if retryable) or raise the typed error."""
    if isinstance(outcome, httpx.Response):
        if attempts is not None:
            outcome.extensions[ATTEMPTS_EXTENSION] = attempts
        return outcome
    if isinstance(outcome, httpx.TransportError | httpx.DecodingError):
        raise transport_error(request, outcome)
    raise outcome


class SendingTransport(httpx.BaseTransport):
    """Sends a request on ``base``: bounded attempts, safe retries, typed transport errors."""

    def __init__(
        self,
        base: httpx.BaseTransport,
        policy: RetryPolicy | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        *,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        is_closed: Callable[[], bool] = _never_closed,
        sockets_keep_deadline: bool = False,
        max_download_size: int = DEFAULT_MAX_DOWNLOAD_SIZE,
        base_is_closed: Callable[[], bool] | None = None,
    ) -> None:
        self._base = base
        # None: ``base`` is this transport's own; else a pool shared with other clients
        # (a client's copies), closed by its owner only.
        self._base_is_closed = base_is_closed
        self._max_size = max_response_size
        self._max_download = max_download_size
        self._retrying = Retrying(policy or RetryPolicy(), random, is_closed)
        self._sleep = sleep
        # True for our own pool (wire.PoolTransport): its sockets honour attempt_deadline, so
        # the body phase's timeouts need no shrinking; a caller's transport= gets them shrunk.
        self._shrink_body_timeouts = not sockets_keep_deadline

    @property
    def policy(self) -> RetryPolicy:
        return self._retrying.policy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retryable, deadline = self._retrying.plan(request)
        timeouts = request.extensions.get("timeout") or {}  # the caller's (shrinking makes new ones)
        budget = attempt_budget(timeouts)
        attempt = 1
        while True:
            outcome = self._attempt(request, Attempt(request, self._max_size, budget, deadline), timeouts)
            delay = self._retrying.delay(attempt, outcome, deadline) if retryable else None
            if delay is not None and self._retrying.is_closed():  # nothing is retried after close()
                outcome, delay = self._retrying.closed_error(request), None
            if delay is None:
                return _final(request, outcome, attempt if retryable else None)
            attempt += 1
            self._retrying.announce(request, attempt, outcome, delay)
            self._sleep(delay)

    def _attempt(self, request: httpx.Request, limits: Attempt, timeouts: dict[str, float | None]) -> Outcome:
        """One attempt's answer, read within its limits, or the exception it ended with."""
        if self._retrying.is_closed():
            return self._retrying.closed_error(request)
        body_timeouts = timeouts if self._shrink_body_timeouts else None
        outcome: Outcome
        try:
            limits.start(timeouts)
            if limits.deadline == math.inf:
                outcome = self._answer(self._base.handle_request(request), limits, body_timeouts)
            else:
                with attempt_deadline(limits.deadline):
                    outcome = self._answer(self._base.handle_request(request), limits, body_timeouts)
        except Exception as error:
            outcome = error
        if self._retrying.is_closed():
            if self._owns_closed_base():
                self._base.close()  # a connection opened while close() ran is closed too
            if isinstance(outcome, Exception):  # its connection dropped by close(): say so
                return self._retrying.closed_error(request)
        return outcome  # an answer read in full is the caller's (a 201 holds a paid job's id)

    def _answer(
        self, response: httpx.Response, limits: Attempt, timeouts: dict[str, float | None] | None
    ) -> httpx.Response:
        """The answer read within the attempt's limits; a download's success left to the caller."""
        if is_download(request := limits.request, response):
            return streamed(response, request, self._max_download)
        return read_body(response, limits, timeouts)

    def _owns_closed_base(self) -> bool:
        return self._base_is_closed is None or self._base_is_closed()

    def close(self) -> None:
        if self._base_is_closed is None:  # a shared pool is its owner's to close
            self._base.close()


class AsyncSendingTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`SendingTransport`."""

    def __init__(
        self,
        base: httpx.AsyncBaseTransport,
        policy: RetryPolicy | None = None,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        random: Callable[[], float] = _random.random,
        is_closed: Callable[[], bool] = _never_closed,
        max_download_size: int = DEFAULT_MAX_DOWNLOAD_SIZE,
        base_is_closed: Callable[[], bool] | None = None,
    ) -> None:
        self._base = base
        self._base_is_closed = base_is_closed
        self._max_size = max_response_size
        self._max_download = max_download_size
        self._retrying = Retrying(policy or RetryPolicy(), random, is_closed)
        self._sleep = sleep or _async_sleep

    @property
    def policy(self) -> RetryPolicy:
        return self._retrying.policy

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retryable, deadline = self._retrying.plan(request)
        budget = attempt_budget(request.extensions.get("timeout") or {})
        attempt = 1
        while True:
            outcome = await self._attempt(request, Attempt(request, self._max_size, budget, deadline))
            delay = self._retrying.delay(attempt, outcome, deadline) if retryable else None
            if delay is not None and self._retrying.is_closed():  # nothing is retried after aclose()
                outcome, delay = self._retrying.closed_error(request), None
            if delay is None:
                return _final(request, outcome, attempt if retryable else None)
            attempt += 1
            self._retrying.announce(request, attempt, outcome, delay)
            await self._sleep(delay)

    async def _attempt(self, request: httpx.Request, limits: Attempt) -> Outcome:
        if self._retrying.is_closed():
            return self._retrying.closed_error(request)
        outcome: Outcome
        try:
            outcome = await self._bounded(request, limits)
        except Exception as error:
            outcome = error
        if self._retrying.is_closed():
            if self._base_is_closed is None or self._base_is_closed():
                await self._base.aclose()  # a connection opened while aclose() ran is closed too
            if isinstance(outcome, Exception):  # its connection dropped by aclose(): say so
                return self._retrying.closed_error(request)
        return outcome  # an answer read in full is the caller's (a 201 holds a paid job's id)

    async def _bounded(self, request: httpx.Request, limits: Attempt) -> httpx.Response:
        """Send and read under a cancel scope: a true deadline, even for a dripping server."""
        if limits.deadline == math.inf:
            return await self._answer(await self._base.handle_async_request(request), limits)
        left = limits.deadline - time.monotonic()
        loop = running_asyncio_loop()
        if loop is not None:  # asyncio's own scope (3.11+) costs a fraction of anyio's
            import asyncio

            try:
                async with asyncio.timeout_at(loop.time() + left):
                    return await self._answer(await self._base.handle_async_request(request), limits)
            except TimeoutError:
                pass
            raise httpx.ReadTimeout(EXPIRED, request=request)
        import anyio  # here, not at import: sync callers never need it; anyio covers trio

        with anyio.move_on_after(left):
            return await self._answer(await self._base.handle_async_request(request), limits)
        raise httpx.ReadTimeout(EXPIRED, request=request)

    async def _answer(self, response: httpx.Response, limits: Attempt) -> httpx.Response:
        if is_download(limits.request, response):
            return await astreamed(response, limits.request, self._max_download)
        return await aread_body(response, limits)

    async def aclose(self) -> None:
        if self._base_is_closed is None:  # a shared pool is its owner's to close
            await self._base.aclose()


async def _async_sleep(seconds: float) -> None:
    import anyio  # here, not at import: sync callers never load an event loop library

    await anyio.sleep(seconds)  # asyncio or trio, whichever runs the call
