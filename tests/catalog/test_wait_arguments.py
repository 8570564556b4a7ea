"""A catalog run's wait arguments are checked before any job is created (money first).

``poll_interval=0`` used to be refused by the first job's wait, after that job had been
created and its credits reserved.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from aigenstudio import AsyncClient, Client, RequestValidationError, aio, process_catalog
from aigenstudio.testing import FakeAPI

KEY = "aigen_test_" + "wait" * 6
IMAGES = [{"source_url": "https://img.test/1.jpg", "external_id": "sku-001"}]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"poll_interval": 0}, "poll_interval"),
        ({"poll_interval": math.nan}, "poll_interval"),
        ({"wait_timeout": -1}, "wait_timeout"),
        ({"wait_timeout": math.inf}, "wait_timeout"),
        ({"poll_interval": 5, "max_interval": 1}, "max_interval"),
    ],
)
def test_a_bad_wait_is_refused_before_any_job_is_created(
    arguments: dict[str, float], field: str, tmp_path: Path
) -> None:
    fake = FakeAPI()
    client = Client(KEY, base_url=fake.base_url, transport=fake.transport())
    with client, pytest.raises(RequestValidationError, match=field):
        process_catalog(client, IMAGES, namespace="n", journal=tmp_path / "j.sqlite", **arguments)
    assert fake.jobs == {}
    assert fake.requests == []


async def test_the_async_run_checks_them_first_too(tmp_path: Path) -> None:
    fake = FakeAPI()
    async with AsyncClient(KEY, base_url=fake.base_url, transport=fake.async_transport()) as client:
        with pytest.raises(RequestValidationError, match="poll_interval"):
            await aio.process_catalog(
                client, IMAGES, namespace="n", journal=tmp_path / "j.sqlite", poll_interval=0
            )
    assert fake.requests == []
