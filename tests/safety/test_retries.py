"""Retry rules of issue 4, each checked through both the sync and the async transport."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from aigenstudio._core.api_facts import RETRY_ATTEMPT_HEADER
from aigenstudio._core.retry_after import parse_retry_after
from aigenstudio._http.retries import ATTEMPTS_EXTENSION, RetryPolicy

from .conftest import Script, Sender, raises_typed

KEY = {"Idempotency-Key": "idem_0123456789abcdef"}
JOB = {"job_id": "3f1c2b4a-0000-4000-8000-000000000001", "status": "queued"}


def ok() -> httpx.Response:
    return httpx.Response(200, json=JOB)


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, json={"error": {"code": "x", "message": "y"}}, headers=headers)


async def test_retries_a_get_until_it_succeeds(send: Sender) -> None:
    script = Script([status(503), status(502), ok()])
    response = await send(script)
    assert response.status_code == 200
    assert script.attempts == 3
    assert response.extensions[ATTEMPTS_EXTENSION] == 3


async def test_gives_up_after_max_retries_and_returns_the_last_answer(send: Sender) -> None:
    script = Script([status(503)])
    response = await send(script)
    assert response.status_code == 503
    assert script.attempts == 3  # the default policy: 2 retries


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503, 504, 599])
async def test_retryable_statuses(send: Sender, code: int) -> None:
    script = Script([status(code), ok()])
    assert (await send(script)).status_code == 200
    assert script.attempts == 2


@pytest.mark.parametrize("code", [400, 401, 402, 403, 404, 409, 422])
async def test_client_errors_are_never_retried(send: Sender, code: int) -> None:
    script = Script([status(code), ok()])
    response = await send(script, "POST", json={"a": 1}, headers=KEY)
    assert response.status_code == code
    assert script.attempts == 1


@pytest.mark.parametrize("code", [400, 401, 402, 403, 404, 422])
async def test_client_errors_are_not_retried_even_with_retry_after(send: Sender, code: int) -> None:
    script = Script([status(code, **{"Retry-After": "1"}), ok()])
    assert (await send(script)).status_code == code
    assert script.attempts == 1


async def test_409_is_retried_only_when_the_api_says_when_to_come_back(send: Sender) -> None:
    script = Script([status(409, **{"Retry-After": "2"}), ok()])
    response = await send(script, "POST", json={"a": 1}, headers=KEY)
    assert response.status_code == 200
    assert script.attempts == 2
    assert send.sleeps == [2.0]


async def test_post_without_idempotency_key_is_never_retried(send: Sender) -> None:
    script = Script([status(503), ok()])
    assert (await send(script, "POST", json={"a": 1})).status_code == 503
    assert script.attempts == 1


async def test_post_without_idempotency_key_is_not_retried_after_a_dropped_connection(
    send: Sender,
) -> None:
    script = Script([httpx.RemoteProtocolError("Server disconnected"), ok()])
    with raises_typed(httpx.RemoteProtocolError):
        await send(script, "POST", json={"a": 1})
    assert script.attempts == 1


async def test_post_with_idempotency_key_is_retried_with_the_same_key_and_body(send: Sender) -> None:
    script = Script([httpx.ReadTimeout("read timed out"), status(500), ok()])
    response = await send(script, "POST", json={"images": [1, 2]}, headers=KEY)
    assert response.status_code == 200
    assert script.attempts == 3
    assert {seen["idempotency-key"] for seen in script.seen} == {KEY["Idempotency-Key"]}
    assert script.bodies == [b'{"images":[1,2]}'] * 3


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
async def test_other_methods_are_not_retried(send: Sender, method: str) -> None:
    script = Script([status(503), ok()])
    assert (await send(script, method, headers=KEY)).status_code == 503
    assert script.attempts == 1


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.ReadError("reset"),
        httpx.ReadTimeout("read timed out"),
        httpx.WriteError("broken pipe"),
        httpx.PoolTimeout("pool"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ],
    ids=lambda error: type(error).__name__,
)
async def test_connection_errors_and_timeouts_are_retried(send: Sender, error: Exception) -> None:
    script = Script([error, ok()])
    assert (await send(script)).status_code == 200
    assert script.attempts == 2


async def test_the_last_connection_error_is_raised_when_retries_run_out(send: Sender) -> None:
    script = Script([httpx.ConnectError("refused")])
    with raises_typed(httpx.ConnectError):
        await send(script)
    assert script.attempts == 3


@pytest.mark.parametrize(
    "error", [httpx.LocalProtocolError("bad header"), httpx.UnsupportedProtocol("ftp")], ids=repr
)
async def test_deterministic_transport_errors_are_not_retried(send: Sender, error: Exception) -> None:
    script = Script([error, ok()])
    with raises_typed(type(error)):
        await send(script)
    assert script.attempts == 1


async def test_max_retries_zero_disables_retries(send: Sender) -> None:
    script = Script([status(503), ok()])
    assert (await send(script, policy=RetryPolicy(max_retries=0))).status_code == 503
    errors = Script([httpx.ConnectError("refused"), ok()])
    with raises_typed(httpx.ConnectError):
        await send(errors, policy=RetryPolicy(max_retries=0))
    assert (script.attempts, errors.attempts) == (1, 1)
    assert send.sleeps == []


async def test_max_retries_is_configurable(send: Sender) -> None:
    script = Script([status(503)] * 5 + [ok()])
    assert (await send(script, policy=RetryPolicy(max_retries=5))).status_code == 200
    assert script.attempts == 6


async def test_every_attempt_keeps_the_callers_request_id(send: Sender) -> None:
    script = Script([status(503), httpx.ReadError("reset"), ok()])
    await send(script, headers={"X-Request-Id": "req_caller_42"})
    assert [seen["x-request-id"] for seen in script.seen] == ["req_caller_42"] * 3


async def test_a_request_id_is_added_when_missing_and_shared_by_all_attempts(send: Sender) -> None:
    script = Script([status(503), ok()])
    await send(script)
    ids = {seen["x-request-id"] for seen in script.seen}
    assert len(ids) == 1
    assert ids.pop().startswith("req_")


async def test_retries_carry_an_attempt_counter(send: Sender) -> None:
    script = Script([status(503), status(503), ok()])
    await send(script)
    assert [seen.get(RETRY_ATTEMPT_HEADER.lower()) for seen in script.seen] == [None, "2", "3"]


async def test_backoff_is_exponential_with_injected_jitter(send: Sender) -> None:
    send.rand = lambda: 0.5
    script = Script([status(503)] * 4 + [ok()])
    policy = RetryPolicy(max_retries=4, initial_backoff=0.5, max_backoff=2.0)
    await send(script, policy=policy)
    # Equal jitter: ceiling/2 + ceiling/2 * rand, ceilings 0.5, 1, 2, 2 (capped).
    assert send.sleeps == [0.375, 0.75, 1.5, 1.5]


@pytest.mark.parametrize(("rand", "expected"), [(0.0, [0.25, 0.5]), (0.999, [0.49975, 0.9995])])
async def test_jitter_bounds(send: Sender, rand: float, expected: list[float]) -> None:
    send.rand = lambda: rand
    await send(Script([status(500), status(500), ok()]))
    assert send.sleeps == pytest.approx(expected)


async def test_retry_after_seconds_is_honoured(send: Sender) -> None:
    await send(Script([status(429, **{"Retry-After": "7"}), ok()]))
    assert send.sleeps == [7.0]


async def test_retry_after_is_capped(send: Sender) -> None:
    policy = RetryPolicy(max_retry_after=10.0)
    await send(Script([status(503, **{"Retry-After": "3600"}), ok()]), policy=policy)
    assert send.sleeps == [10.0]


async def test_retry_after_http_date_is_honoured_and_capped(send: Sender) -> None:
    far = format_datetime(datetime.now(UTC) + timedelta(hours=2), usegmt=True)
    past = "Wed, 21 Oct 2015 07:28:00 GMT"
    script = Script([status(503, **{"Retry-After": far}), status(503, **{"Retry-After": past}), ok()])
    await send(script)
    assert send.sleeps == [60.0, 0.0]


@pytest.mark.parametrize("header", ["9" * 400, "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
async def test_an_absurd_retry_after_waits_max_retry_after(send: Sender, header: str) -> None:
    await send(Script([status(503, **{"Retry-After": header}), ok()]))
    assert send.sleeps == [60.0]


async def test_unparseable_retry_after_falls_back_to_backoff(send: Sender) -> None:
    await send(Script([status(503, **{"Retry-After": "soon"}), ok()]))
    assert send.sleeps == [0.375]


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 5 ") == 5.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("-1") is None
    assert parse_retry_after("1.5") is None
    assert parse_retry_after("tomorrow") is None
    assert parse_retry_after(None) is None


async def test_streamed_bodies_are_sent_once(send: Sender) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"a":'
        yield b"1}"

    async def achunks() -> AsyncIterator[bytes]:
        for chunk in chunks():
            yield chunk

    script = Script([status(503), ok()])
    body = chunks() if send.mode == "sync" else achunks()
    response = await send(script, "POST", content=body, headers=KEY)
    assert response.status_code == 503
    assert script.attempts == 1


class TrackedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body that records whether it was read to the end and closed."""

    def __init__(self) -> None:
        self.consumed = self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield b"<html>502 Bad Gateway</html>"
        self.consumed = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self:
            yield chunk

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


