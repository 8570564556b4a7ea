"""The facade's arguments as an app developer writes them (tools/facade_arguments.py):
keyword bodies, a default idempotency key, str ids, per-call timeout and headers, and
optional response fields that read None when the server leaves them out."""

from __future__ import annotations

import json
from typing import Any

import aigenstudio
import httpx
import pytest
from aigenstudio import Client, RetryPolicy
from aigenstudio._http.idempotency import is_valid_idempotency_key
from aigenstudio_client.models import (
    ProductPhotoImageInput,
    ProductPhotoJob,
    ProductPhotoJobCreateRequest,
    ProductPhotoOperationId,
)

from .conftest import BASE_URL, JOB_ID, SANDBOX_KEY, Recorder, default_handler

URL = "https://shop.example/a.jpg"
FAST = RetryPolicy(initial_backoff=0.001, max_backoff=0.002)


def _client(recorder: Recorder, **kwargs: Any) -> Client:
    kwargs.setdefault("max_retries", 0)
    return Client(SANDBOX_KEY, base_url=BASE_URL, transport=recorder.transport(), **kwargs)


def _body(request: httpx.Request) -> Any:
    return json.loads(request.content)


def test_a_keyword_body_sends_what_the_model_sends(recorder: Recorder) -> None:
    with _client(recorder) as client:
        client.product_photo_jobs.create(
            images=[{"source_url": URL, "external_id": "sku-1"}, ProductPhotoImageInput(source_url=URL)],
            operation="marketplace_clean",
            idempotency_key="key-0001",
        )
        model = ProductPhotoJobCreateRequest(
            images=[ProductPhotoImageInput(source_url=URL, external_id="sku-1"), ProductPhotoImageInput(URL)],
            operation=ProductPhotoOperationId.MARKETPLACE_CLEAN,
        )
        client.product_photo_jobs.create(body=model, idempotency_key="key-0001")
    keywords, whole = (_body(r) for r in recorder.requests)
    assert keywords == {
        "images": [{"source_url": URL, "external_id": "sku-1"}, {"source_url": URL}],
        "operation": "marketplace_clean",
    }
    # the model's constructor fills in the spec's default; a keyword left out is not sent
    assert whole == {**keywords, "preservation_level": "strict"}


@pytest.mark.parametrize(
    "arguments",
    [
        {"operation": "no_such_operation", "images": [{"source_url": URL}]},  # not an enum value
        {"images": [{"source_url": URL}], "body": ProductPhotoJobCreateRequest(images=[])},  # both
        {"operation": "marketplace_clean"},  # a required field missing
        {"images": "https://shop.example/a.jpg"},  # a str is no list of images
        {"images": [{"source_url": 7}]},
    ],
)
def test_a_wrong_keyword_body_is_refused_before_sending(
    recorder: Recorder, arguments: dict[str, Any]
) -> None:
    with _client(recorder) as client, pytest.raises(aigenstudio.AigenStudioError) as raised:
        client.product_photo_jobs.create(**arguments)
    assert isinstance(raised.value, aigenstudio.RequestValidationError | aigenstudio.ArgumentTypeError)
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("images", "field", "rule"),
    [
        ([{"sourceUrl": URL}], "body.images[0].source_url", "is required"),  # camelCase key
        ([{"external_id": "x"}], "body.images[0].source_url", "is required"),
        ([{"source_url": URL}, {"external_id": "x"}], "body.images[1].source_url", "is required"),
        ({"source_url": URL}, "body.images", "must be array"),  # a dict, not a list of them
        ([{"source_url": URL}, "https://shop.example/b.jpg"], "body.images[1]", "must be object"),
        ([], "body.images", "at least 1 item"),
    ],
)
def test_a_bad_keyword_image_is_named_by_its_path_and_rule(
    recorder: Recorder, images: object, field: str, rule: str
) -> None:
    # The keyword body's JSON is checked against the spec before its model is built: the
    # same error as for any other bad body, not from_dict's KeyError or ValueError.
    with _client(recorder) as client, pytest.raises(aigenstudio.RequestValidationError) as raised:
        client.product_photo_jobs.create(images=images)
    assert (raised.value.field, raised.value.limit) == (field, rule)
    assert str(raised.value).startswith(f"{field}: {rule}")
    assert recorder.requests == []


async def test_a_bad_keyword_image_is_named_by_its_path_and_rule_async(recorder: Recorder) -> None:
    options: dict[str, Any] = {"base_url": BASE_URL, "transport": recorder.transport(), "max_retries": 0}
    async with aigenstudio.AsyncClient(SANDBOX_KEY, **options) as aio:
        with pytest.raises(aigenstudio.RequestValidationError) as raised:
            await aio.product_photo_jobs.create(images=[{"sourceUrl": URL}])
    assert raised.value.field == "body.images[0].source_url"
    assert recorder.requests == []


