"""process_catalog: batches of <= 20, one active job at a time, resumable, reported per item."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aigenstudio import aio
from aigenstudio._catalog.process import BatchOutcome, ItemOutcome, images_per_job, process_catalog
from aigenstudio._core.errors import RequestValidationError
from aigenstudio._http.idempotency import validate_idempotency_key
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

from ..workflow import conftest as workflow_fixtures
from ..workflow.conftest import FakeApi, FakeClock, SimulatedCrash, make_client

# The in-memory API of the workflow tests (httpx.MockTransport), for each kind of client: the
# workflow tests' own fixtures, bound here by name (they override this folder's ``client``).
api = workflow_fixtures.api
clock = workflow_fixtures.clock
client_kind = workflow_fixtures.client_kind
client = workflow_fixtures.client
async_client = workflow_fixtures.async_client


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
    items: list[ItemOutcome] = []
    report = process_catalog(
        client,
        catalog(45),
        namespace="import-2026-06",
        operation="marketplace_clean",
        on_batch=batches.append,
        on_item=items.append,
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
    assert report.rows == report.completed_count == 45
    assert [r.external_id for r in items] == [f"sku-{i:03}" for i in range(45)]  # input order
    assert {r.job_id for r in items} == set(api.jobs)
    assert [r.row for r in items] == list(range(45))


def test_per_item_report(api: FakeApi, client: Any, clock: FakeClock) -> None:
    api.script = ["processing", "partially_completed"]
    api.failing = {"sku-003", "sku-021"}
    images = catalog(25)
    outcomes: list[ItemOutcome] = []
    batches: list[BatchOutcome] = []
    report = process_catalog(
        client, images, namespace="n", clock=clock, sleep=clock.sleep, on_item=outcomes.append,
        on_batch=batches.append,
    )  # fmt: skip
    assert [r.external_id for r in report.failed] == ["sku-003", "sku-021"]
    assert (report.completed_count, report.failed_count) == (23, 2)
    items = {outcome.key: outcome for outcome in outcomes}
    failed = items["sku-021"]
    assert failed.status == "failed"
    assert failed.batch == 1
    assert failed.error_code == "source_unreachable"
    assert failed.error_message == "could not fetch the source"
    done = items["sku-004"]
    assert done.status == "completed"
    assert done.result_url is not None
    assert done.result_url.startswith(f"https://cdn.test/{done.job_id}/")
    assert done.error_code is None
    assert sum(outcome.status == "completed" for outcome in outcomes) == 23
    assert [b.index for b in batches] == [0, 1]
    assert report.retry_inputs() == [images[3], images[21]]
    assert len(repr(report)) < 200


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
    items: list[ItemOutcome] = []
    report = process_catalog(
        make_client(client_kind, api.handler),
        images,
        namespace="n",
        clock=clock,
        sleep=clock.sleep,
        on_item=items.append,
    )
    rerun_keys = [r.headers["Idempotency-Key"] for r in creates(api)]
    assert rerun_keys[:2] == first_keys  # same content, same keys
    assert len(api.jobs) == 3  # only batch 3 is new: nothing was paid twice
    assert api.creates == 3
    assert report.completed_count == 45
    assert all(r.status == "completed" for r in items)
    assert len({r.job_id for r in items}) == 3


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
        ([{"source_url": "not a url", "external_id": "x"}], {}, "images[0].source_url"),
        ([{"source_url": "https://img.test/1.jpg", "external_id": ""}], {}, "images[0].external_id"),
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


def test_a_bad_row_stops_the_run_before_its_batch_is_paid(
    api: FakeApi, client: Any, clock: FakeClock
) -> None:
    # Deliberate change: rows are streamed, so the batches before the bad row are sent and
    # finished; the bad row's batch is never sent and the rows after it are not read.
    images: list[Any] = [*catalog(41), {"source_url": "", "external_id": "broken"}, *catalog(50)[45:]]
    with pytest.raises(RequestValidationError) as info:
        process_catalog(client, images, namespace="n", clock=clock, sleep=clock.sleep)
    assert info.value.field == "images[41].source_url"
    assert [len(json.loads(r.content)["images"]) for r in creates(api)] == [20, 20]


def test_without_external_id_items_are_keyed_by_source_url(
    api: FakeApi, client: Any, clock: FakeClock
) -> None:
    images = [{"source_url": f"https://img.test/{i}.jpg"} for i in range(3)]
    items: list[ItemOutcome] = []
    report = process_catalog(
        client, images, namespace="n", on_item=items.append, clock=clock, sleep=clock.sleep
    )
    assert report.completed_count == 3
    assert [o.key for o in items] == [i["source_url"] for i in images]
    assert all(o.external_id is None and o.result_url for o in items)


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

    second_items: list[Any] = []
    second = await aio.process_catalog(
        make_client(client_kind, api.handler, is_async=True),
        images,
        namespace="n",
        clock=clock,
        sleep=clock.async_sleep,
        on_item=second_items.append,
    )
    assert len(api.jobs) == 3  # the re-run got the existing jobs back
    assert first.completed_count == second.completed_count == 45
    assert {r.job_id for r in second_items} == set(api.jobs)


async def test_async_validation_sends_nothing(api: FakeApi, async_client: Any) -> None:
    with pytest.raises(RequestValidationError):
        await aio.process_catalog(async_client, [], namespace="n")
    assert api.requests == []
