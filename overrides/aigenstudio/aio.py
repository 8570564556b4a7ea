"""The async twins of the workflow helpers, under the same names as the sync ones.

    from aigenstudio import aio

    async for job in aio.iter_jobs(client, status="processing"): ...
    job = await aio.wait_for_job(client, job_id)
    summary = await aio.process_catalog(client, images, namespace="catalog-2024-06", journal="state.sqlite")

The result types, ``JobEvents`` and ``job_results`` (no I/O) are the same objects as in ``aigenstudio``.
"""

from __future__ import annotations

from ._catalog.job_events import JobEvents
from ._catalog.process import BatchOutcome, CatalogSummary, ItemOutcome
from ._catalog.process import process_catalog_async as process_catalog
from ._workflow.pagination import PaginationLoopError
from ._workflow.pagination import iter_jobs_async as iter_jobs
from ._workflow.results import JobResults, job_results
from ._workflow.waiting import JobWaitTimeout, Progress
from ._workflow.waiting import wait_for_job_async as wait_for_job

__all__ = [
    "BatchOutcome",
    "CatalogSummary",
    "ItemOutcome",
    "JobEvents",
    "JobResults",
    "JobWaitTimeout",
    "PaginationLoopError",
    "Progress",
    "iter_jobs",
    "job_results",
    "process_catalog",
    "wait_for_job",
]
