"""The retry decisions at their edges, on a test's clock: the call's budget counts the coming
wait, a budgeted call still succeeds, the last retry is still taken, and both transports
(sync and async) decide alike, then close what they were given."""

from __future__ import annotations

import logging
import math

import httpx
import pytest
from aigenstudio import APIConnectionError
from aigenstudio._core.api_facts import REQUEST_ID_HEADER, RETRY_ATTEMPT_HEADER
from aigenstudio._core.errors import ConfigurationError
from aigenstudio._http.retries import Retrying, RetryPolicy, is_retryable_request, is_retryable_response
from aigenstudio._http.sending import AsyncSendingTransport

from tests.safety.conftest import Script, Sender

NOW = 1000.0
KEY = {"Idempotency-Key": "idem_12345678"}


def _retrying(policy: RetryPolicy | None = None, now: float = NOW) -> Retrying:
    return Retrying(policy or RetryPolicy(), lambda: 0.5, lambda: False, clock=lambda: now)


def _get() -> httpx.Request:
    return httpx.Request("GET", "https://api.test/x")


def _answer(status: int, retry_after: str | None = None) -> httpx.Response:
    return httpx.Response(status, headers={"Retry-After": retry_after} if retry_after else {})


def test_the_budget_ends_total_timeout_after_the_call_starts() -> None:
    retryable, deadline = _retrying(RetryPolicy(total_timeout=30.0)).plan(_get())
    assert retryable
    assert deadline == NOW + 30.0
    assert _retrying().plan(_get())[1] == math.inf  # no budget: bounded by max_retries only


def test_a_request_that_is_not_retried_still_gets_the_budget() -> None:
    post = httpx.Request("POST", "https://api.test/jobs", content=b"{}")
    assert _retrying(RetryPolicy(total_timeout=5.0)).plan(post) == (False, NOW + 5.0)
    assert _retrying(RetryPolicy(max_retries=0, total_timeout=5.0)).plan(_get()) == (False, NOW + 5.0)
    assert REQUEST_ID_HEADER not in post.headers  # only a retried call needs a shared id


def test_a_retried_request_keeps_the_callers_id_or_gets_one() -> None:
    own = httpx.Request("GET", "https://api.test/x", headers={REQUEST_ID_HEADER: "req_mine"})
    _retrying().plan(own)
    assert own.headers[REQUEST_ID_HEADER] == "req_mine"
    bare = _get()
    _retrying().plan(bare)
    assert bare.headers[REQUEST_ID_HEADER]


@pytest.mark.parametrize(("retry_after", "expected"), [("4", 4.0), ("5", None), ("6", None)])
def test_no_retry_whose_wait_would_end_at_or_past_the_budget(
    retry_after: str, expected: float | None
) -> None:
    retrying = _retrying()
    assert retrying.delay(1, _answer(503, retry_after), deadline=NOW + 5.0) == expected


def test_a_connection_error_inside_the_budget_waits_the_backoff_and_outside_it_is_final() -> None:
    error = httpx.ConnectError("refused")
    retrying = _retrying(RetryPolicy(initial_backoff=2.0))
    # Equal jitter: half of 2.0 fixed, half scaled by rand (0.5): 1.5 s.
    assert retrying.delay(1, error, deadline=NOW + 1.6) == 1.5
    assert retrying.delay(1, error, deadline=NOW + 1.5) is None
    assert retrying.delay(2, error, deadline=math.inf) == RetryPolicy(initial_backoff=2.0).backoff(2, 0.5)


def test_the_last_allowed_retry_is_taken_and_none_after_it() -> None:
    retrying = _retrying(RetryPolicy(max_retries=2))
    assert retrying.delay(2, _answer(503), math.inf) is not None
    assert retrying.delay(3, _answer(503), math.inf) is None


@pytest.mark.parametrize(
    "outcome", [ValueError("a bug"), httpx.UnsupportedProtocol("ftp"), httpx.LocalProtocolError("bad header")]
)
def test_errors_that_would_fail_again_are_final(outcome: Exception) -> None:
    assert _retrying().delay(1, outcome, math.inf) is None


@pytest.mark.parametrize(
    ("status", "retry_after", "retried"),
    [
        *[(408, None, True), (429, None, True), (500, None, True), (599, None, True), (499, None, False)],
        *[(409, None, False), (409, "1", True), (400, "1", False), (200, None, False)],
    ],
)
def test_which_answers_are_retried(status: int, retry_after: str | None, retried: bool) -> None:
    assert is_retryable_response(_answer(status, retry_after)) is retried