async def test_discarded_responses_are_read_and_closed(send: Sender) -> None:
    bodies = [TrackedStream(), TrackedStream()]
    script = Script([httpx.Response(502, stream=stream) for stream in bodies] + [ok()])
    assert (await send(script)).status_code == 200
    assert [(body.consumed, body.closed) for body in bodies] == [(True, True), (True, True)]


async def test_each_retry_logs_a_warning_with_request_id_and_attempt(
    send: Sender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="aigenstudio.retries")
    secret = "Bearer aigen_live_do_not_log_me"
    script = Script([status(503), httpx.ConnectError("refused"), ok()])
    await send(script, headers={"Authorization": secret, "X-Request-Id": "req_log"})
    records = [r for r in caplog.records if r.name == "aigenstudio.retries"]
    assert [r.levelno for r in records] == [logging.WARNING] * 2
    assert [(r.__dict__["request_id"], r.__dict__["attempt"]) for r in records] == [
        ("req_log", 2),
        ("req_log", 3),
    ]
    assert "HTTP 503" in records[0].getMessage()
    assert "ConnectError" in records[1].getMessage()
    assert "aigen_live_do_not_log_me" not in caplog.text


def test_policy_rejects_negative_values() -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError, match="backoff"):
        RetryPolicy(initial_backoff=-0.1)


def test_defaults_match_the_issue() -> None:
    assert RetryPolicy() == RetryPolicy(
        max_retries=2, initial_backoff=0.5, max_backoff=8.0, max_retry_after=60.0
    )
