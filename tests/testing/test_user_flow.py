"""A user's pytest file, written from README "Testing your app against the mock": the pytest
plugin's fixture gives a ready client on the in-process fake and the fake's state."""

from __future__ import annotations

import pytest
from aigenstudio import APIConnectionError, Client, ConflictError, job_results, verify_webhook, wait_for_job
from aigenstudio.testing import SANDBOX_KEY, FakeAPI, FakeSession, Fault, Timing
from aigenstudio_client.models import (
    ProductPhotoImageInput,
    ProductPhotoJobCreateRequest,
    ProductPhotoOperationId,
)


def _body(*urls: str) -> ProductPhotoJobCreateRequest:
    images = [ProductPhotoImageInput(source_url=u, external_id=f"sku-{n}") for n, u in enumerate(urls)]
    return ProductPhotoJobCreateRequest(images=images, operation=ProductPhotoOperationId.MARKETPLACE_CLEAN)


def test_create_wait_and_read_results(aigenstudio_fake: FakeSession) -> None:
    client = aigenstudio_fake.client
    created = client.product_photo_jobs.create(
        body=_body("https://shop.test/a.jpg", "https://shop.test/b.jpg"), idempotency_key="order-0001"
    )
    assert created.job.status is not None
    assert created.job.status.value == "queued"
    job = wait_for_job(client, created.job.id, poll_interval=0.01)
    assert job.status is not None
    assert job.status.value == "completed"
    results = job_results(job)
    assert sorted(r.external_id for r in results.completed) == ["sku-0", "sku-1"]
    assert aigenstudio_fake.api.ledger.charges("sku-0") == 1


def test_a_failed_image_by_its_url(aigenstudio_fake: FakeSession) -> None:
    client = aigenstudio_fake.client
    created = client.product_photo_jobs.create(
        body=_body("https://shop.test/ok.jpg", "https://shop.test/fail-me.jpg"), idempotency_key="order-0002"
    )
    job = wait_for_job(client, created.job.id, poll_interval=0.01)
    assert job.status is not None
    assert job.status.value == "partially_completed"
    results = job_results(job)
    assert [r.external_id for r in results.failed] == ["sku-1"]
    assert job.credits_used == 1  # the failed image's reservation is released


def test_a_409_at_the_account_limit(aigenstudio_fake: FakeSession) -> None:
    client = aigenstudio_fake.client
    client.product_photo_jobs.create(body=_body("https://shop.test/1.jpg"), idempotency_key="order-0003")
    with pytest.raises(ConflictError) as refused:  # one active job per key
        client.product_photo_jobs.create(body=_body("https://shop.test/2.jpg"), idempotency_key="order-0004")
    assert refused.value.code == "active_job_limit"


def test_a_webhook_verified(aigenstudio_fake: FakeSession) -> None:
    received: list[tuple[bytes, dict[str, str]]] = []
    aigenstudio_fake.api.register_webhook(lambda body, headers: received.append((body, headers)))
    client = aigenstudio_fake.client
    created = client.product_photo_jobs.create(
        body=_body("https://shop.test/w.jpg"), idempotency_key="order-0005"
    )
    wait_for_job(client, created.job.id, poll_interval=0.01)
    ((body, headers),) = received
    event = verify_webhook(body, headers, aigenstudio_fake.api_key)
    assert event.payload["type"] == "job.completed"
    assert event.payload["data"]["job_id"] == str(created.job.id)


def test_a_fault_injected_and_survived(aigenstudio_fake: FakeSession) -> None:
    aigenstudio_fake.api.inject(Fault.status(503, times=1))
    aigenstudio_fake.api.inject(Fault.lost_response(times=1, operation="createProductPhotoJob"))
    client = aigenstudio_fake.client
    created = client.product_photo_jobs.create(
        body=_body("https://shop.test/f.jpg"), idempotency_key="order-0006"
    )
    assert aigenstudio_fake.api.ledger.charges("sku-0") == 1  # the lost answer's retry was a replay
    assert len(aigenstudio_fake.api.jobs) == 1
    assert created.job.total_items == 1


def test_the_transport_and_a_timing_by_polls() -> None:
    fake = FakeAPI(timing=Timing.after_polls(3))
    with Client(
        api_key="aigen_test_user0000000000", base_url=fake.base_url, transport=fake.transport()
    ) as client:
        created = client.product_photo_jobs.create(
            body=_body("https://shop.test/p.jpg"), idempotency_key="order-0007"
        )
        seen = [client.product_photo_jobs.get(created.job.id).job.status for _ in range(3)]
    assert [s.value for s in seen if s is not None] == ["processing", "processing", "completed"]


async def test_the_async_fixture(aigenstudio_fake_async: FakeSession) -> None:
    from aigenstudio.aio import wait_for_job as await_job

    client = aigenstudio_fake_async.async_client
    created = await client.product_photo_jobs.create(
        body=_body("https://shop.test/x.jpg"), idempotency_key="order-0008"
    )
    job = await await_job(client, created.job.id, poll_interval=0.01)
    assert job.status is not None
    assert job.status.value == "completed"


def test_a_reset_connection_is_raised_when_retries_are_off() -> None:
    fake = FakeAPI()
    fake.inject(Fault.reset(times=5))
    client = Client(api_key=SANDBOX_KEY, base_url=fake.base_url, transport=fake.transport(), max_retries=0)
    with client, pytest.raises(APIConnectionError):
        client.product_photo_operations.list()
    assert [(e.status, e.fault) for e in fake.requests] == [(None, "reset")]  # never performed