@pytest.mark.parametrize(
    ("method", "headers", "content", "retried"),
    [
        ("GET", {}, b"", True),
        ("HEAD", {}, b"", True),
        ("OPTIONS", {}, b"", True),
        ("POST", KEY, b"{}", True),
        ("POST", {}, b"{}", False),
        ("POST", {"Idempotency-Key": "short"}, b"{}", False),
        ("PUT", KEY, b"{}", False),
        ("DELETE", {}, b"", False),
        ("POST", KEY, iter([b"{}"]), False),  # streamed: sent once
    ],
)
def test_which_requests_are_retried(
    method: str, headers: dict[str, str], content: object, retried: bool
) -> None:
    request = httpx.Request(method, "https://api.test/x", headers=headers, content=content)  # type: ignore[arg-type]
    assert is_retryable_request(request) is retried


@pytest.mark.parametrize("max_retries", [True, -1, 1.5, "2"])
def test_max_retries_must_be_a_plain_non_negative_integer(max_retries: object) -> None:
    with pytest.raises(ConfigurationError, match="max_retries must be an integer >= 0"):
        RetryPolicy(max_retries=max_retries)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["initial_backoff", "max_backoff", "max_retry_after"])
def test_only_total_timeout_may_be_none(name: str) -> None:
    assert RetryPolicy(max_retries=0, total_timeout=None).total_timeout is None
    with pytest.raises(ConfigurationError, match=f"RetryPolicy.{name} must be"):
        RetryPolicy(**{name: None})  # type: ignore[arg-type]


def test_each_retry_is_announced_with_its_number_and_the_attempt_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = _get()
    retrying = _retrying(RetryPolicy(max_retries=3))
    with caplog.at_level(logging.WARNING, logger="aigenstudio.retries"):
        retrying.announce(request, 2, _answer(503), 0.25)
        retrying.announce(request, 3, httpx.ReadTimeout("slow"), 1.5)
    assert request.headers[RETRY_ATTEMPT_HEADER] == "3"
    assert [r.getMessage() for r in caplog.records] == [
        "Retrying GET /x after HTTP 503 in 0.25s (attempt 2 of 4)",
        "Retrying GET /x after ReadTimeout in 1.50s (attempt 3 of 4)",
    ]
    assert [r.attempt for r in caplog.records] == [2, 3]  # type: ignore[attr-defined]


# -- through both transports ------------------------------------------------------------------


async def test_a_call_with_a_budget_succeeds_after_a_retry(send: Sender) -> None:
    script = Script([httpx.Response(503), httpx.Response(200, json={"ok": True})])
    response = await send(script, policy=RetryPolicy(total_timeout=30.0))
    assert response.status_code == 200
    assert script.attempts == 2
    assert send.sleeps == [RetryPolicy().backoff(1, 0.5)]


async def test_a_wait_longer_than_the_budget_is_not_slept(send: Sender) -> None:
    script = Script([httpx.Response(503, headers={"Retry-After": "50"}), httpx.Response(200)])
    response = await send(script, policy=RetryPolicy(total_timeout=30.0))
    assert response.status_code == 503
    assert script.attempts == 1
    assert send.sleeps == []


async def test_a_connection_error_past_the_budget_is_raised_not_retried(send: Sender) -> None:
    script = Script([httpx.ConnectError("refused"), httpx.Response(200)])
    policy = RetryPolicy(initial_backoff=50.0, max_backoff=50.0, total_timeout=30.0)
    with pytest.raises(APIConnectionError):
        await send(script, policy=policy)
    assert script.attempts == 1
    assert send.sleeps == []


class _ClosingBase(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.closed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200)

    async def aclose(self) -> None:
        self.closed += 1


async def test_the_async_transport_closes_its_base_on_aclose() -> None:
    base = _ClosingBase()
    async with httpx.AsyncClient(transport=AsyncSendingTransport(base)) as client:
        assert (await client.get("https://api.test/x")).status_code == 200
        assert base.closed == 0
    assert base.closed == 1


def test_a_policy_cannot_be_changed_after_it_is_made() -> None:
    policy = RetryPolicy()
    with pytest.raises(AttributeError):
        policy.max_retries = 100  # type: ignore[misc]
