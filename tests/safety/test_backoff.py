"""One backoff policy: the retry layer, wait_for_job's polling and the catalog's back-pressure on
create all take their waits from ``Backoff``, each with its own documented schedule."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from aigenstudio import RetryPolicy
from aigenstudio._catalog.submit import Backpressure
from aigenstudio._core.backoff import Backoff
from aigenstudio._core.errors import status_error_from_response
from aigenstudio._core.retry_after import MAX_RETRY_AFTER


def test_equal_jitter_doubles_up_to_the_cap() -> None:
    backoff = Backoff(0.5, 8.0, 2.0, 0.5)
    assert [backoff.step(n, 0.0) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert [backoff.step(n, 0.999) for n in (1, 5)] == pytest.approx([0.49975, 7.996])


def test_exact_steps_grow_by_the_factor_up_to_the_cap() -> None:
    assert [Backoff(2.0, 6.0, 1.5).step(n) for n in range(1, 6)] == [2.0, 3.0, 4.5, 6.0, 6.0]


def test_a_huge_step_number_does_not_overflow() -> None:
    assert Backoff(1.0, 30.0, 2.0).step(10**6) == 30.0


@pytest.mark.parametrize(
    ("header", "expected"), [("7", 7.0), ("0", 0.0), ("999999", 60.0), ("soon", 0.5), (None, 0.5)]
)
def test_retry_after_replaces_the_step_capped(header: str | None, expected: float) -> None:
    backoff = Backoff(0.5, 8.0, 2.0, 0.5, max_retry_after=60.0)
    assert backoff.wait(2, header, rand=0.0) == expected


@pytest.mark.parametrize(("header", "expected"), [("7", 7.0), ("1", 3.0), (None, 3.0), ("x", 3.0)])
def test_retry_after_as_a_floor_only_lengthens_a_step(header: str | None, expected: float) -> None:
    assert Backoff(2.0, 30.0, 1.5, hint_is_floor=True).wait(2, header) == expected


def test_an_absurd_retry_after_is_capped_at_a_day() -> None:
    assert Backoff(1.0, 2.0, hint_is_floor=True).retry_after("9" * 400) == MAX_RETRY_AFTER


def test_the_retry_policy_takes_its_waits_from_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    real = Backoff.wait

    def spy(self: Backoff, *args: Any) -> float:
        calls.append((self.factor, self.jitter, self.hint_is_floor))
        return real(self, *args)

    monkeypatch.setattr(Backoff, "wait", spy)
    assert RetryPolicy().delay(1, "3", 0.5) == 3.0
    error = status_error_from_response(
        httpx.Response(429, headers={"Retry-After": "4"}, request=httpx.Request("POST", "https://x.test/")),
        None,
    )
    assert Backpressure(60.0, 2.0, 30.0, lambda: 0.0).delay(error) == 4.0
    assert calls == [(2.0, 0.5, False), (1.5, 0.0, True)]
