"""Real sockets on 127.0.0.1: a create whose answer is lost must not create a second job.

The API is aigenstudio.testing's fake on loopback (FakeServer): a ``lost_response`` fault performs
the create (the job exists, its credits are reserved) and closes the connection unanswered.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from aigenstudio import APIConnectionError, AsyncClient, Client
from aigenstudio._http.idempotency import idempotency_key_for, new_idempotency_key
from aigenstudio._http.sending import AsyncSendingTransport, SendingTransport
from aigenstudio._workflow.operations import find_operation
from aigenstudio.testing import Exchange, FakeAPI, FakeServer, Fault
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_job_create_response import ProductPhotoJobCreateResponse

from .conftest import raises_typed

pytestmark = pytest.mark.slow

CREATE = "createProductPhotoJob"
SANDBOX_KEY = "aigen_test_" + "l00pb4ckK3y" * 3
AUTHORIZATION = {"Authorization": f"Bearer {SANDBOX_KEY}"}


@pytest.fixture
def server() -> Iterator[FakeServer]:
    """The fake on 127.0.0.1; the first create's answer is lost after the job is created."""
    api = FakeAPI()
    api.inject(Fault.lost_response(operation=CREATE))
    with FakeServer(api) as running:
        yield running


def exchanges(server: FakeServer) -> list[Exchange]:
    return server.api.requests


def sent(server: FakeServer, header: str) -> list[str | None]:
    """``header`` of each request the fake received, in order."""
    return [e.request.headers.get(header) for e in exchanges(server)]


BODY = {"operation": "marketplace_clean", "images": [{"source_url": "https://x.example/a.jpg"}]}


def sync_client(server: FakeServer) -> httpx.Client:
    transport = SendingTransport(httpx.HTTPTransport(), sleep=lambda _: None)
    return httpx.Client(transport=transport, base_url=server.base_url, headers=AUTHORIZATION, timeout=10)


def async_client(server: FakeServer) -> httpx.AsyncClient:
    async def no_sleep(_: float) -> None:
        return None

    transport = AsyncSendingTransport(httpx.AsyncHTTPTransport(), sleep=no_sleep)
    return httpx.AsyncClient(transport=transport, base_url=server.base_url, headers=AUTHORIZATION, timeout=10)


def assert_one_job_returned(server: FakeServer, response: httpx.Response, key: str) -> None:
    assert response.status_code == 200  # the idempotent replay of the job the first attempt made
    assert [(e.status, e.fault) for e in exchanges(server)] == [(201, "lost_response"), (200, None)]
    assert list(server.api.jobs) == [response.json()["job"]["id"]]
    assert sent(server, "Idempotency-Key") == [key, key]
    assert len(set(sent(server, "X-Request-Id"))) == 1
    assert sent(server, "X-Retry-Attempt") == [None, "2"]


def test_lost_create_answer_is_retried_with_the_same_key_sync(server: FakeServer) -> None:
    key = new_idempotency_key()
    with sync_client(server) as client:
        response = client.post("/product-photo-jobs", json=BODY, headers={"Idempotency-Key": key})
    assert_one_job_returned(server, response, key)


async def test_lost_create_answer_is_retried_with_the_same_key_async(server: FakeServer) -> None:
    key = new_idempotency_key()
    async with async_client(server) as client:
        response = await client.post("/product-photo-jobs", json=BODY, headers={"Idempotency-Key": key})
    assert_one_job_returned(server, response, key)


# Without a key the client cannot know whether the lost create was performed, so it must not
# repeat it. (The fake, like the API, refuses a create without the key: 422, not performed;
# the answer is lost either way.)


def test_a_create_without_key_is_not_retried(server: FakeServer) -> None:
    with sync_client(server) as client, raises_typed(httpx.RemoteProtocolError):
        client.post("/product-photo-jobs", json=BODY)
    assert [(e.operation, e.status, e.fault) for e in exchanges(server)] == [(CREATE, 422, "lost_response")]


