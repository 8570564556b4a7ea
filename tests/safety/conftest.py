"""Drive the sending transports, sync and async, against scripted httpx.MockTransport answers."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aigenstudio import APIConnectionError
from aigenstudio._http.retries import RetryPolicy
from aigenstudio._http.sending import AsyncSendingTransport, SendingTransport

BASE_URL = "https://api.test/api/v1"
Outcome = httpx.Response | Exception


@contextmanager
def raises_typed(kind: type[Exception]) -> Iterator[None]:
    """The sending transport's typed error for an httpx failure of exactly ``kind`` (its cause)."""
    with pytest.raises(APIConnectionError) as caught:
        yield
    assert type(caught.value.__cause__) is kind
    assert caught.value.__suppress_context__


@dataclass
class Script:
    """Answers attempt n with outcomes[n] (the last one repeats) and snapshots each request."""

    outcomes: Sequence[Outcome]
    seen: list[dict[str, str]] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        index = min(len(self.seen), len(self.outcomes) - 1)
        # Copies: the transport re-sends (and mutates) the same Request object.
        self.seen.append({k.lower(): v for k, v in request.headers.items()})
        self.bodies.append(request.content)
        outcome = self.outcomes[index]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    @property
    def attempts(self) -> int:
        return len(self.seen)


@dataclass
class Sender:
    """Sends one request through a SendingTransport or AsyncSendingTransport (by ``mode``)."""

    mode: str
    sleeps: list[float] = field(default_factory=list)
    rand: Callable[[], float] = lambda: 0.5

    async def __call__(
        self,
        script: Script,
        method: str = "GET",
        path: str = "/product-photo-jobs",
        *,
        policy: RetryPolicy | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        if self.mode == "sync":
            return self._send_sync(script, method, path, policy, kwargs)

        async def record_sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        atransport = AsyncSendingTransport(
            httpx.MockTransport(script), policy, sleep=record_sleep, random=self.rand
        )
        async with httpx.AsyncClient(transport=atransport, base_url=BASE_URL) as aclient:
            return await aclient.request(method, path, **kwargs)

    def _send_sync(
        self, script: Script, method: str, path: str, policy: RetryPolicy | None, kwargs: dict[str, Any]
    ) -> httpx.Response:
        # MockTransport answers at once: a sync call inside the async test blocks nothing.
        transport = SendingTransport(
            httpx.MockTransport(script), policy, sleep=self.sleeps.append, random=self.rand
        )
        with httpx.Client(transport=transport, base_url=BASE_URL) as client:
            return client.request(method, path, **kwargs)


@pytest.fixture(params=["sync", "async"])
def send(request: pytest.FixtureRequest) -> Sender:
    return Sender(mode=request.param)
