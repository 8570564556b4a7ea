"""Pre-flight validation from the spec: every documented limit is enforced before sending,
and the error names the field and the limit."""

from __future__ import annotations

from typing import Any

import pytest
from aigenstudio import RequestValidationError

from .conftest import JOB_ID, SANDBOX_KEY, Api, create_body, json_body

IMAGE = {"source_url": "https://cdn.example.com/a.jpg"}


async def _create(api: Api, **body: Any) -> Any:
    client = api.client(SANDBOX_KEY)
    return await api.call(
        "create_product_photo_job", client, body=create_body(**body), idempotency_key="key-12345678"
    )


@pytest.mark.parametrize("count", [1, 20])
async def test_image_counts_within_limits_are_sent(api: Api, count: int) -> None:
    await _create(api, images=[IMAGE] * count)
    assert len(json_body(api.recorder.last)["images"]) == count


@pytest.mark.parametrize(
    ("count", "limit"),
    [(0, "body.images: at least 1 item (got 0)"), (21, "body.images: at most 20 items (got 21)")],
)
async def test_image_counts_outside_limits(api: Api, count: int, limit: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        await _create(api, images=[IMAGE] * count)
    assert str(info.value) == limit
    assert info.value.field == "body.images"
    assert api.recorder.requests == []


@pytest.mark.parametrize("length", [1, 4000])
async def test_instructions_within_limits(api: Api, length: int) -> None:
    await _create(api, instructions="x" * length)
    assert len(json_body(api.recorder.last)["instructions"]) == length


@pytest.mark.parametrize(
    ("length", "limit"), [(0, "at least 1 character"), (4001, "at most 4000 characters")]
)
async def test_instructions_outside_limits(api: Api, length: int, limit: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        await _create(api, instructions="x" * length)
    assert info.value.field == "body.instructions"
    assert info.value.limit == limit
    assert str(info.value) == f"body.instructions: {limit} (got {length})"
    assert api.recorder.requests == []


async def test_webhook_url_length(api: Api) -> None:
    ok = "https://hooks.example.com/" + "a" * (2048 - len("https://hooks.example.com/"))
    await _create(api, webhook_url=ok)
    with pytest.raises(RequestValidationError) as info:
        await _create(api, webhook_url=ok + "a")
    assert info.value.field == "body.webhook_url"
    assert info.value.limit == "at most 2048 characters"
    assert len(api.recorder.requests) == 1


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://hooks.example.com/x", "https://"),
        ("https://localhost/hook", "localhost"),
        ("https://api.localhost:8443/hook", "localhost"),
        ("https://127.0.0.1/hook", "127.0.0.1 is a loopback address"),
        ("https://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("https://192.168.0.10/hook", "192.168.0.10 is a private address"),
        ("https://172.16.5.4/hook", "172.16.5.4 is a private address"),
        ("https://169.254.169.254/latest", "169.254.169.254 is a link-local address"),
        ("https://[::1]/hook", "::1 is the loopback address"),
        ("https://[fe80::1]/hook", "fe80::1 is a link-local address"),
        ("https://[::ffff:10.0.0.1]/hook", "embeds 10.0.0.1, a private address"),
        ("https://0.0.0.0/hook", "0.0.0.0 is the unspecified address"),
        ("not a url", "must be an absolute URI"),
    ],
)
async def test_webhook_url_must_be_public_https(api: Api, url: str, problem: str) -> None:
    with pytest.raises(RequestValidationError, match=problem) as info:
        await _create(api, webhook_url=url)
    assert info.value.field == "body.webhook_url"
    assert api.recorder.requests == []


@pytest.mark.parametrize(
    "url", ["https://hooks.example.com/aigen", "https://8.8.8.8/hook", "https://[2606:4700::1]/x"]
)
async def test_public_webhook_urls_pass(api: Api, url: str) -> None:
    await _create(api, webhook_url=url)
    assert json_body(api.recorder.last)["webhook_url"] == url


@pytest.mark.parametrize("limit", [1, 100])
async def test_list_limit_within_range(api: Api, limit: int) -> None:
    await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY), limit=limit)
    assert api.recorder.last.url.params["limit"] == str(limit)


@pytest.mark.parametrize(
    ("limit", "message"), [(0, "limit: at least 1 (got 0)"), (101, "limit: at most 100 (got 101)")]
)
async def test_list_limit_outside_range(api: Api, limit: int, message: str) -> None:
    with pytest.raises(RequestValidationError) as info:
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY), limit=limit)
    assert str(info.value) == message
    assert info.value.field == "limit"
    assert api.recorder.requests == []


@pytest.mark.parametrize(
    "job_id", ["abc", "1234", "7f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5", "../product-photo-jobs"]
)
async def test_job_id_must_be_a_uuid(api: Api, job_id: str) -> None:
    with pytest.raises(RequestValidationError, match="job_id: must be a UUID") as info:
        await api.call("get_product_photo_job", api.client(SANDBOX_KEY), job_id=job_id)
    assert info.value.field == "job_id"
    assert api.recorder.requests == []


async def test_job_id_uuid_passes(api: Api) -> None:
    await api.call("get_product_photo_job", api.client(SANDBOX_KEY), job_id=JOB_ID)
    assert api.recorder.last.url.path.endswith(JOB_ID)


@pytest.mark.parametrize(
    ("key", "limit"),
    [
        ("short", "at least 8 characters"),
        ("k" * 161, "at most 160 characters"),
        ("key-1234\r\nX: y", "control"),
    ],
)
async def test_idempotency_key_limits(api: Api, key: str, limit: str) -> None:
    client = api.client(SANDBOX_KEY)
    with pytest.raises(RequestValidationError, match=limit) as info:
        await api.call("create_product_photo_job", client, body=create_body(), idempotency_key=key)
    assert info.value.field == "idempotency_key"
    assert api.recorder.requests == []


async def test_unknown_enum_members_are_not_sent(api: Api) -> None:
    with pytest.raises(RequestValidationError, match=r"body\.operation: must be one of") as info:
        await _create(api, operation="new_op")  # from_dict makes a pseudo-member
    assert "'studio_packshot'" in info.value.limit
    assert api.recorder.requests == []


async def test_unknown_status_filter_is_not_sent(api: Api) -> None:
    from aigenstudio_client.models import ProductPhotoJobStatus

    status = ProductPhotoJobStatus.from_api_value("archived")
    with pytest.raises(RequestValidationError, match="status: must be one of"):
        await api.call("list_product_photo_jobs", api.client(SANDBOX_KEY), status=status)
    assert api.recorder.requests == []


async def test_nested_fields_are_named_with_their_path(api: Api) -> None:
    with pytest.raises(RequestValidationError) as info:
        await _create(api, images=[IMAGE, {"source_url": "no scheme here"}])
    assert info.value.field == "body.images[1].source_url"


async def test_valid_full_request_is_sent_unchanged(api: Api) -> None:
    body = {
        "images": [IMAGE, {"source_url": "https://cdn.example.com/b.png", "external_id": "b"}],
        "operation": "studio_packshot",
        "preservation_level": "balanced",
        "instructions": "Keep the label readable.",
        "webhook_url": "https://hooks.example.com/aigen",
    }
    await _create(api, **body)
    sent = json_body(api.recorder.last)
    assert sent["images"][1]["external_id"] == "b"
    assert sent["operation"] == "studio_packshot"