def test_a_create_without_a_key_sends_one_and_its_retries_reuse_it(recorder: Recorder) -> None:
    answers = iter([503, 201, 201])

    def flaky(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        return httpx.Response(503, json={}) if status == 503 else default_handler(request)

    recorder.handler = flaky
    with _client(recorder, max_retries=2, retry_policy=FAST) as client:
        raw = client.product_photo_jobs.with_raw_response.create(images=[{"source_url": URL}])
        client.product_photo_jobs.create(images=[{"source_url": URL}])
    first, retry, second = (r.headers.get("Idempotency-Key") for r in recorder.requests)
    assert first == retry == raw.idempotency_key  # one key per call, reused by its retry
    assert second != first  # and a new one for the next call
    assert is_valid_idempotency_key(first)
    assert is_valid_idempotency_key(second)
    assert raw.parse().job.status == "queued"


def test_a_given_key_is_sent_and_shown(recorder: Recorder) -> None:
    with _client(recorder) as client:
        raw = client.product_photo_jobs.with_raw_response.create(
            images=[{"source_url": URL}], idempotency_key="my-key-123"
        )
    assert recorder.last.headers["Idempotency-Key"] == raw.idempotency_key == "my-key-123"


def test_an_id_may_be_a_str_and_a_bad_one_is_refused_before_sending(recorder: Recorder) -> None:
    with _client(recorder) as client:
        assert str(client.product_photo_jobs.get(JOB_ID).job.id) == JOB_ID
        assert recorder.last.url.path.endswith(f"/product-photo-jobs/{JOB_ID}")
        for bad in ["not-a-uuid", "../../admin", "\u00e9" * 10_000, ""]:
            with pytest.raises(aigenstudio.AigenStudioError):
                client.product_photo_jobs.get(bad)
    assert len(recorder.requests) == 1


def test_a_per_call_timeout_reaches_the_request_and_a_bad_one_is_refused(recorder: Recorder) -> None:
    with _client(recorder, timeout=60.0) as client:
        client.product_photo_jobs.get(JOB_ID, timeout=2.5)
        assert 0 < recorder.last.extensions["timeout"]["read"] <= 2.5  # cut to the time left
        client.product_photo_jobs.get(JOB_ID)
        assert recorder.last.extensions["timeout"]["read"] > 2.5  # the client's 60 s again
        for bad in [0, -1, float("nan"), float("inf"), True, "5"]:
            with pytest.raises(aigenstudio.AigenStudioError):
                client.product_photo_jobs.get(JOB_ID, timeout=bad)
    assert len(recorder.requests) == 2


def test_extra_headers_are_sent(recorder: Recorder) -> None:
    with _client(recorder) as client:
        client.product_photo_operations.list(extra_headers={"Prefer": "code=200"})
    assert recorder.last.headers["Prefer"] == "code=200"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer aigen_live_x"},  # a credential
        {"x-api-key": "k"},
        {"Cookie": "a=b"},
        {"Host": "evil.example"},  # framing and routing
        {"Content-Length": "0"},
        {"Idempotency-Key": "other-key-1"},  # set by the call from its own argument
        {"X-Evil": "a\r\nInjected: yes"},  # header injection
        {"X-Name": "caf\u00e9"},  # not ASCII
        {"Bad Name": "v"},
        {"X-Edge": " padded "},
    ],
)
def test_unsafe_extra_headers_are_refused_before_sending(recorder: Recorder, headers: dict[str, str]) -> None:
    with _client(recorder) as client, pytest.raises(aigenstudio.AigenStudioError) as raised:
        client.product_photo_jobs.create(images=[{"source_url": URL}], extra_headers=headers)
    assert recorder.requests == []
    assert "aigen_live_x" not in str(raised.value)


def test_optional_response_fields_read_none_when_absent_and_stay_absent_on_the_wire() -> None:
    data = {"id": JOB_ID, "total_items": 1, "credits_reserved": 5, "sandbox": True}
    job = ProductPhotoJob.from_dict(data)
    assert job.status is None
    assert job.items is None
    assert job.completed_items is None
    assert job.to_dict() == data  # None is never sent for a field the spec does not make nullable
    assert ProductPhotoImageInput(source_url=URL, external_id=None).to_dict() == {"source_url": URL}


def test_an_enum_argument_takes_its_wire_value_and_refuses_others(recorder: Recorder) -> None:
    with _client(recorder) as client:
        client.product_photo_jobs.list(status="queued")
        assert recorder.last.url.params["status"] == "queued"
        with pytest.raises(aigenstudio.AigenStudioError):
            client.product_photo_jobs.list(status="no_such_status")  # type: ignore[arg-type]
    assert len(recorder.requests) == 1


def test_the_generated_key_can_be_read_from_an_error(recorder: Recorder) -> None:
    recorder.handler = lambda request: httpx.Response(
        401, json={"error": {"code": "unauthorized", "message": "no"}, "request_id": "req_1"}
    )
    with _client(recorder) as client, pytest.raises(aigenstudio.APIStatusError) as raised:
        client.product_photo_jobs.create(images=[{"source_url": URL}])
    request = raised.value.request
    assert request is not None
    assert request.headers["Idempotency-Key"] == recorder.last.headers["Idempotency-Key"]
