"""A whole catalog through the API, one job of at most 20 images at a time, with progress.

    export AIGENSTUDIO_API_KEY=aigen_test_...       # a sandbox key: simulated, nothing charged
    export AIGENSTUDIO_BASE_URL=http://127.0.0.1:4010/api/v1  # optional: make mock prints one
    python examples/catalog_progress.py [NUMBER_OF_IMAGES]

``process_catalog`` splits the images into jobs, creates one, waits until it is finished,
then creates the next (the API allows one active job per key), calling ``on_progress`` as the
jobs move. Every job's idempotency key comes from the namespace and the job's content: if the
run stops (a crash, Ctrl-C, a wait timeout), running the same command again gets the jobs that
already exist back instead of paying twice. For a real import, also pass ``journal=`` (a
SQLite file) to resume exactly where it stopped, and ``results=`` (a .csv or .jsonl file) to
keep every item's outcome. ``EXAMPLE_WAIT_SECONDS`` bounds the wait for each job (default 1800).
"""

from __future__ import annotations

import os
import sys

from aigenstudio import CatalogProgress, Client, JobWaitTimeout, process_catalog
from aigenstudio_client.models import ProductPhotoImageInput

NAMESPACE = "examples/catalog-2026-12"  # one per import: the same namespace resumes it
WAIT_SECONDS = float(os.environ.get("EXAMPLE_WAIT_SECONDS", "1800"))


def catalog(size: int) -> list[ProductPhotoImageInput]:
    """Stand-in for your product feed: a source URL and a unique external id per image."""
    return [
        ProductPhotoImageInput(source_url=f"https://shop.example/sku-{n:04}.jpg", external_id=f"sku-{n:04}")
        for n in range(1, size + 1)
    ]


def show(progress: CatalogProgress) -> None:
    """``on_progress``: a line each time a job moves or finishes."""
    total = "?" if progress.total is None else progress.total
    eta = "" if progress.eta is None else f", about {progress.eta:.0f} s left"
    print(
        f"{progress.done}/{total} images: {progress.completed} done, {progress.failed} failed; "
        f"{progress.jobs_done} job(s) finished, {progress.credits_used} credits used{eta}"
    )


def main(argv: list[str]) -> int:
    images = catalog(int(argv[0]) if argv else 45)
    print(f"processing {len(images)} images, one job at a time (namespace {NAMESPACE!r})")
    with Client() as client:  # AIGENSTUDIO_API_KEY, AIGENSTUDIO_BASE_URL
        if not client.is_sandbox:
            print("This example creates jobs: use a sandbox key (aigen_test_...).", file=sys.stderr)
            return 2
        try:
            summary = process_catalog(
                client, images, namespace=NAMESPACE, wait_timeout=WAIT_SECONDS, on_progress=show
            )
        except JobWaitTimeout as waited:
            print(f"job {waited.job_id} is still {waited.last_status} after {WAIT_SECONDS:g} s;")
            print("run the same command again to resume: jobs are not created (or paid) twice.")
            return 0

    print(f"{summary.completed_count} completed, {summary.failed_count} failed, in {summary.jobs} job(s)")
    for item in summary.failed[:10]:
        reason = " ".join(part for part in (item.error_code, item.error_message) if part)
        print(f"  {item.external_id}: {reason}")
    if summary.failed:
        print(f"{len(summary.retry_inputs())} image(s) to retry: process_catalog(summary.retry_inputs())")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
