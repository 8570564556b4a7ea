"""The pytest plugin's fixtures: configurable through ``aigenstudio_fake_api``, closed after use."""

from __future__ import annotations

import asyncio

import pytest
from aigenstudio import ClientClosedError
from aigenstudio.testing import FakeAPI, FakeSession, Timing
from aigenstudio_client.models import ProductPhotoImageInput, ProductPhotoJobCreateRequest


@pytest.fixture
def aigenstudio_fake_api() -> FakeAPI:
    return FakeAPI(timing=Timing.after_polls(3))


def test_the_fake_is_configured_by_overriding_its_fixture(aigenstudio_fake: FakeSession) -> None:
    body = ProductPhotoJobCreateRequest(images=[ProductPhotoImageInput(source_url="https://shop.test/1.jpg")])
    client = aigenstudio_fake.client
    created = client.product_photo_jobs.create(body=body, idempotency_key="plugin-0001")
    statuses = [client.product_photo_jobs.get(created.job.id).job.status for _ in range(3)]
    assert [str(status) for status in statuses] == ["processing", "processing", "completed"]


def test_both_fixtures_share_one_fake(
    aigenstudio_fake: FakeSession, aigenstudio_fake_async: FakeSession
) -> None:
    assert aigenstudio_fake.api is aigenstudio_fake_async.api


def test_the_session_closes_its_clients() -> None:
    session = FakeSession()
    client, async_client = session.client, session.async_client
    session.close()
    with pytest.raises(ClientClosedError):
        client.product_photo_presets.list()
    with pytest.raises(ClientClosedError):
        asyncio.run(async_client.product_photo_presets.list())
