"""X-Request-Id: always sent, caller's value honoured, bad values refused before sending,
the server's id captured on every response and error, and carried by log records."""

from __future__ import annotations

import asyncio
import logging
import re

import httpx
import pytest
from aigenstudio import AsyncClient, Client, NotFoundError, RequestValidationError, UnexpectedStatusError

from .conftest import JOB_ID, SANDBOX_KEY, Api, create_body


async def test_every_request_carries_a_fresh_valid_id(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    await api.call("list_product_photo_jobs", client)
    await api.call("list_product_photo_jobs", client)
    ids = [r.headers["x-request-id"] for r in api.recorder.requests]
    assert all(0 < len(i) <= 160 and re.fullmatch(r"[\x21-\x7e]+", i) for i in ids)
    assert ids[0] != ids[1]


async def test_caller_id_per_call_wins(api: Api) -> None:
    client = api.client(SANDBOX_KEY, request_id="client-default")
    with client.request_id_scope("batch-7"):
        await api.call("list_product_photo_jobs", client, x_request_id="call-42")
    assert api.recorder.last.headers["x-request-id"] == "call-42"


async def test_client_default_and_scope(api: Api) -> None:
    client = api.client(SANDBOX_KEY, request_id="client-default")
    await api.call("list_product_photo_jobs", client)
    assert api.recorder.last.headers["x-request-id"] == "client-default"
    with client.request_id_scope("batch-7") as scoped:
        assert scoped == "batch-7"
        await api.call("list_product_photo_jobs", client)
        await api.call("get_product_photo_job", client, job_id=JOB_ID)
    await api.call("list_product_photo_jobs", client)
    sent = [r.headers["x-request-id"] for r in api.recorder.requests]
    assert sent == ["client-default", "batch-7", "batch-7", "client-default"]


async def test_id_of_exactly_160_characters_is_sent(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    await api.call("list_product_photo_jobs", client, x_request_id="r" * 160)
    assert api.recorder.last.headers["x-request-id"] == "r" * 160


async def test_an_empty_id_is_sent_as_the_spec_allows(api: Api) -> None:
    # The spec sets only maxLength: an empty X-Request-Id is valid (the API answers with its own).
    client = api.client(SANDBOX_KEY)
    await api.call("list_product_photo_jobs", client, x_request_id="")
    assert api.recorder.last.headers["x-request-id"] == ""


BAD_IDS = [
    pytest.param("r" * 161, "at most 160 characters", id="161-chars"),
    pytest.param("abc\r\nX-Injected: 1", "control characters", id="crlf"),
    pytest.param("abc\ndef", "control characters", id="lf"),
    pytest.param("abc\x00", "control characters", id="nul"),
]


@pytest.mark.parametrize(("bad", "limit"), BAD_IDS)
async def test_bad_caller_ids_are_rejected_before_sending(api: Api, bad: str, limit: str) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError, match=limit) as info:
        await api.call("list_product_photo_jobs", client, x_request_id=bad)
    assert info.value.field == "x_request_id"
    with pytest.raises(RequestValidationError, match=limit):
        await api.call(
            "create_product_photo_job", client, body=create_body(), idempotency_key="k" * 20, x_request_id=bad
        )
    assert api.recorder.requests == []


@pytest.mark.parametrize(("bad", "limit"), BAD_IDS)
@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_bad_default_ids_are_rejected_at_construction(cls: type[Client], bad: str, limit: str) -> None:
    with pytest.raises(RequestValidationError, match=limit):
        cls(SANDBOX_KEY, request_id=bad)
    client = cls(SANDBOX_KEY)
    with pytest.raises(RequestValidationError, match=limit), client.request_id_scope(bad):
        pass


async def test_last_request_id_prefers_the_body(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        200,
        json={"operations": [], "request_id": "req_from_body"},
        headers={"X-Request-Id": "req_from_header"},
    )
    client = api.client()
    assert client.last_request_id is None
    ops = await api.call("list_product_photo_operations", client)
    assert ops.request_id == "req_from_body"
    assert client.last_request_id == "req_from_body"


async def test_last_request_id_falls_back_to_header_then_sent_id(api: Api) -> None:
    # A bodiless 204 (undeclared, so it raises): no body id, so the header's, else the sent id.
    api.recorder.handler = lambda r: httpx.Response(204, headers={"X-Request-Id": "req_hdr"})
    client = api.client(SANDBOX_KEY)
    with pytest.raises(UnexpectedStatusError):
        await api.detailed("list_product_photo_jobs", client)
    assert client.last_request_id == "req_hdr"
    api.recorder.handler = lambda r: httpx.Response(204)
    with pytest.raises(UnexpectedStatusError) as info:
        await api.detailed("list_product_photo_jobs", client, x_request_id="mine-1")
    assert client.last_request_id == "mine-1"
    assert info.value.request_id == "mine-1"


async def test_request_id_on_errors(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        404, json={"error": {"code": "job_not_found", "message": "No such job"}, "request_id": "req_srv_404"}
    )
    client = api.client(SANDBOX_KEY)
    with pytest.raises(NotFoundError) as info:
        await api.call("get_product_photo_job", client, job_id=JOB_ID)
    assert info.value.request_id == "req_srv_404"
    assert "req_srv_404" in str(info.value)
    assert client.last_request_id == "req_srv_404"

    api.recorder.handler = lambda r: httpx.Response(404, text="not found")
    with pytest.raises(NotFoundError) as info:
        await api.call("get_product_photo_job", client, job_id=JOB_ID, x_request_id="mine-404")
    assert info.value.request_id == "mine-404"


async def test_log_records_carry_the_request_id(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="aigenstudio")
    client = api.client()
    await api.call("list_product_photo_operations", client, x_request_id="trace-me")
    records = [r for r in caplog.records if r.name == "aigenstudio"]
    assert [r.getMessage().split()[0] for r in records] == ["request", "response"]
    assert records[0].request_id == "trace-me"  # type: ignore[attr-defined]
    # The response record carries the server's id from the body (checked before parsing).
    assert records[1].request_id == "req_server_ops"  # type: ignore[attr-defined]
    assert client.last_request_id == "req_server_ops"
    assert records[1].status == 200  # type: ignore[attr-defined]


async def test_last_request_id_is_per_task() -> None:
    from .conftest import Recorder

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, json={"operations": [], "request_id": "srv-" + request.headers["x-request-id"]}
        )

    recorder = Recorder(handler)
    client = AsyncClient(transport=recorder.transport(), max_retries=0)
    from .conftest import endpoint

    ops = endpoint("list_product_photo_operations")

    async def one(rid: str) -> str | None:
        await ops.asyncio(client=client, x_request_id=rid)
        await asyncio.sleep(0)
        return client.last_request_id

    seen = await asyncio.gather(*(one(f"task-{i}") for i in range(5)))
    assert seen == [f"srv-task-{i}" for i in range(5)]
    await client.aclose()
