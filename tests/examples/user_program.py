"""The shortest program an openai-python user writes from the README: keyword body, no
idempotency key, a ``str`` id, an enum's wire string, optional fields read as ``X | None``,
a per-call ``timeout=``, ``with_timeout(seconds)``."""

from __future__ import annotations

from aigenstudio import Client

with Client() as client:
    created = client.product_photo_jobs.create(
        images=[{"source_url": "https://shop.example/a.jpg", "external_id": "sku-1"}],
        operation="marketplace_clean",
        timeout=30.0,
    )
    job_id: str = str(created.job.id)
    status = client.product_photo_jobs.get(job_id, timeout=10.0)
    completed: int | None = status.job.completed_items
    for item in status.job.items or []:
        url: str | None = item.result_url
        print(item.external_id, url)
    print(status.job.status, completed, status.request_id)
    with client.with_timeout(5.0) as quick:  # what the constructor takes: seconds
        print(len(quick.product_photo_operations.list().operations))
