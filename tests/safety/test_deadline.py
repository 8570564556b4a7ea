"""One deadline mechanism, handed to httpcore through its public API: the default sync pool's
network backend clamps every socket operation to the running attempt's (or call's) deadline."""

from __future__ import annotations

import math
import time
from typing import Any

import httpcore
import pytest
from aigenstudio import AsyncClient, Client
from aigenstudio._http.deadline import attempt_deadline, current_deadline, time_budget
from aigenstudio._http.wire import DeadlineBackend

BASE_URL = "https://api.example.test/api/v1"
KEY = "aigen_test_" + "d3adl1n3" * 3


def _pool_backends(monkeypatch: pytest.MonkeyPatch, cls: type[Client] | type[AsyncClient]) -> list[Any]:
    seen: list[Any] = []
    for name in ("ConnectionPool", "AsyncConnectionPool"):
        real = getattr(httpcore, name)

        def capture(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            seen.append(kwargs.get("network_backend"))
            return _real(*args, **kwargs)

        monkeypatch.setattr(httpcore, name, capture)
    client = cls(KEY, base_url=BASE_URL)
    client.get_httpx_client()
    client.get_async_httpx_client()
    client.close()
    return seen


def test_the_sync_pool_gets_the_deadline_backend_through_its_public_argument(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sync_backend, async_backend = _pool_backends(monkeypatch, Client)
    assert isinstance(sync_backend, DeadlineBackend)
    assert async_backend is None  # async attempts are bounded by a cancel scope instead


def test_a_budget_and_an_attempt_share_one_deadline() -> None:
    assert current_deadline() == math.inf
    with time_budget(30.0):
        budget = current_deadline()
        assert budget <= time.monotonic() + 30.0
        with time_budget(3600.0):
            assert current_deadline() == budget  # a nested budget keeps the earlier end
        with attempt_deadline(budget - 1.0):
            assert current_deadline() == budget - 1.0
        assert current_deadline() == budget
    assert current_deadline() == math.inf


def test_a_socket_operation_past_the_deadline_is_refused() -> None:
    class Stream(httpcore.NetworkStream):
        timeouts: list[float | None] = []  # noqa: RUF012

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            self.timeouts.append(timeout)
            return b""

    class Inner(httpcore.NetworkBackend):
        def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
            return Stream()

    stream = DeadlineBackend(Inner()).connect_tcp("127.0.0.1", 1, timeout=None)
    stream.read(1, timeout=100.0)
    with attempt_deadline(time.monotonic() + 50.0):
        stream.read(1, timeout=100.0)
    with attempt_deadline(time.monotonic() - 1.0), pytest.raises(httpcore.ReadTimeout):
        stream.read(1, timeout=100.0)
    first, clamped = Stream.timeouts
    assert first == 100.0
    assert clamped is not None
    assert clamped <= 50.0