async def test_a_create_without_key_is_not_retried_async(server: FakeServer) -> None:
    async with async_client(server) as client:
        with raises_typed(httpx.RemoteProtocolError):
            await client.post("/product-photo-jobs", json=BODY)
    assert [(e.operation, e.status, e.fault) for e in exchanges(server)] == [(CREATE, 422, "lost_response")]


# Two 503s on the list, then its answer: the discarded error answers are read to the end, so
# the one connection serves all three (the client opens a single TCP connection).
LIST = "listProductPhotoJobs"
CONNECT = "connection.connect_tcp.started"  # httpcore's trace event for a new TCP connection
SEND = "http11.send_request_headers.started"  # one per attempt: the trace saw every attempt


def test_discarded_error_answers_leave_the_connection_reusable(server: FakeServer) -> None:
    server.api.inject(Fault.status(503, times=2, operation=LIST))
    events: list[str] = []
    trace = {"trace": lambda name, info: events.append(name)}
    with sync_client(server) as client:
        assert client.get("/product-photo-jobs", extensions=trace).status_code == 200
    assert [(e.operation, e.status) for e in exchanges(server)] == [(LIST, 503), (LIST, 503), (LIST, 200)]
    assert (events.count(SEND), events.count(CONNECT)) == (3, 1)


async def test_discarded_error_answers_leave_the_connection_reusable_async(server: FakeServer) -> None:
    server.api.inject(Fault.status(503, times=2, operation=LIST))
    events: list[str] = []

    async def record(name: str, info: dict[str, Any]) -> None:
        events.append(name)

    async with async_client(server) as client:
        assert (await client.get("/product-photo-jobs", extensions={"trace": record})).status_code == 200
    assert [(e.operation, e.status) for e in exchanges(server)] == [(LIST, 503), (LIST, 503), (LIST, 200)]
    assert (events.count(SEND), events.count(CONNECT)) == (3, 1)


# The same scenario through the SDK's Client, which sends through its SendingTransport.


def create_endpoint() -> ModuleType:
    """The generated create module, whatever tag package a regenerated client puts it in."""
    return find_operation("create_product_photo_job")


def request_body() -> ProductPhotoJobCreateRequest:
    return ProductPhotoJobCreateRequest.from_dict(BODY)


def assert_sdk_got_the_one_job(server: FakeServer, parsed: Any, key: str) -> None:
    assert isinstance(parsed, ProductPhotoJobCreateResponse)
    assert list(server.api.jobs) == [str(parsed.job.id)]
    assert sent(server, "Idempotency-Key") == [key, key]
    request_ids = set(sent(server, "X-Request-Id"))
    assert len(request_ids) == 1
    assert None not in request_ids


def test_lost_create_answer_through_the_sdk_client(server: FakeServer) -> None:
    key = idempotency_key_for("loopback-test", BODY)
    with Client(SANDBOX_KEY, base_url=server.base_url) as client:
        response = create_endpoint().sync_detailed(client=client, body=request_body(), idempotency_key=key)
    assert response.status_code == 200
    assert_sdk_got_the_one_job(server, response.parsed, key)


async def test_lost_create_answer_through_the_sdk_async_client(server: FakeServer) -> None:
    key = idempotency_key_for("loopback-test", BODY)
    async with AsyncClient(SANDBOX_KEY, base_url=server.base_url) as client:
        response = await create_endpoint().asyncio_detailed(
            client=client, body=request_body(), idempotency_key=key
        )
    assert response.status_code == 200
    assert_sdk_got_the_one_job(server, response.parsed, key)


def test_sdk_client_with_retries_disabled_surfaces_the_lost_answer(server: FakeServer) -> None:
    key = new_idempotency_key()
    with (
        Client(SANDBOX_KEY, base_url=server.base_url, max_retries=0) as client,
        pytest.raises(APIConnectionError),
    ):
        create_endpoint().sync_detailed(client=client, body=request_body(), idempotency_key=key)
    assert [(e.status, e.fault) for e in exchanges(server)] == [(201, "lost_response")]
    assert len(server.api.jobs) == 1
