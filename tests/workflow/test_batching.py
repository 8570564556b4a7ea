"""process_catalog: batches of <= 20, one active job at a time, resumable, reported per item."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aigenstudio import aio
from aigenstudio._core.errors import RequestValidationError
from aigenstudio._http.idempotency import validate_idempotency_key
from aigenstudio._workflow.catalog import BatchOutcome, images_per_job, process_catalog
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

from .conftest import FakeApi, FakeClock, SimulatedCrash, make_client


def catalog(n: int) -> list[ProductPhotoImageInput]:
    return [
        ProductPhotoImageInput(source_url=f"https://img.test/{i}.jpg", external_id=f"sku-{i:03}")
        for i in range(n)
    ]


def creates(api: FakeApi) -> list[Any]:
    return [r for r in api.requests if r.method == "POST"]


def test_limit_comes_from_the_spec() -> None:
    assert images_per_job() == 20


def test_45_images_make_3_sequential_jobs(api: FakeApi, client: Any, clock: FakeClock) -> None:
    batches: list[BatchOutcome] = []
    report = process_catalog(
        client,
        catalog(45),
        namespace="import-2026-06",
        operation="marketplace_clean",
        on_batch=batches.append,
        clock=clock,
        sleep=clock.sleep,
    )
    posts = creates(api)
    bodies = [json.loads(r.content) for r in posts]
    assert [len(b["images"]) for b in bodies] == [20, 20, 5]
    assert all(b["operation"] == "marketplace_clean" for b in bodies)
    assert api.max_active_seen == 1
    # Never two active: each create comes only after the previous job was polled terminal.
    assert "".join("C" if r.method == "POST" else "g" for r in api.requests) == "Cggg" * 3
    keys = [r.headers["Idempotency-Key"] for r in posts]
    assert len(set(keys)) == 3
    assert all(validate_idempotency_key(k) == k for k in keys)
    assert [b.index for b in batches] == [0, 1, 2]
    assert [b.idempotency_key for b in batches] == keys
    assert len(report.items) == 45
    assert list(report.items) == [f"sku-{i:03}" for i in range(45)]  # input order
    assert {r.job_id for r in report.items.values()} == set(api.jobs)


def test_per_item_report(api: FakeApi, client: Any, clock: FakeClock) -> None:
    api.script = ["processing", "partially_completed"]
    api.failing = {"sku-003", "sku-021"}
    images = catalog(25)
    report = process_catalog(client, images, namespace="n", clock=clock, sleep=clock.sleep)
    assert [r.external_id for r in report.failed] == ["sku-003", "sku-021"]
    failed = report.items["sku-021"]
    assert failed.status == "failed"
    assert failed.batch == 1
    assert failed.error_code == "source_unreachable"
    assert failed.error_message == "could not fetch the source"
    done = report.items["sku-004"]
    assert done.status == "completed"
    assert done.result_url is not None
    assert done.result_url.startswith(f"https://cdn.test/{done.job_id}/")
    assert done.error_code is None
    assert len(report.completed) == 23
    assert report.retry_inputs() == [images[3], images[21]]


def test_rerun_after_a_crash_creates_no_new_job(api: FakeApi, client_kind: str, clock: FakeClock) -> None:
    api.crash_after_creates = 2  # the server creates batch 2, then the caller dies
    images = catalog(45)
    with pytest.raises(SimulatedCrash):
        process_catalog(
            make_client(client_kind, api.handler), images, namespace="n", clock=clock, sleep=clock.sleep
        )
    assert len(api.jobs) == 2
    first_keys = [r.headers["Idempotency-Key"] for r in creates(api)]

    api.crash_after_creates = None
    api.requests.clear()
    report = process_catalog(
        make_client(client_kind, api.handler), images, namespace="n", clock=clock, sleep=clock.sleep
    )
    rerun_keys = [r.headers["Idempotency-Key"] for r in creates(api)]
    assert rerun_keys[:2] == first_keys  # same content, same keys
    assert len(api.jobs) == 3  # only batch 3 is new: nothing was paid twice
    assert api.creates == 3
    assert all(r.status == "completed" for r in report.items.values())
    assert len({r.job_id for r in report.items.values()}) == 3


def test_another_namespace_is_another_import(api: FakeApi, client: Any, clock: FakeClock) -> None:
    process_catalog(client, catalog(3), namespace="first", clock=clock, sleep=clock.sleep)
    process_catalog(client, catalog(3), namespace="second", clock=clock, sleep=clock.sleep)
    keys = {r.headers["Idempotency-Key"] for r in creates(api)}
    assert len(keys) == 2
    assert len(api.jobs) == 2


@pytest.mark.parametrize(
    ("images", "options", "field"),
    [
        ([], {}, "images"),
        ([{"external_id": "x"}], {}, "images[0].source_url"),
        ([{"source_url": "https://img.test/1.jpg"}], {}, "images[0].external_id"),
        (
            [{"source_url": "https://img.test/1.jpg", "external_id": "x"}] * 2,
            {},
            "images[1].external_id",
        ),
        (
            [{"source_url": "https://img.test/1.jpg", "external_id": "x"}],
            {"instructions": ""},
            "body.instructions",
        ),
        (
            [{"source_url": "https://img.test/1.jpg", "external_id": "x"}],
            {"operation": "paint_it"},
            "body.operation",
        ),
        (
            [{"source_url": "https://img.test/1.jpg", "external_id": "x"}],
            {"webhook_url": "http://127.0.0.1/hook"},
            "body.webhook_url",
        ),
    ],
)
def test_invalid_catalog_fails_before_any_request(
    api: FakeApi, client: Any, images: list[dict[str, str]], options: dict[str, Any], field: str
) -> None:
    with pytest.raises(RequestValidationError) as info:
        process_catalog(client, images, namespace="n", **options)
    assert info.value.field == field
    assert api.requests == []


def test_a_bad_last_batch_fails_before_the_first_is_paid(api: FakeApi, client: Any) -> None:
    images: list[Any] = [*catalog(40), {"source_url": "", "external_id": "broken"}]
    with pytest.raises(RequestValidationError) as info:
        process_catalog(client, images, namespace="n")
    assert info.value.field == "images[40].source_url"
    assert api.requests == []


def test_unknown_job_option_is_a_type_error(api: FakeApi, client: Any) -> None:
    with pytest.raises(TypeError, match="instruction"):
        process_catalog(client, catalog(1), namespace="n", instruction="typo")
    assert api.requests == []


async def test_async_45_images_and_rerun(api: FakeApi, client_kind: str, clock: FakeClock) -> None:
    images = catalog(45)
    first = await aio.process_catalog(
        make_client(client_kind, api.handler, is_async=True),
        images,
        namespace="n",
        clock=clock,
        sleep=clock.async_sleep,
    )
    assert [len(json.loads(r.content)["images"]) for r in creates(api)] == [20, 20, 5]
    assert api.max_active_seen == 1
    assert "".join("C" if r.method == "POST" else "g" for r in api.requests) == "Cggg" * 3

    second = await aio.process_catalog(
        make_client(client_kind, api.handler, is_async=True),
        images,
        namespace="n",
        clock=clock,
        sleep=clock.async_sleep,
    )
    assert len(api.jobs) == 3  # the re-run got the existing jobs back
    assert {k: r.job_id for k, r in second.items.items()} == {k: r.job_id for k, r in first.items.items()}


async def test_async_validation_sends_nothing(api: FakeApi, async_client: Any) -> None:
    with pytest.raises(RequestValidationError):
        await aio.process_catalog(async_client, [], namespace="n")
    assert api.requests == []
