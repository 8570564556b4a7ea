"""Process a whole catalog: streamed, journaled, one active job at a time, never charged twice.

Rows are read lazily and checked one by one; every :func:`images_per_job` new rows make a
batch, which the journal records with its idempotency key *before* the create call. The job
is waited to a terminal status (the API allows one active job per key), its items are
recorded and handed to the caller (``on_item``, ``results=``, :func:`iter_catalog`), and only
then is the next batch read. A rerun with the same ``journal`` first re-attaches to the
batches left open, then skips every item already finished, so rows inserted, removed or
reordered in a re-exported catalog cost nothing twice. Without ``journal`` a temporary one
is used: a rerun of identical rows still finds its jobs through the content-derived keys.

A bad row (``on_invalid="raise"``, the default) stops the run before its batch is sent: the
batches before it are finished and recorded, the rows after it are not read, and the error
names the row (``images[<row>].source_url``). With ``on_invalid="skip"`` the row gets an
``invalid`` outcome and everything else goes ahead.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Generator, Iterable
from dataclasses import dataclass
from typing import Any

from aigenstudio_client.models.product_photo_job import ProductPhotoJob

from .catalog_run import Batch, CatalogRun, OnInvalid, Sinks, StepHook
from .facade import ApiClient
from .outcomes import CatalogSummary, ItemOutcome
from .planner import MAX_IMAGES_PER_JOB, BodyTemplate, ImageLike, images_per_job
from .progress import CatalogProgress
from .results import JobResults, job_results
from .submit import Backpressure, create_job, create_job_async
from .waiting import wait_for_job, wait_for_job_async

__all__ = [
    "MAX_IMAGES_PER_JOB",
    "BatchOutcome",
    "CatalogReport",
    "CatalogSummary",
    "ItemOutcome",
    "ItemReport",
    "images_per_job",
    "iter_catalog",
    "process_catalog",
    "process_catalog_async",
]

# The former names: the report is now a summary, an item report an outcome.
CatalogReport = CatalogSummary
ItemReport = ItemOutcome
PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class BatchOutcome:
    """One finished batch: its terminal job and sorted items (passed to ``on_batch``)."""

    index: int  # the journal's batch number
    idempotency_key: str
    job: ProductPhotoJob
    results: JobResults


@dataclass(frozen=True)
class _Waits:
    timeout: float
    poll_interval: float
    max_interval: float
    clock: Callable[[], float]

    def backpressure(self) -> Backpressure:
        return Backpressure(self.timeout, self.poll_interval, self.max_interval, self.clock)

    def polling(self) -> dict[str, Any]:
        return {
            "timeout": self.timeout,
            "poll_interval": self.poll_interval,
            "max_interval": self.max_interval,
            "clock": self.clock,
        }


def _start(
    images: Iterable[ImageLike | None],
    namespace: str,
    journal: PathLike | None,
    sinks: Sinks,
    on_invalid: OnInvalid,
    clock: Callable[[], float],
    job_options: dict[str, Any],
) -> CatalogRun:
    return CatalogRun(images, BodyTemplate(namespace, job_options), journal, sinks, on_invalid, clock)


def _on_poll(run: CatalogRun, batch: Batch) -> Callable[[Any], None]:
    def on_progress(progress: Any) -> None:
        run.record.progress.job_progress(progress)
        run.record.step("polling", batch)

    return on_progress


def _batch_outcome(batch: Batch, job: ProductPhotoJob) -> BatchOutcome:
    return BatchOutcome(batch.seq, batch.key, job, job_results(job, batch.images))


def iter_catalog(
    client: ApiClient,
    images: Iterable[ImageLike | None],
    *,
    namespace: str,
    journal: PathLike | None = None,
    results: PathLike | None = None,
    on_item: Callable[[ItemOutcome], object] | None = None,
    on_progress: Callable[[CatalogProgress], object] | None = None,
    on_invalid: OnInvalid = "raise",
    wait_timeout: float = 1800.0,
    poll_interval: float = 2.0,
    max_interval: float = 30.0,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    on_step: StepHook | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
    **job_options: Any,
) -> Generator[ItemOutcome, None, CatalogSummary]:
    """:func:`process_catalog` as a generator of per-row outcomes (its return value is the summary).

    Closing the generator early stops the run; the journal keeps what was recorded.
    """
    sinks = Sinks(on_item, results, on_progress, on_step)
    run = _start(images, namespace, journal, sinks, on_invalid, clock, job_options)
    waits = _Waits(wait_timeout, poll_interval, max_interval, clock)
    failed = True
    try:
        for step in run.steps():
            if isinstance(step, ItemOutcome):
                yield step
                continue
            if step.job_id is None:
                step_job_id = create_job(client, step.body, step.key, waits.backpressure(), sleep)
            else:  # re-attach to the job a previous run created
                step_job_id = uuid.UUID(step.job_id)
            run.record.created(step, step_job_id)
            job = wait_for_job(
                client, step_job_id, on_progress=_on_poll(run, step), sleep=sleep, **waits.polling()
            )
            outcomes = run.record.finish(step, job)
            if on_batch is not None:
                on_batch(_batch_outcome(step, job))
            yield from outcomes
        failed = False
    finally:
        summary = run.close(failed)
    return summary


def process_catalog(
    client: ApiClient,
    images: Iterable[ImageLike | None],
    *,
    namespace: str,
    journal: PathLike | None = None,
    results: PathLike | None = None,
    on_item: Callable[[ItemOutcome], object] | None = None,
    on_progress: Callable[[CatalogProgress], object] | None = None,
    on_invalid: OnInvalid = "raise",
    wait_timeout: float = 1800.0,
    poll_interval: float = 2.0,
    max_interval: float = 30.0,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    on_step: StepHook | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
    **job_options: Any,
) -> CatalogSummary:
    """Run every image through jobs of at most :func:`images_per_job` images; return a summary.

    ``images`` (any iterable, read lazily) need a ``source_url``; an ``external_id`` names
    the item in the journal and the outcomes (else its ``source_url`` does), and must be
    unique. ``job_options`` are the create body's other fields (``operation``, ``preset``,
    ``instructions``...), the same for every batch. ``namespace`` names this import; with
    ``journal`` (a SQLite file path) a rerun resumes without paying twice, whatever the row
    order. Outcomes go to ``on_item`` and ``results`` (a ``.csv`` or ``.jsonl`` path) as
    they happen; ``on_progress`` gets a :class:`CatalogProgress`. ``wait_timeout`` applies
    per batch; a :class:`JobWaitTimeout` stops the run (rerun it to resume). ``on_step``
    is called after each durable step (``planned``, ``created``, ``polling``, ``finished``)
    with the batch number: a hook for tests and tracing.
    """
    generator = iter_catalog(
        client,
        images,
        namespace=namespace,
        journal=journal,
        results=results,
        on_item=on_item,
        on_progress=on_progress,
        on_invalid=on_invalid,
        wait_timeout=wait_timeout,
        poll_interval=poll_interval,
        max_interval=max_interval,
        on_batch=on_batch,
        on_step=on_step,
        clock=clock,
        sleep=sleep,
        **job_options,
    )
    while True:
        try:
            next(generator)
        except StopIteration as done:
            summary: CatalogSummary = done.value
            return summary


async def process_catalog_async(
    client: ApiClient,
    images: Iterable[ImageLike | None],
    *,
    namespace: str,
    journal: PathLike | None = None,
    results: PathLike | None = None,
    on_item: Callable[[ItemOutcome], object] | None = None,
    on_progress: Callable[[CatalogProgress], object] | None = None,
    on_invalid: OnInvalid = "raise",
    wait_timeout: float = 1800.0,
    poll_interval: float = 2.0,
    max_interval: float = 30.0,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    on_step: StepHook | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    **job_options: Any,
) -> CatalogSummary:
    """The async twin of :func:`process_catalog` (the journal's writes are short and local)."""
    sinks = Sinks(on_item, results, on_progress, on_step)
    run = _start(images, namespace, journal, sinks, on_invalid, clock, job_options)
    waits = _Waits(wait_timeout, poll_interval, max_interval, clock)
    pause = sleep if sleep is not None else asyncio.sleep
    failed = True
    try:
        for step in run.steps():
            if isinstance(step, ItemOutcome):
                continue
            if step.job_id is None:
                job_id = await create_job_async(client, step.body, step.key, waits.backpressure(), pause)
            else:
                job_id = uuid.UUID(step.job_id)
            run.record.created(step, job_id)
            on_poll = _on_poll(run, step)
            job = await wait_for_job_async(
                client, job_id, on_progress=on_poll, sleep=pause, **waits.polling()
            )
            run.record.finish(step, job)
            if on_batch is not None:
                on_batch(_batch_outcome(step, job))
        failed = False
    finally:
        summary = run.close(failed)
    return summary
