"""The same job with AsyncClient: concurrent calls, then create, wait and results without blocking.

    export AIGENSTUDIO_API_KEY=aigen_test_...       # a sandbox key: simulated, nothing charged
    export AIGENSTUDIO_BASE_URL=http://127.0.0.1:4010/api/v1  # optional: make mock prints one
    python examples/async_job.py

``aigenstudio.aio`` holds the async twins of the workflow helpers under the same names
(``wait_for_job``, ``iter_jobs``, ``process_catalog``); one ``AsyncClient`` per event loop.
``EXAMPLE_WAIT_SECONDS`` bounds the wait (default 600).
"""

from __future__ import annotations

import asyncio
import os
import sys

from aigenstudio import AsyncClient, JobWaitTimeout, aio
from aigenstudio_client.models import ProductPhotoImageInput

WAIT_SECONDS = float(os.environ.get("EXAMPLE_WAIT_SECONDS", "600"))


async def main() -> int:
    async with AsyncClient() as client:  # AIGENSTUDIO_API_KEY, AIGENSTUDIO_BASE_URL
        if not client.is_sandbox:
            print("This example creates a job: use a sandbox key (aigen_test_...).", file=sys.stderr)
            return 2
        # Independent calls run concurrently on the client's connection pool.
        operations, presets, recent = await asyncio.gather(
            client.product_photo_operations.list(),
            client.product_photo_presets.list(),
            client.product_photo_jobs.list(limit=5),
        )
        print(f"operations: {[operation.id.value for operation in operations.operations]}")
        print(f"presets: {[preset.id for preset in presets.presets]}")
        print(f"{len(recent.jobs)} recent job(s)")

        images = [ProductPhotoImageInput(source_url="https://shop.example/mug.jpg", external_id="mug")]
        created = await client.product_photo_jobs.create(images=images)  # a fresh idempotency key
        print(f"job {created.job.id} created (request id {created.request_id})")
        try:
            job = await aio.wait_for_job(client, created.job.id, timeout=WAIT_SECONDS, poll_interval=1.0)
        except JobWaitTimeout as waited:
            print(f"still {waited.last_status} after {WAIT_SECONDS:g} s: it keeps running on the server")
            return 0
        results = aio.job_results(job, images)
        counts = f"{len(results.completed)} completed, {len(results.failed)} failed"
        print(f"job {job.id} {job.status}: {counts}, {len(results.missing_external_ids)} not reported")
        for item in results.completed:
            print(f"  {item.external_id}: {item.result_url}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
