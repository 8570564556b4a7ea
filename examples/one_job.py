"""One job end to end: create it, wait until it is finished, read its results.

    export AIGENSTUDIO_API_KEY=aigen_test_...       # a sandbox key: simulated, nothing charged
    export AIGENSTUDIO_BASE_URL=http://127.0.0.1:4010/api/v1  # optional: make mock prints one
    python examples/one_job.py [IMAGE_URL ...]

The idempotency key is derived from the request (``idempotency_key_for``), so running the same
command again after a crash or a timeout gets the same job back instead of paying twice.
``EXAMPLE_WAIT_SECONDS`` bounds the wait (default 600); the job keeps running on the server
after a timeout, and running the command again picks it up.
"""

from __future__ import annotations

import os
import sys

from aigenstudio import (
    Client,
    JobWaitTimeout,
    Progress,
    idempotency_key_for,
    job_results,
    wait_for_job,
)
from aigenstudio_client.models import ProductPhotoImageInput

DEFAULT_IMAGES = [
    "https://shop.example/images/yogurt-001.jpg",
    "https://shop.example/images/yogurt-002.jpg",
]
WAIT_SECONDS = float(os.environ.get("EXAMPLE_WAIT_SECONDS", "600"))


def show_progress(progress: Progress) -> None:
    status = progress.status.value if progress.status is not None else "?"
    print(f"  {status}: {progress.completed} completed, {progress.failed} failed of {progress.total}")


def main(urls: list[str]) -> int:
    images = [
        ProductPhotoImageInput(source_url=url, external_id=f"image-{number}")
        for number, url in enumerate(urls or DEFAULT_IMAGES, start=1)
    ]
    with Client() as client:  # AIGENSTUDIO_API_KEY, AIGENSTUDIO_BASE_URL
        if not client.is_sandbox:
            print("This example creates a job: use a sandbox key (aigen_test_...).", file=sys.stderr)
            return 2
        key = idempotency_key_for("examples/one_job", images)
        created = client.product_photo_jobs.create(images=images, idempotency_key=key)
        job_id = created.job.id
        print(f"job {job_id}: {created.job.total_items} image(s) (request id {created.request_id})")

        try:
            job = wait_for_job(client, job_id, timeout=WAIT_SECONDS, on_progress=show_progress)
        except JobWaitTimeout as waited:
            print(f"job {job_id} is still {waited.last_status} after {WAIT_SECONDS:g} s;")
            print("it keeps running on the server: run this command again to pick it up.")
            return 0

        results = job_results(job, images)
        print(f"job {job_id} finished: {job.status}")
        for item in results.completed:
            print(f"  done    {item.external_id}: {item.result_url}")
        for item in results.failed:
            print(f"  failed  {item.external_id}: {item.error_code} {item.error_message}")
        for external_id in results.missing_external_ids:
            print(f"  missing {external_id}: the job reported no item for it")
        retry = results.retry_inputs(skip_unknown=True)
        if retry:
            print(f"{len(retry)} image(s) to retry in a new job: {[image.source_url for image in retry]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
