"""Typed errors: every 4xx/5xx, broken 2xx bodies, timeouts and connection failures."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import aigenstudio
import httpx
import pytest
from aigenstudio import (
    AigenStudioError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
)

from .conftest import JOB_ID, SANDBOX_KEY, Api, create_body

ENVELOPE = {"error": {"code": "invalid_payload", "message": "Something is off"}, "request_id": "req_env"}

STATUS_CLASSES = [
    (400, aigenstudio.BadRequestError),
    (401, aigenstudio.AuthenticationError),
    (402, aigenstudio.InsufficientCreditsError),
    (403, aigenstudio.PermissionDeniedError),
    (404, aigenstudio.NotFoundError),
    (409, aigenstudio.ConflictError),
    (418, APIStatusError),  # the spec declares no 418: still a clean APIStatusError
    (422, aigenstudio.UnprocessableEntityError),
    (429, RateLimitError),
    (500, aigenstudio.InternalServerError),
    (502, aigenstudio.InternalServerError),
    (503, aigenstudio.InternalServerError),
]


@pytest.mark.parametrize(("status", "cls"), STATUS_CLASSES)
async def test_error_class_by_status(api: Api, status: int, cls: type[APIStatusError]) -> None:
    api.recorder.handler = lambda r: httpx.Response(status, json=ENVELOPE)
    client = api.client(SANDBOX_KEY)
    with pytest.raises(APIStatusError) as info:
        await api.call("create_product_photo_job", client, body=create_body(), idempotency_key="key-12345678")
    error = info.value
    assert type(error) is cls
    assert isinstance(error, AigenStudioError)
    assert error.status_code == status
    assert error.code == "invalid_payload"
    assert error.message == "Something is off"
    assert error.request_id == "req_env"
    assert error.response.status_code == status
    assert error.body == ENVELOPE
    assert len(api.recorder.requests) == 1  # max_retries=0 in these tests


@pytest.mark.parametrize("status", [400, 422])
async def test_validation_statuses_share_a_base(api: Api, status: int) -> None:
    api.recorder.handler = lambda r: httpx.Response(status, json=ENVELOPE)
    with pytest.raises(aigenstudio.BadRequestError):
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY))


async def test_html_502_page(api: Api) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    api.recorder.handler = lambda r: httpx.Response(
        502, text=page, headers={"Content-Type": "text/html", "X-Request-Id": "req_gw"}
    )
    with pytest.raises(aigenstudio.InternalServerError) as info:
        await api.call("list_product_photo_operations", api.client())
    error = info.value
    assert error.status_code == 502
    assert error.code is None
    assert error.message == "HTTP 502 Bad Gateway"
    assert error.request_id == "req_gw"
    assert error.response.text == page


async def test_error_without_any_id_carries_the_sent_one(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(500, content=b"\xff\xfe garbage")
    with pytest.raises(aigenstudio.InternalServerError) as info:
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY), x_request_id="mine-500")
    assert info.value.request_id == "mine-500"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("7", 7.0), ("0", 0.0), (None, None), ("soon", None)],
)
async def test_rate_limit_retry_after_seconds(api: Api, header: str | None, expected: float | None) -> None:
    headers = {"Retry-After": header} if header is not None else {}
    api.recorder.handler = lambda r: httpx.Response(429, json=ENVELOPE, headers=headers)
    with pytest.raises(RateLimitError) as info:
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY))
    assert info.value.retry_after == expected


async def test_rate_limit_retry_after_http_date(api: Api) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    api.recorder.handler = lambda r: httpx.Response(429, json=ENVELOPE, headers={"Retry-After": when})
    with pytest.raises(RateLimitError) as info:
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY))
    assert info.value.retry_after is not None
    assert 100 < info.value.retry_after <= 120


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b"<html>oops</html>", b'{"operations": [', b"\xff\xfe"],
)
async def test_invalid_json_2xx(api: Api, content: bytes) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        200, content=content, headers={"Content-Type": "application/json", "X-Request-Id": "req_bad_json"}
    )
    with pytest.raises(APIResponseValidationError) as info:
        await api.call("list_product_photo_operations", api.client())
    assert info.value.status_code == 200
    assert info.value.request_id == "req_bad_json"
    assert "not valid JSON" in str(info.value)


BROKEN_BODIES = [
    pytest.param({"request_id": "req_b"}, "response.operations: is required", id="missing-list"),
    pytest.param(
        {"operations": None, "request_id": "req_b"}, "response.operations: must be array", id="null-list"
    ),
    pytest.param(
        {"operations": [{"id": "studio_packshot", "credits_per_image": 1}], "request_id": "req_b"},
        "response.operations[0].name: is required",
        id="missing-nested",
    ),
    pytest.param(
        {"operations": [["studio_packshot"]], "request_id": "req_b"},
        "response.operations[0]: must be object",
        id="wrong-type",
    ),
    pytest.param(["not", "an", "object"], "response: must be object", id="array"),
]


@pytest.mark.parametrize(("body", "message"), BROKEN_BODIES)
async def test_2xx_missing_or_malformed_fields(api: Api, body: object, message: str) -> None:
    api.recorder.handler = lambda r: httpx.Response(200, json=body, headers={"X-Request-Id": "req_hdr"})
    with pytest.raises(
        APIResponseValidationError, match=message.replace("[", r"\[").replace("]", r"\]")
    ) as info:
        await api.call("list_product_photo_operations", api.client())
    assert info.value.status_code == 200
    assert info.value.request_id in {"req_b", "req_hdr"}


async def test_2xx_job_with_bad_uuid(api: Api) -> None:
    body = {
        "job": {"id": "not-a-uuid", "total_items": 1, "credits_reserved": 0, "sandbox": True},
        "request_id": "r",
    }
    api.recorder.handler = lambda r: httpx.Response(200, json=body)
    with pytest.raises(APIResponseValidationError, match=r"response\.job\.id: must be a UUID"):
        await api.call("get_product_photo_job", api.client(SANDBOX_KEY), job_id=JOB_ID)


async def test_2xx_allof_required_fields_are_checked(api: Api) -> None:
    body = {"job": {"id": JOB_ID, "total_items": 1, "sandbox": True}, "request_id": "r"}
    api.recorder.handler = lambda r: httpx.Response(200, json=body)
    with pytest.raises(APIResponseValidationError, match=r"response\.job\.credits_reserved: is required"):
        await api.call("get_product_photo_job", api.client(SANDBOX_KEY), job_id=JOB_ID)


async def test_unknown_enum_value_parses_and_is_visible(api: Api) -> None:
    api.recorder.handler = lambda r: httpx.Response(
        200, json={"operations": [{"id": "new_op", "name": "New", "credits_per_image": 3}], "request_id": "r"}
    )
    ops = await api.call("list_product_photo_operations", api.client())
    assert ops.operations[0].id.is_known is False
    assert ops.operations[0].id.value == "new_op"


async def test_extra_fields_and_nullable_cursor_are_fine(api: Api) -> None:
    body = {"jobs": [], "request_id": "r", "next_cursor": None, "brand_new_field": {"x": 1}}
    api.recorder.handler = lambda r: httpx.Response(200, json=body)
    page = await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY))
    assert page.jobs == []
    assert page.next_cursor is None


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (httpx.ConnectTimeout("connect timed out"), APITimeoutError),
        (httpx.ReadTimeout("read timed out"), APITimeoutError),
        (httpx.PoolTimeout("pool timed out"), APITimeoutError),
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.RemoteProtocolError("server hung up"), APIConnectionError),
        (httpx.ReadError("connection reset"), APIConnectionError),
    ],
)
async def test_transport_failures_are_typed(api: Api, raised: Exception, expected: type[Exception]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise raised

    api.recorder.handler = handler
    with pytest.raises(expected) as info:
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY), x_request_id="rid-net")
    assert type(info.value) is expected
    assert info.value.request_id == "rid-net"
    assert isinstance(info.value, AigenStudioError)
    # The cause is a copy of what httpx raised, bound to the redacted request (no key).
    cause = info.value.__cause__
    assert type(cause) is type(raised)
    assert str(cause) == str(raised)
    assert isinstance(cause, httpx.RequestError)
    assert cause.request.headers.get("authorization") in (None, "[redacted]")


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


async def test_loopback_connection_refused(mode_api: str, closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/api/v1"
    with pytest.raises(APIConnectionError) as info:
        await _call_real(mode_api, url, seconds=2.0)
    assert not isinstance(info.value, APITimeoutError)
    assert info.value.request_id == "rid-real"


async def test_loopback_read_timeout(mode_api: str, silent_server: int) -> None:
    url = f"http://127.0.0.1:{silent_server}/api/v1"
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        await _call_real(mode_api, url, seconds=0.2)
    assert info.value.request_id == "rid-real"
    assert time.monotonic() - started < 30  # the timeout applied (not a hang), not a speed claim


@pytest.fixture(params=["sync", "async"])
def mode_api(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def _call_real(mode: str, url: str, seconds: float) -> None:
    from .conftest import endpoint

    module = endpoint("list_product_photo_jobs")
    if mode == "sync":
        with aigenstudio.Client(SANDBOX_KEY, base_url=url, timeout=seconds, max_retries=0) as client:
            module.sync(client=client, x_request_id="rid-real")
    else:
        async with aigenstudio.AsyncClient(
            SANDBOX_KEY, base_url=url, timeout=seconds, max_retries=0
        ) as aclient:
            await module.asyncio(client=aclient, x_request_id="rid-real")
