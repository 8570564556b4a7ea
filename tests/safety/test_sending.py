"""The sending transport's answer: an in-memory response read once, within the attempt's limits,
that still reads like any httpx response."""

from __future__ import annotations

import pickle

import httpx
from aigenstudio._http.attempt import ReadResponse
from aigenstudio._http.sending import AsyncSendingTransport, SendingTransport

BODY = b'{"job_id": "3f1c2b4a-0000-4000-8000-000000000001", "status": "queued"}'


def _answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, content=BODY, headers={"X-Pad": "a"})


def test_the_answer_reads_like_an_httpx_response() -> None:
    with httpx.Client(transport=SendingTransport(httpx.MockTransport(_answer))) as client:
        response = client.get("https://api.test/x")
    assert isinstance(response, ReadResponse)
    assert response.content == BODY
    assert response.read() == BODY
    assert response.text == BODY.decode()
    assert response.json()["status"] == "queued"
    assert b"".join(response.iter_bytes()) == BODY
    assert b"".join(response.iter_bytes(7)) == BODY  # again, in pieces: the body is in memory
    assert list(response.iter_lines()) == [BODY.decode()]
    assert response.elapsed.total_seconds() >= 0  # the client's timing ended with the read
    assert response.headers["x-pad"] == "a"
    copy = pickle.loads(pickle.dumps(response))
    assert copy.content == BODY


async def test_the_async_answer_reads_like_an_httpx_response() -> None:
    async def answer(request: httpx.Request) -> httpx.Response:
        return _answer(request)

    transport = AsyncSendingTransport(httpx.MockTransport(answer))
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get("https://api.test/x")
    assert await response.aread() == BODY
    assert b"".join([piece async for piece in response.aiter_bytes(5)]) == BODY
    assert response.json()["job_id"].startswith("3f1c")


def test_an_empty_body_reads_as_empty() -> None:
    def empty(request: httpx.Request) -> httpx.Response:
        return httpx.Response(204)

    with httpx.Client(transport=SendingTransport(httpx.MockTransport(empty))) as client:
        response = client.get("https://api.test/x")
    assert response.content == b""
    assert list(response.iter_bytes()) == []


# -- close() while an attempt runs: a final answer already read is the caller's ---------------

CREATED = b'{"job": {"id": "3f1c2b4a-0000-4000-8000-000000000001"}}'


def _closing_transport(status: int, closed: list[bool]) -> httpx.MockTransport:
    """Answers ``status`` after close() was called (the flag set while the server answered)."""

    def answer(request: httpx.Request) -> httpx.Response:
        closed.append(True)
        return httpx.Response(status, content=CREATED, headers={"Retry-After": "0"})

    return httpx.MockTransport(answer)


def _create() -> httpx.Request:
    return httpx.Request("POST", "https://api.test/jobs", headers={"Idempotency-Key": "idem_12345678"})


def test_a_final_answer_read_as_close_runs_is_returned_not_lost() -> None:
    # A 201 that created (and charged) a job must reach the caller: its job id is the only
    # record of what was paid for. Only an answer that would be retried becomes the error.
    closed: list[bool] = []
    sending = SendingTransport(_closing_transport(201, closed), is_closed=lambda: bool(closed))
    response = sending.handle_request(_create())
    assert response.status_code == 201
    assert response.read() == CREATED


def test_an_answer_that_would_be_retried_after_close_is_the_closed_error() -> None:
    from aigenstudio import ClientClosedError

    closed: list[bool] = []
    sending = SendingTransport(
        _closing_transport(503, closed), is_closed=lambda: bool(closed), sleep=lambda s: None
    )
    try:
        sending.handle_request(_create())
    except ClientClosedError:
        pass
    else:
        raise AssertionError("a 503 after close() was returned or retried")
    assert closed == [True]  # one attempt: nothing re-sent after close()


async def test_the_async_final_answer_read_as_aclose_runs_is_returned() -> None:
    closed: list[bool] = []
    inner = _closing_transport(201, closed)

    async def answer(request: httpx.Request) -> httpx.Response:
        return inner.handle_request(request)

    sending = AsyncSendingTransport(httpx.MockTransport(answer), is_closed=lambda: bool(closed))
    response = await sending.handle_async_request(_create())
    assert response.status_code == 201


def test_every_attempt_starts_from_the_callers_timeouts() -> None:
    # A caller's own transport gets its body-phase timeouts cut to the time left; a retry must
    # not inherit them: each attempt starts from the caller's values again.
    seen: list[dict[str, float | None]] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.extensions["timeout"]))
        return httpx.Response(503 if len(seen) == 1 else 200, content=BODY)

    transport = SendingTransport(httpx.MockTransport(flaky), sleep=lambda seconds: None)
    timeout = httpx.Timeout(30.0, connect=5.0)
    with httpx.Client(transport=transport, timeout=timeout) as client:
        assert client.get("https://api.test/x").status_code == 200
    assert seen == [timeout.as_dict(), timeout.as_dict()]
