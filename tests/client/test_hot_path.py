"""What the per-request fast paths must keep: cached routes still enforce every rule, logs keep
their fields, and pool limits from httpx_args reach the transports."""

from __future__ import annotations

import logging
from typing import Any

import httpcore
import httpx
import pytest
from aigenstudio import Client, RequestValidationError

from .conftest import BASE_URL, JOB_ID, SANDBOX_KEY, Api, default_handler


async def test_a_bad_job_id_is_refused_every_time(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    for _ in range(3):  # a failing path must never be remembered as checked
        with pytest.raises(RequestValidationError, match="job_id: must be a UUID"):
            await api.call("get_product_photo_job", client, job_id="not-a-uuid")
    await api.call("get_product_photo_job", client, job_id=JOB_ID)
    await api.call("get_product_photo_job", client, job_id=JOB_ID)
    assert len(api.recorder.requests) == 2


async def test_query_limits_are_checked_on_a_path_seen_before(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    await api.call("list_product_photo_jobs", client, limit=5)
    with pytest.raises(RequestValidationError, match="limit: at most 100"):
        await api.call("list_product_photo_jobs", client, limit=101)
    assert len(api.recorder.requests) == 1


async def test_header_rules_are_checked_on_a_path_seen_before(api: Api) -> None:
    from .conftest import create_body

    client = api.client(SANDBOX_KEY)
    await api.call("create_product_photo_job", client, body=create_body(), idempotency_key="key-0001")
    with pytest.raises(RequestValidationError) as info:
        await api.call("create_product_photo_job", client, body=create_body(), idempotency_key="")
    assert info.value.field == "idempotency_key"
    assert len(api.recorder.requests) == 1


async def test_a_percent_encoded_path_value_is_decoded_before_checking(api: Api) -> None:
    client = api.client(SANDBOX_KEY)
    http = client.get_httpx_client() if api.mode == "sync" else None
    if http is None:
        return  # the raw path handling is shared; one mode is enough
    encoded = JOB_ID.replace("-", "%2D")
    http.get(f"/product-photo-jobs/{encoded}")
    with pytest.raises(RequestValidationError, match="job_id"):
        http.get(f"/product-photo-jobs/{JOB_ID[:-1]}%2F")
    assert len(api.recorder.requests) == 1


async def test_a_generated_call_names_its_operation_and_no_path_is_matched(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The generated code knows its operation: the client looks it up by name, it never works
    # it out again from the URL (Spec.match is only for requests made by hand).
    from aigenstudio._contract.spec import Spec

    from .conftest import create_body

    def no_matching(self: Spec, method: str, path: str) -> None:
        raise AssertionError(f"{method} {path} was matched against the routes")

    monkeypatch.setattr(Spec, "match", no_matching)
    client = api.client(SANDBOX_KEY)
    await api.call("list_product_photo_operations", client)
    await api.call("list_product_photo_jobs", client, limit=5)
    await api.call("get_product_photo_job", client, job_id=JOB_ID)
    await api.call("create_product_photo_job", client, body=create_body(), idempotency_key="idem_12345678")
    assert len(api.recorder.requests) == 4
    with pytest.raises(RequestValidationError, match="job_id: must be a UUID"):
        await api.call("get_product_photo_job", client, job_id="not-a-uuid")  # still checked
    assert len(api.recorder.requests) == 4


def test_a_request_naming_no_operation_of_the_spec_is_never_sent(recorder: Any) -> None:
    client = Client(SANDBOX_KEY, base_url=BASE_URL, max_retries=0, transport=recorder.transport())
    http = client.get_httpx_client()
    with pytest.raises(RequestValidationError, match="not an operation of the API spec"):
        http.get("/product-photo-operations", extensions={"aigenstudio.operation": "delete_everything"})
    assert recorder.requests == []
    client.close()


OTHER_JOB = "11111111-2222-4333-8444-555555555555"


@pytest.mark.parametrize(
    ("method", "path", "extensions"),
    [
        # a path no operation has, claiming a real operation
        ("GET", "/admin/secret", {"aigenstudio.operation": "list_product_photo_presets"}),
        # a traversal that httpx normalises away, claiming the job read
        (
            "GET",
            f"/product-photo-jobs/{JOB_ID}/../../internal",
            {"aigenstudio.operation": "get_product_photo_job", "aigenstudio.path": {"job_id": JOB_ID}},
        ),
        # the right path under the wrong method
        (
            "DELETE",
            f"/product-photo-jobs/{JOB_ID}",
            {"aigenstudio.operation": "get_product_photo_job", "aigenstudio.path": {"job_id": JOB_ID}},
        ),
        # path arguments that do not fill the path sent
        (
            "GET",
            f"/product-photo-jobs/{JOB_ID}",
            {"aigenstudio.operation": "get_product_photo_job", "aigenstudio.path": {"job_id": OTHER_JOB}},
        ),
    ],
)
def test_a_request_claiming_an_operation_must_be_that_operation(
    recorder: Any, method: str, path: str, extensions: dict[str, Any]
) -> None:
    # The operation a request names is trusted only for the request that operation builds:
    # the same method and the path its arguments fill, else nothing is sent (with the key).
    client = Client(SANDBOX_KEY, base_url=BASE_URL, max_retries=0, transport=recorder.transport())
    with pytest.raises(RequestValidationError, match="not an operation of the API spec"):
        client.get_httpx_client().request(method, path, extensions=extensions)
    assert recorder.requests == []
    client.close()


def test_debug_logs_still_carry_path_and_timing(recorder: Any, caplog: pytest.LogCaptureFixture) -> None:
    client = Client(SANDBOX_KEY, base_url=BASE_URL, max_retries=0, transport=recorder.transport())
    with caplog.at_level(logging.DEBUG, logger="aigenstudio"):
        client.get_httpx_client().get(f"/product-photo-jobs/{JOB_ID}")
    request, response = [r for r in caplog.records if r.name == "aigenstudio"]
    assert request.path == response.path == f"/api/v1/product-photo-jobs/{JOB_ID}"  # type: ignore[attr-defined]
    assert response.status == 200  # type: ignore[attr-defined]
    assert response.elapsed_ms >= 0  # type: ignore[attr-defined]
    assert SANDBOX_KEY not in caplog.text
    client.close()


def _captured_limits(monkeypatch: pytest.MonkeyPatch, **client_args: Any) -> list[httpx.Limits]:
    """The limits each default transport gives its httpcore connection pool."""
    seen: list[httpx.Limits] = []
    for name in ("ConnectionPool", "AsyncConnectionPool"):
        real = getattr(httpcore, name)

        def capture(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            seen.append(
                httpx.Limits(
                    max_connections=kwargs.get("max_connections"),
                    max_keepalive_connections=kwargs.get("max_keepalive_connections"),
                    keepalive_expiry=kwargs.get("keepalive_expiry"),
                )
            )
            return _real(*args, **kwargs)

        monkeypatch.setattr(httpcore, name, capture)
    client = Client(SANDBOX_KEY, base_url=BASE_URL, **client_args)
    client.get_httpx_client()
    client.get_async_httpx_client()
    client.close()
    return seen


def test_pool_limits_reach_both_transports(monkeypatch: pytest.MonkeyPatch) -> None:
    mine = httpx.Limits(max_connections=7, max_keepalive_connections=3)
    assert _captured_limits(monkeypatch, httpx_args={"limits": mine}) == [mine, mine]


async def test_cookies_a_response_sets_are_kept_and_a_response_without_any_changes_nothing(
    api: Api,
) -> None:
    # The cookie jar skips its work for a response with no Set-Cookie header (most of them):
    # one that has one is still stored and sent back, and the caller's cookies still go out.
    def handler(request: httpx.Request) -> httpx.Response:
        response = default_handler(request)
        if request.url.path.endswith("/product-photo-presets"):
            response.headers["Set-Cookie"] = "route=eu-1; Path=/"
        return response

    api.recorder.handler = handler
    client = api.client(SANDBOX_KEY, httpx_args={"cookies": {"mine": "1"}})
    await api.call("list_product_photo_operations", client)
    assert api.recorder.last.headers["Cookie"] == "mine=1"
    await api.call("list_product_photo_presets", client)
    await api.call("list_product_photo_operations", client)
    assert sorted(api.recorder.last.headers["Cookie"].split("; ")) == ["mine=1", "route=eu-1"]
    http = client.get_httpx_client() if api.mode == "sync" else client.get_async_httpx_client()
    assert dict(http.cookies) == {"mine": "1", "route": "eu-1"}
    http.cookies = {"other": "2"}  # httpx's setter still replaces the jar
    await api.call("list_product_photo_operations", client)
    assert api.recorder.last.headers["Cookie"] == "other=2"
