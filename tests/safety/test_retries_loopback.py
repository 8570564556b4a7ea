"""Real sockets on 127.0.0.1: a create whose answer is lost must not create a second job."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any

import httpx
import pytest
from aigenstudio import APIConnectionError, AsyncClient, Client
from aigenstudio._http.idempotency import idempotency_key_for, new_idempotency_key
from aigenstudio._http.sending import AsyncSendingTransport, SendingTransport
from aigenstudio._workflow.operations import find_operation
from aigenstudio_client.models.product_photo_job_create_request import ProductPhotoJobCreateRequest
from aigenstudio_client.models.product_photo_job_create_response import ProductPhotoJobCreateResponse

from .conftest import raises_typed

pytestmark = pytest.mark.slow


@dataclass
class JobServer:
    """A create endpoint that records each job, then (once) hangs up before answering."""

    drop_first_answer: bool = True
    fail_gets_with_503: int = 0
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""


def created(body: dict[str, Any]) -> dict[str, Any]:
    """A create answer shaped as the spec's ProductPhotoJobCreateResponse."""
    count = len(body["images"])
    return {
        "job": {
            "id": str(uuid.uuid4()),
            "status": "queued",
            "total_items": count,
            "credits_reserved": 5 * count,
            "sandbox": True,
        },
        "remaining_paid_credits": 100,
        "request_id": f"req_srv_{uuid.uuid4().hex[:12]}",
    }


