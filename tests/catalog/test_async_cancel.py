"""Cancelling the async catalog with a create in flight stops at once, and loses nothing.

The sync generator once waited for a worker blocked in a create when closed early
(``test_generator_close.py``). The async run has no worker threads: cancelling it cancels its
tasks, whose HTTP calls end at once; the journal is closed and its lock released, and the
rerun finds the job the cancelled create may have made (same idempotency key): no image is
charged twice.
"""

from __future__ import annotations

import threading
from pathlib import Path

import anyio
from aigenstudio import AsyncClient, aio
from aigenstudio.testing import FakeAPI, Fault, Timing

KEYS = ["aigen_test_" + "acan" * 6, "aigen_test_" + "bcan" * 6]
CREATE = "createProductPhotoJob"


def _images(count: int) -> list[dict[str, str]]:
    return [{"source_url": f"https://img.test/{i}.jpg", "external_id": f"sku-{i:03}"} for i in range(count)]


def _clients(fake: FakeAPI) -> list[AsyncClient]:
    return [AsyncClient(key, base_url=fake.base_url, transport=fake.async_transport()) for key in KEYS]


async def _run(fake: FakeAPI, journal: Path) -> aio.CatalogSummary:
    clients = _clients(fake)
    try:
        return await aio.process_catalog(
            clients,
            _images(100),
            namespace="cancel",
            journal=journal,
            operation="marketplace_clean",
            poll_interval=0.001,
        )
    finally:
        for client in clients:
            await client.close()


async def test_cancelling_with_a_create_held_returns_at_once_and_the_rerun_charges_nothing_twice(
    tmp_path: Path,
) -> None:
    fake = FakeAPI(timing=Timing.after_polls(1))
    release, held = threading.Event(), threading.Event()
    fake.inject(Fault.hold(release, held=held, operation=CREATE, after=2))  # the third create waits
    journal = tmp_path / "journal.sqlite"
    try:
        with anyio.fail_after(20):  # cancelling must not wait for the held create
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(_run, fake, journal)
                await anyio.to_thread.run_sync(held.wait, 20)
                tasks.cancel_scope.cancel()
    finally:
        release.set()
    fake.faults.clear()
    summary = await _run(fake, journal)  # the journal's lock was released: the rerun opens it
    assert summary.completed_count + summary.skipped_count == 100
    assert max(fake.ledger.images.values()) == 1  # never charged twice
    assert sum(fake.ledger.images.values()) == 100
