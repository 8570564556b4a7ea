"""What a hostile or broken server sends back always ends as a typed SDK error.

Before the edges work: an undeclared 204/202/302 made ``.sync()`` return None, wrong-typed
2xx bodies parsed without complaint, a gzip bomb was inflated in full, a 100,000-deep JSON
array raised RecursionError, and ``timeout=`` bounded each read, not the call.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from aigenstudio import (
    AcceptedResponseValidationError,
    AigenStudioError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    Client,
    ConfigurationError,
    UnexpectedStatusError,
    find_operation,
)

from tests.client.conftest import JOB_ID, SANDBOX_KEY, Api, create_body, job_summary
from tests.servers.raw_socket import RawSocketServer

OPERATIONS = [
    ("list_product_photo_operations", {}),
    ("list_product_photo_presets", {}),
    ("list_product_photo_jobs", {}),
    ("get_product_photo_job", {"job_id": JOB_ID}),
    ("create_product_photo_job", {"idempotency_key": "idem_12345678"}),
]


def _kwargs(operation: str, extra: dict[str, Any]) -> dict[str, Any]:
    if operation == "create_product_photo_job":
        return {**extra, "body": create_body()}
    return dict(extra)


# -- 6. undeclared statuses -------------------------------------------------------------


@pytest.mark.parametrize("status", [202, 204, 206, 302, 304, 307])
@pytest.mark.parametrize(("operation", "extra"), OPERATIONS, ids=[o for o, _ in OPERATIONS])
async def test_an_undeclared_status_raises_with_the_request_id(
    api: Api, operation: str, extra: dict[str, Any], status: int
) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        status, headers={"X-Request-Id": "req_odd", "Location": "https://evil.example/"}
    )
    client = api.client(SANDBOX_KEY)
    # A 2xx to a request that changes state was accepted: never an error that invites a resend.
    accepted = operation == "create_product_photo_job" and status < 300
    expected = AcceptedResponseValidationError if accepted else UnexpectedStatusError
    with pytest.raises(expected) as caught:
        await api.call(operation, client, **_kwargs(operation, extra))
    assert isinstance(caught.value, APIResponseValidationError if accepted else APIStatusError)
    assert caught.value.status_code == status
    assert caught.value.request_id == "req_odd"
    assert "declare" in str(caught.value)
    assert len(api.recorder.requests) == 1  # not followed, not retried


async def test_an_undeclared_error_status_is_still_a_status_error(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(418, text="teapot")
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIStatusError) as caught:
        await api.call("list_product_photo_operations", client)
    assert caught.value.status_code == 418


# -- 7. wrong-typed 2xx bodies ----------------------------------------------------------


def _job_list(**changes: Any) -> dict[str, Any]:
    return {"jobs": [{**job_summary(), **changes}], "request_id": "req_list", "next_cursor": None}


WRONG_BODIES = [
    ("list_product_photo_jobs", _job_list(total_items="abc"), "response.jobs[0].total_items"),
    ("list_product_photo_jobs", _job_list(sandbox="yes"), "response.jobs[0].sandbox"),
    ("list_product_photo_jobs", _job_list(credits_reserved=None), "response.jobs[0].credits_reserved"),
    ("list_product_photo_jobs", _job_list(id="not-a-uuid"), "response.jobs[0].id"),
    (
        "list_product_photo_operations",
        {
            "operations": [{"id": "studio_packshot", "name": "S", "credits_per_image": "five"}],
            "request_id": "r",
        },
        "response.operations[0].credits_per_image",
    ),
    ("list_product_photo_operations", {"operations": [], "request_id": 42}, "response.request_id"),
    ("list_product_photo_operations", {"operations": {}, "request_id": "r"}, "response.operations"),
    ("list_product_photo_operations", [], "response"),
]


@pytest.mark.parametrize(("operation", "body", "path"), WRONG_BODIES, ids=[p for _, _, p in WRONG_BODIES])
async def test_a_wrong_typed_2xx_body_names_the_json_path(
    api: Api, operation: str, body: Any, path: str
) -> None:
    api.recorder.handler = lambda r: httpx.Response(200, json=body, headers={"X-Request-Id": "req_h"})
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIResponseValidationError) as caught:
        await api.call(operation, client)
    assert path in str(caught.value)
    assert caught.value.request_id in ("req_h", "r", "req_list")


# -- 8. size and depth ----------------------------------------------------------------------


async def test_a_gzip_bomb_is_refused_before_it_inflates(api: Api) -> None:
    bomb = gzip.compress(b"[" + b" " * (64 * 1024 * 1024) + b"]", compresslevel=9)
    assert len(bomb) < 200_000
    api.recorder.handler = lambda r: httpx.Response(
        200, content=bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
    )
    client = api.client(SANDBOX_KEY, max_response_size=1024 * 1024)
    with pytest.raises(APIConnectionError, match="max_response_size"):
        await api.call("list_product_photo_operations", client)
    assert len(api.recorder.requests) == 1  # a deterministic failure: not retried


async def test_a_declared_oversized_body_is_refused_without_reading(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(200, content=b" " * 2048)
    client = api.client(SANDBOX_KEY, max_response_size=1024)
    with pytest.raises(APIConnectionError, match="max_response_size"):
        await api.call("list_product_photo_operations", client)


async def test_a_body_within_the_limit_is_fine(api: Api) -> None:
    client = api.client(SANDBOX_KEY, max_response_size=4096)
    result = await api.call("list_product_photo_operations", client)
    assert result.request_id == "req_server_ops"


@pytest.mark.parametrize("status", [200, 404, 500])
async def test_deep_json_is_an_sdk_error_not_a_recursion_error(api: Api, status: int) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    api.recorder.handler = lambda r: httpx.Response(status, content=deep)
    client = api.client(SANDBOX_KEY)
    with pytest.raises(AigenStudioError) as caught:
        await api.call("list_product_photo_operations", client)
    assert isinstance(caught.value, APIResponseValidationError if status == 200 else APIStatusError)


@pytest.mark.parametrize("size", [0, -1, True, 1.5])
def test_max_response_size_must_be_a_positive_integer(size: Any) -> None:
    with pytest.raises(ConfigurationError, match="max_response_size"):
        Client(SANDBOX_KEY, max_response_size=size)


# -- 9. timeout is a deadline -----------------------------------------------------------


class DrippingServer(RawSocketServer):
    """A loopback server that answers slowly, a byte at a time, for up to ``limit`` seconds."""

    def __init__(self, *, drip_headers: bool, interval: float = 0.2, limit: float = 20.0) -> None:
        self.drip_headers = drip_headers
        self.interval = interval
        self.limit = limit
        super().__init__()
        self.url = f"http://127.0.0.1:{self.port}/api/v1"

    def answer(self, conn: socket.socket) -> None:
        body = b'{"operations": [], "request_id": "r"}' + b" " * 1000
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        started = time.monotonic()
        conn.recv(65536)
        if self.drip_headers:
            payload = head + b"X-Pad: " + b"a" * 1000 + b"\r\n\r\n" + body
        else:
            conn.sendall(head + b"\r\n")
            payload = body
        for index in range(len(payload)):
            if self.stop.is_set() or time.monotonic() - started > self.limit:
                break
            conn.sendall(payload[index : index + 1])
            time.sleep(self.interval)


@pytest.fixture
def dripping_body() -> Iterator[DrippingServer]:
    server = DrippingServer(drip_headers=False)
    yield server
    server.close()


@pytest.fixture
def dripping_headers() -> Iterator[DrippingServer]:
    server = DrippingServer(drip_headers=True)
    yield server
    server.close()


def _call(client: Client | AsyncClient) -> Any:
    operation = find_operation("list_product_photo_operations")
    if isinstance(client, AsyncClient):
        return asyncio.run(operation.asyncio(client=client))
    return operation.sync(client=client)


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_timeout_bounds_a_dripping_body(dripping_body: DrippingServer, cls: type[Client]) -> None:
    client = cls(base_url=dripping_body.url, timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _call(client)
    # The server would drip for 20 s; each read arrives well within the 1 s read timeout.
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_timeout_bounds_dripping_headers(dripping_headers: DrippingServer, cls: type[Client]) -> None:
    client = cls(base_url=dripping_headers.url, timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _call(client)
    assert time.monotonic() - started < 5.0


def test_retries_have_their_own_total_budget(dripping_body: DrippingServer) -> None:
    from aigenstudio import RetryPolicy

    policy = RetryPolicy(max_retries=50, initial_backoff=0.0, max_backoff=0.0, total_timeout=2.0)
    client = Client(base_url=dripping_body.url, timeout=0.5, retry_policy=policy)
    started = time.monotonic()
    with pytest.raises(APITimeoutError):
        _call(client)
    assert time.monotonic() - started < 6.0  # 50 retries of 0.5 s would take 25 s


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), -1, "5", True])
def test_a_timeout_that_is_not_finite_seconds_is_refused(timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match="timeout"):
        Client(SANDBOX_KEY, timeout=timeout)


# -- found by review: bodies and headers built to hurt the parser ---------------------------


@pytest.mark.parametrize("status", [200, 500])
async def test_a_quote_storm_body_is_parsed_in_linear_time(api: Api, status: int) -> None:
    # 65 brackets then an unterminated string of escaped quotes: a string-stripping regex
    # went quadratic on this (20 s for 78 KiB, about 2.5 days at the size cap).
    storm = b"[" * 65 + b'"' + b'\\"' * 500_000
    api.recorder.handler = lambda r: httpx.Response(status, content=storm)
    client = api.client(SANDBOX_KEY)
    started = time.monotonic()
    with pytest.raises(AigenStudioError):
        await api.call("list_product_photo_operations", client)
    assert time.monotonic() - started < 5.0


@pytest.mark.parametrize(
    "body", [b"[" * 100_000, b'{"a":' * 50_000], ids=["unbalanced-array", "unbalanced-object"]
)
@pytest.mark.parametrize("status", [200, 429, 500])
async def test_deep_unbalanced_json_is_typed(api: Api, body: bytes, status: int) -> None:
    api.recorder.handler = lambda r: httpx.Response(status, content=body)
    client = api.client(SANDBOX_KEY)
    with pytest.raises(AigenStudioError):
        await api.call("list_product_photo_operations", client)


@pytest.mark.parametrize("status", [200, 404])
async def test_a_non_ascii_response_header_passes_through(api: Api, status: int) -> None:
    body = (
        {"operations": [], "request_id": "r"} if status == 200 else {"error": {"code": "x", "message": "m"}}
    )
    api.recorder.handler = lambda r: httpx.Response(
        status,
        json=body,
        headers=[(b"X-Server-Note", "café".encode("latin-1")), (b"X-Request-Id", b"r\xe9q")],
    )
    client = api.client(SANDBOX_KEY)
    if status == 200:
        result = await api.call("list_product_photo_operations", client)
        assert result.request_id == "r"
    else:
        with pytest.raises(APIStatusError) as caught:
            await api.call("list_product_photo_operations", client)
        assert caught.value.response.headers["x-server-note"] == "café"


async def test_an_invalid_date_time_in_a_2xx_body_is_caught(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        200, json={"jobs": [], "request_id": "r", "next_cursor": "not-a-date"}
    )
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIResponseValidationError, match="next_cursor"):
        await api.call("list_product_photo_jobs", client)


# -- found by the second review: what the server writes into errors and logs -----------------


async def test_server_text_is_escaped_and_capped_in_errors(api: Api) -> None:
    forged = "m\n2024-01-01 INFO aigenstudio: FAKE LINE \x1b[2J" + "x" * 100_000
    api.recorder.handler = lambda r: httpx.Response(
        404, json={"error": {"code": "nf", "message": forged}, "request_id": "r" * 1_000_000}
    )
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIStatusError) as caught:
        await api.call("list_product_photo_operations", client, x_request_id="mine-1")
    text = str(caught.value)
    assert "\n" not in text
    assert "\x1b" not in text
    assert len(text) < 2_000
    assert caught.value.request_id == "mine-1"  # a megabyte "id" is not an id
    assert client.last_request_id == "mine-1"


async def test_an_odd_request_id_header_is_not_recorded(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        200, json={"operations": [], "request_id": "r\nforged"}, headers={"X-Request-Id": "x" * 60_000}
    )
    client = api.client(SANDBOX_KEY)
    await api.call("list_product_photo_operations", client, x_request_id="mine-2")
    assert client.last_request_id == "mine-2"


def test_iter_jobs_is_bounded_against_a_listing_without_end(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime

    from aigenstudio import PaginationLoopError, iter_jobs
    from aigenstudio_client import resources

    monkeypatch.setattr(resources, "MAX_PAGES", 40)  # iter_jobs is the facade's iter()
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    served: list[int] = []

    def endless(request: httpx.Request) -> httpx.Response:
        served.append(1)
        cursor = (start - datetime.timedelta(seconds=len(served))).isoformat()
        return httpx.Response(200, json={"jobs": [], "request_id": "r", "next_cursor": cursor})

    client = Client(SANDBOX_KEY, transport=httpx.MockTransport(endless))
    with client, pytest.raises(PaginationLoopError):
        list(iter_jobs(client))
    assert len(served) == 40


# A date-time the schema allows but Python's datetime cannot hold: the generated union parser
# used to hand it back as a str typed as datetime (a type lie, and iter() then sent it back).
@pytest.mark.parametrize("cursor", ["2026-06-30T23:59:60Z", "0000-01-01T00:00:00Z"])
async def test_an_unrepresentable_cursor_is_a_response_validation_error(cursor: str) -> None:
    from aigenstudio import APIResponseValidationError, AsyncClient, iter_jobs

    def page(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"jobs": [], "request_id": "req-cursor", "next_cursor": cursor})

    client = Client(SANDBOX_KEY, transport=httpx.MockTransport(page))
    with client:
        with pytest.raises(APIResponseValidationError, match="none of") as listed:
            client.product_photo_jobs.list()
        assert listed.value.request_id == "req-cursor"
        with pytest.raises(APIResponseValidationError):
            list(iter_jobs(client))
    async with AsyncClient(SANDBOX_KEY, transport=httpx.MockTransport(page)) as aclient:
        with pytest.raises(APIResponseValidationError):
            await aclient.product_photo_jobs.list()


# One network chunk of deflate can hold ~66 MB of zeros. The size cap must act within the chunk
# (zlib's max_length, a 64 KB slice at a time), not after httpx inflated all of it.
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_compression_bomb_is_refused_without_inflating_it(encoding: str, asynchronous: bool) -> None:
    import tracemalloc
    import zlib

    from aigenstudio import APIConnectionError, AsyncClient

    wbits = {"gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS, "raw-deflate": -zlib.MAX_WBITS}[encoding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    bomb = packer.compress(b"\0" * (64 * 1024 * 1024)) + packer.flush()
    assert len(bomb) < 128 * 1024  # one or two network chunks

    class Wire(httpx.SyncByteStream, httpx.AsyncByteStream):
        # As a server sends it: 64 KB network chunks, not bytes httpx decodes on construction.
        def __iter__(self) -> Iterator[bytes]:
            for start in range(0, len(bomb), 65536):
                yield bomb[start : start + 65536]

        async def __aiter__(self) -> AsyncIterator[bytes]:
            for chunk in self:
                yield chunk

    def explode(request: httpx.Request) -> httpx.Response:
        header = "deflate" if encoding == "raw-deflate" else encoding
        return httpx.Response(200, headers={"content-encoding": header}, stream=Wire())

    kwargs: dict[str, Any] = {"transport": httpx.MockTransport(explode), "max_response_size": 1024 * 1024}
    tracemalloc.start()
    try:
        if asynchronous:
            async with AsyncClient(SANDBOX_KEY, **kwargs) as aclient:
                with pytest.raises(APIConnectionError, match="max_response_size"):
                    await aclient.product_photo_operations.list()
        else:
            with (
                Client(SANDBOX_KEY, **kwargs) as client,
                pytest.raises(APIConnectionError, match="max_response_size"),
            ):
                client.product_photo_operations.list()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB while refusing a 64 MiB body"


def test_a_small_compressed_body_still_decodes() -> None:
    import zlib

    body = b'{"operations": [], "request_id": "req-z"}'

    def small(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-encoding": "deflate"}, content=zlib.compress(body))

    with Client(SANDBOX_KEY, transport=httpx.MockTransport(small)) as client:
        assert client.product_photo_operations.list().request_id == "req-z"