def make_handler(state: JobServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is observable

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _record(self) -> dict[str, Any]:
            seen = {
                "method": self.command,
                "client_port": self.client_address[1],
                "idempotency_key": self.headers.get("Idempotency-Key"),
                "request_id": self.headers.get("X-Request-Id"),
                "attempt": self.headers.get("X-Retry-Attempt"),
            }
            state.requests.append(seen)
            return seen

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with state.lock:
                seen = self._record()
                key = seen["idempotency_key"] or f"unkeyed-{len(state.requests)}"
                existing = state.jobs.get(key)
                if existing is None:
                    state.jobs[key] = job = created(body)
                    if state.drop_first_answer:
                        state.drop_first_answer = False
                        # The job exists and is billed, but the answer never leaves.
                        self.close_connection = True
                        return
            if existing is not None:
                self._answer(200, existing)
            else:
                self._answer(201, job)

        def do_GET(self) -> None:
            with state.lock:
                self._record()
                failing = state.fail_gets_with_503 > 0
                state.fail_gets_with_503 -= 1
            if failing:
                self._answer(503, {"error": {"code": "unavailable", "message": "try again"}})
            else:
                jobs = [job["job"] for job in state.jobs.values()]
                self._answer(200, {"jobs": jobs, "request_id": "req_srv_list", "next_cursor": None})

    return Handler


@pytest.fixture
def server() -> Iterator[JobServer]:
    state = JobServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/api/v1"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


BODY = {"operation": "marketplace_clean", "images": [{"source_url": "https://x.example/a.jpg"}]}


def sync_client(server: JobServer) -> httpx.Client:
    transport = SendingTransport(httpx.HTTPTransport(), sleep=lambda _: None)
    return httpx.Client(transport=transport, base_url=server.base_url, timeout=10)


def async_client(server: JobServer) -> httpx.AsyncClient:
    async def no_sleep(_: float) -> None:
        return None

    transport = AsyncSendingTransport(httpx.AsyncHTTPTransport(), sleep=no_sleep)
    return httpx.AsyncClient(transport=transport, base_url=server.base_url, timeout=10)


def assert_one_job_returned(server: JobServer, response: httpx.Response, key: str) -> None:
    assert response.status_code == 200  # the idempotent replay of the job the first attempt made
    assert len(server.jobs) == 1
    assert response.json()["job"]["id"] == server.jobs[key]["job"]["id"]
    assert [r["idempotency_key"] for r in server.requests] == [key, key]
    assert len({r["request_id"] for r in server.requests}) == 1
    assert [r["attempt"] for r in server.requests] == [None, "2"]


def test_lost_create_answer_is_retried_with_the_same_key_sync(server: JobServer) -> None:
    key = new_idempotency_key()
    with sync_client(server) as client:
        response = client.post("/product-photo-jobs", json=BODY, headers={"Idempotency-Key": key})
    assert_one_job_returned(server, response, key)


async def test_lost_create_answer_is_retried_with_the_same_key_async(server: JobServer) -> None:
    key = new_idempotency_key()
    async with async_client(server) as client:
        response = await client.post("/product-photo-jobs", json=BODY, headers={"Idempotency-Key": key})
    assert_one_job_returned(server, response, key)


def test_a_create_without_key_is_not_retried(server: JobServer) -> None:
    with sync_client(server) as client, raises_typed(httpx.RemoteProtocolError):
        client.post("/product-photo-jobs", json=BODY)
    assert len(server.requests) == 1
    assert len(server.jobs) == 1  # the server did create it: only a key makes a retry safe


async def test_a_create_without_key_is_not_retried_async(server: JobServer) -> None:
    async with async_client(server) as client:
        with raises_typed(httpx.RemoteProtocolError):
            await client.post("/product-photo-jobs", json=BODY)
    assert len(server.requests) == 1


def test_discarded_error_answers_leave_the_connection_reusable(server: JobServer) -> None:
    server.fail_gets_with_503 = 2
    with sync_client(server) as client:
        assert client.get("/product-photo-jobs").status_code == 200
    assert len(server.requests) == 3
    assert len({r["client_port"] for r in server.requests}) == 1


async def test_discarded_error_answers_leave_the_connection_reusable_async(server: JobServer) -> None:
    server.fail_gets_with_503 = 2
    async with async_client(server) as client:
        assert (await client.get("/product-photo-jobs")).status_code == 200
    assert len(server.requests) == 3
    assert len({r["client_port"] for r in server.requests}) == 1


# The same scenario through the SDK's Client, which sends through its SendingTransport.

SANDBOX_KEY = "aigen_test_" + "l00pb4ckK3y" * 3


def create_endpoint() -> ModuleType:
    """The generated create module, whatever tag package a regenerated client puts it in."""
    return find_operation("create_product_photo_job")


def request_body() -> ProductPhotoJobCreateRequest:
    return ProductPhotoJobCreateRequest.from_dict(BODY)


def assert_sdk_got_the_one_job(server: JobServer, parsed: Any, key: str) -> None:
    assert isinstance(parsed, ProductPhotoJobCreateResponse)
    assert len(server.jobs) == 1
    assert str(parsed.job.id) == server.jobs[key]["job"]["id"]
    assert [r["idempotency_key"] for r in server.requests] == [key, key]
    request_ids = {r["request_id"] for r in server.requests}
    assert len(request_ids) == 1
    assert None not in request_ids


def test_lost_create_answer_through_the_sdk_client(server: JobServer) -> None:
    key = idempotency_key_for("loopback-test", BODY)
    with Client(SANDBOX_KEY, base_url=server.base_url) as client:
        response = create_endpoint().sync_detailed(client=client, body=request_body(), idempotency_key=key)
    assert response.status_code == 200
    assert_sdk_got_the_one_job(server, response.parsed, key)


async def test_lost_create_answer_through_the_sdk_async_client(server: JobServer) -> None:
    key = idempotency_key_for("loopback-test", BODY)
    async with AsyncClient(SANDBOX_KEY, base_url=server.base_url) as client:
        response = await create_endpoint().asyncio_detailed(
            client=client, body=request_body(), idempotency_key=key
        )
    assert response.status_code == 200
    assert_sdk_got_the_one_job(server, response.parsed, key)


def test_sdk_client_with_retries_disabled_surfaces_the_lost_answer(server: JobServer) -> None:
    key = new_idempotency_key()
    with (
        Client(SANDBOX_KEY, base_url=server.base_url, max_retries=0) as client,
        pytest.raises(APIConnectionError),
    ):
        create_endpoint().sync_detailed(client=client, body=request_body(), idempotency_key=key)
    assert len(server.requests) == 1
