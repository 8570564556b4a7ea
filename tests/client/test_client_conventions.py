"""The client conventions an openai-python user reaches for, written as that user would:
``with_options(...)`` copies sharing one connection pool, ``raw.elapsed`` / ``retries_taken`` /
``text`` / ``json()``, a clear error for ``set_httpx_client`` and for iterating a ``list()``."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import aigenstudio
import httpx
import pytest
from aigenstudio import AsyncClient, Client, ClientClosedError, ConfigurationError, NotFoundError, RetryPolicy

from .conftest import BASE_URL, SANDBOX_KEY, Recorder, default_handler

JOB = "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f"


class CountingTransport(httpx.BaseTransport):
    """A base transport that counts how often it is closed (a pool of its own would be)."""

    def __init__(self, handler: Any = default_handler) -> None:
        self.handler = handler
        self.closed = 0
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def close(self) -> None:
        self.closed += 1


class AsyncCountingTransport(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.closed = 0
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return default_handler(request)

    async def aclose(self) -> None:
        self.closed += 1


def test_with_options_changes_timeout_and_retries_of_one_call() -> None:
    transport = CountingTransport()
    with Client(SANDBOX_KEY, base_url=BASE_URL, transport=transport) as client:
        quick = client.with_options(timeout=5, max_retries=1)
        quick.product_photo_presets.list()
        assert transport.requests[-1].extensions["timeout"]["read"] == pytest.approx(5.0, abs=1)
        assert quick.get_httpx_client()._transport.policy.max_retries == 1  # type: ignore[attr-defined]
        client.product_photo_presets.list()
        assert transport.requests[-1].extensions["timeout"]["read"] == pytest.approx(
            60.0, abs=1
        )  # the parent is unchanged


def test_a_copy_shares_its_parents_pool_and_never_closes_it() -> None:
    transport = CountingTransport()
    client = Client(SANDBOX_KEY, base_url=BASE_URL, transport=transport)
    client.product_photo_presets.list()
    for copy in (
        client.with_options(timeout=5),
        client.with_timeout(2.5),
        client.with_headers({"X-Tag": "a"}),
        client.with_options(max_retries=0).with_options(timeout=1),
    ):
        copy.product_photo_presets.list()
        copy.close()
        assert transport.closed == 0  # the copy closed only itself
        with pytest.raises(ClientClosedError):
            copy.product_photo_presets.list()
    client.product_photo_presets.list()  # the parent still works
    client.close()
    assert transport.closed == 1


def test_closing_the_parent_makes_its_copies_fail_clearly() -> None:
    transport = CountingTransport()
    client = Client(SANDBOX_KEY, base_url=BASE_URL, transport=transport)
    copy = client.with_options(max_retries=0)
    copy.product_photo_presets.list()
    client.close()
    sent = len(transport.requests)
    with pytest.raises(ClientClosedError, match="closed"):
        copy.product_photo_presets.list()
    assert len(transport.requests) == sent  # nothing sent


def test_copies_of_the_sdk_pool_share_its_connections() -> None:
    with Client(SANDBOX_KEY, base_url=BASE_URL) as client:
        copy = client.with_options(timeout=3)
        ours = client.get_httpx_client()._transport._base  # type: ignore[attr-defined]
        theirs = copy.get_httpx_client()._transport._base  # type: ignore[attr-defined]
        assert ours is theirs


def test_with_options_checks_what_the_constructor_checks() -> None:
    with Client(SANDBOX_KEY, base_url=BASE_URL, transport=CountingTransport()) as client:
        with pytest.raises(ConfigurationError, match="timeout"):
            client.with_options(timeout=-1)
        with pytest.raises(ConfigurationError, match="max_retries"):
            client.with_options(max_retries=-1)
        with pytest.raises(TypeError):
            client.with_options(api_key="aigen_live_x")  # type: ignore[call-arg]
        policy = RetryPolicy(max_retries=2)
        assert client.with_options(retry_policy=policy).get_httpx_client()._transport.policy is policy  # type: ignore[attr-defined]


def test_async_copies_share_the_pool_and_the_parent_closes_it() -> None:
    transport = AsyncCountingTransport()

    async def main() -> None:
        client = AsyncClient(SANDBOX_KEY, base_url=BASE_URL, transport=transport)
        copy = client.with_options(timeout=5, max_retries=1)
        await copy.product_photo_presets.list()
        await copy.aclose()
        assert transport.closed == 0
        await client.product_photo_presets.list()
        other = client.with_options(timeout=1)
        await client.aclose()
        assert transport.closed == 1
        with pytest.raises(ClientClosedError):
            await other.product_photo_presets.list()

    asyncio.run(main())


def test_set_httpx_client_is_refused_clearly() -> None:
    with (
        Client(SANDBOX_KEY, base_url=BASE_URL, transport=CountingTransport()) as client,
        pytest.raises(ConfigurationError, match="transport="),
    ):
        client.set_httpx_client(httpx.Client())
    with pytest.raises(ConfigurationError, match="transport="):
        AsyncClient(SANDBOX_KEY, base_url=BASE_URL).set_async_httpx_client(httpx.AsyncClient())


def test_raw_response_reads_like_openai_pythons() -> None:
    busy = [httpx.Response(503, json={"error": {"code": "busy", "message": "x"}})]

    def handler(request: httpx.Request) -> httpx.Response:
        return busy.pop() if busy else default_handler(request)

    policy = RetryPolicy(max_retries=2, initial_backoff=0.0, max_backoff=0.0)
    with Client(
        SANDBOX_KEY, base_url=BASE_URL, transport=CountingTransport(handler), retry_policy=policy
    ) as c:
        raw = c.product_photo_presets.with_raw_response.list()
        assert raw.retries_taken == 1
        assert isinstance(raw.elapsed, datetime.timedelta)
        assert raw.elapsed >= datetime.timedelta(0)
        assert raw.json()["presets"][0]["id"] == "p1"
        assert '"presets"' in raw.text
        assert raw.request_id == "req_server_presets"
        again = c.product_photo_presets.with_raw_response.list()
        assert again.retries_taken == 0


def test_raw_and_error_request_ids_follow_one_rule() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body: dict[str, Any] = {"presets": [], "request_id": "req_body"}
        if request.url.path.endswith("jobs/" + JOB):
            body = {"error": {"code": "not_found", "message": "no"}, "request_id": "req_body"}
            return httpx.Response(404, json=body, headers={"X-Request-Id": "req_header"})
        return httpx.Response(200, json=body, headers={"X-Request-Id": "req_header"})

    with Client(SANDBOX_KEY, base_url=BASE_URL, transport=CountingTransport(handler)) as client:
        raw = client.product_photo_presets.with_raw_response.list()
        with pytest.raises(NotFoundError) as caught:
            client.product_photo_jobs.get(JOB)
    assert raw.request_id == caught.value.request_id == "req_body"


def test_iterating_a_list_result_points_to_iter() -> None:
    with Client(SANDBOX_KEY, base_url=BASE_URL, transport=CountingTransport()) as client:
        page = client.product_photo_jobs.list()
        with pytest.raises(TypeError, match=r"\.iter\(\)"):
            for _job in page:  # type: ignore[attr-defined]
                pass
        assert [job.id for job in page.jobs]


def test_the_public_api_error_base_catches_a_status_error() -> None:
    recorder = Recorder(lambda request: httpx.Response(404, json={"error": {"code": "nf", "message": "m"}}))
    with (
        Client(SANDBOX_KEY, base_url=BASE_URL, transport=recorder.transport()) as client,
        pytest.raises(aigenstudio.APIError),
    ):
        client.product_photo_jobs.get(JOB)


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("application/json; charset=latin-1", '{"n": "café"}'.encode("latin-1"), '{"n": "café"}'),
        ("application/json", '{"n": "café"}'.encode(), '{"n": "café"}'),
        ("application/json; charset=no-such-codec", b'{"n": "\\xff"}', '{"n": "\\xff"}'),
        ("application/json", b"\xff\xfe", "\ufffd\ufffd"),  # undecodable bytes never raise
    ],
)
def test_raw_text_decodes_by_the_declared_charset(content_type: str, body: bytes, text: str) -> None:
    from aigenstudio_client.resources import RawResponse
    from aigenstudio_client.types import Response

    headers = httpx.Headers({"Content-Type": content_type, "X-Request-Id": "req_h"})
    raw: RawResponse[None] = RawResponse(Response(200, body, headers, None), lambda response: None)
    assert raw.text == text
    assert (raw.retries_taken, raw.elapsed, raw.request_id) == (0, datetime.timedelta(0), "req_h")


def test_async_raw_response_has_the_same_facts() -> None:
    async def main() -> None:
        transport = AsyncCountingTransport()
        async with AsyncClient(SANDBOX_KEY, base_url=BASE_URL, transport=transport) as client:
            raw = await client.product_photo_presets.with_raw_response.list()
            assert (raw.retries_taken, raw.request_id) == (0, "req_server_presets")
            assert raw.json()["request_id"] == "req_server_presets"

    asyncio.run(main())


def test_an_async_clients_close_is_awaited_and_closes_its_pool() -> None:
    # As openai-python's AsyncOpenAI: ``await client.close()`` (``aclose()`` is the same call).
    transport = AsyncCountingTransport()

    async def main() -> None:
        client = AsyncClient(SANDBOX_KEY, base_url=BASE_URL, transport=transport)
        await client.product_photo_presets.list()
        await client.close()
        assert transport.closed == 1
        with pytest.raises(ClientClosedError):
            await client.product_photo_presets.list()

    asyncio.run(main())
