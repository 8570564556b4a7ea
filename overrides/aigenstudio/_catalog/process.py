"""Process a whole catalog: streamed, journaled, as many jobs at once as allowed, never charged twice.

Rows are read lazily and checked one by one; every :func:`images_per_job` new rows make a
batch, which the journal records with its idempotency key *before* the create call. The API
allows one active job per API key and two per account: given one client per key (of one
account), a run keeps min(keys, ``max_active_jobs``) jobs in flight, each key carrying at
most one, and reads the next batch only when a slot is free. Each job is waited to a
terminal status, its items are recorded and handed to the caller (``on_item``,
``results=``, :func:`iter_catalog`). A rerun with the same ``journal`` first re-attaches to
the batches left open, each through the API key it was sent with (the journal records the
key's fingerprint; :class:`JournalKeyMissingError` if that key is not among the clients),
then skips every item already finished, so rows inserted, removed or
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
from collections.abc import Awaitable, Callable, Generator, Iterable, Sequence
from typing import Any

from .._core.api_facts import ACTIVE_JOBS_PER_ACCOUNT
from .._core.errors import ArgumentTypeError, RequestValidationError
from .._workflow.api_calls import ApiClient
from .._workflow.waiting import MAX_POLL_INTERVAL, POLL_INTERVAL, check_wait_arguments
from .drive import BatchOutcome, Waits, drive, drive_async
from .job_events import JobEvents
from .outcomes import CatalogSummary, ItemOutcome
from .planner import BodyTemplate, ImageLike, images_per_job
from .progress import CatalogProgress
from .run import CatalogRun, OnInvalid, Sinks, StepHook
from .slots import run_key_kind, slot_clients

__all__ = [
    "CATALOG_WAIT_TIMEOUT",
    "BatchOutcome",
    "CatalogSummary",
    "ItemOutcome",
    "JobEvents",
    "images_per_job",
    "iter_catalog",
    "process_catalog",
    "process_catalog_async",
]

PathLike = str | os.PathLike[str]
# How long a catalog run waits for one job by default (a big batch takes longer than one call).
CATALOG_WAIT_TIMEOUT = 1800.0


def _start(
    images: Iterable[ImageLike | None],
    template: BodyTemplate,
    journal: PathLike | None,
    sinks: Sinks,
    on_invalid: OnInvalid,
    clock: Callable[[], float],
    clients: Sequence[ApiClient],
) -> CatalogRun:
    return CatalogRun(images, template, journal, sinks, on_invalid, clock, run_key_kind(clients))


def _clients_and_waits(
    client: ApiClient | Sequence[ApiClient],
    max_active_jobs: int,
    job_events: JobEvents | None,
    template: BodyTemplate,
    waits: tuple[float, float, float, Callable[[], float]],
) -> tuple[list[ApiClient], Waits]:
    clients = slot_clients(client, max_active_jobs)
    check_wait_arguments(*waits[:3], timeout_name="wait_timeout")  # before any job is created
    if job_events is not None:
        if not isinstance(job_events, JobEvents):
            raise ArgumentTypeError("job_events", "a JobEvents fed by your webhook receiver")
        if template.webhook_url is None:
            raise RequestValidationError("job_events", "needs webhook_url= (where the API sends the events)")
    return clients, Waits(*waits, events=job_events)


def iter_catalog(
    client: ApiClient | Sequence[ApiClient],
    images: Iterable[ImageLike | None],
    *,
    namespace: str,
    journal: PathLike | None = None,
    results: PathLike | None = None,
    on_item: Callable[[ItemOutcome], object] | None = None,
    on_progress: Callable[[CatalogProgress], object] | None = None,
    on_invalid: OnInvalid = "raise",
    wait_timeout: float = CATALOG_WAIT_TIMEOUT,
    poll_interval: float = POLL_INTERVAL,
    max_interval: float = MAX_POLL_INTERVAL,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    on_step: StepHook | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
    max_active_jobs: int = ACTIVE_JOBS_PER_ACCOUNT,
    job_events: JobEvents | None = None,
    line_of: Callable[[int], int | None] | None = None,
    **job_options: Any,
) -> Generator[ItemOutcome, None, CatalogSummary]:
    """:func:`process_catalog` as a generator of per-row outcomes (its return value is the summary).

    Outcomes are yielded, and every callback called, in the thread iterating the generator.
    Closing the generator early stops the run (the workers leave at their next pause); the
    journal keeps what was recorded, and a rerun re-attaches to the jobs left running.
    """
    template = BodyTemplate(namespace, job_options)
    clients, waits = _clients_and_waits(
        client, max_active_jobs, job_events, template, (wait_timeout, poll_interval, max_interval, clock)
    )
    sinks = Sinks(on_item, results, on_progress, on_step, line_of)
    run = _start(images, template, journal, sinks, on_invalid, clock, clients)
    failed = True
    try:
        yield from drive(run, clients, max_active_jobs, waits, sleep, on_batch)
        failed = False
    finally:
        summary = run.close(failed)
    return summary


def process_catalog(
    client: ApiClient | Sequence[ApiClient],
    images: Iterable[ImageLike | None],
    *,
    namespace: str,
    journal: PathLike | None = None,
    results: PathLike | None = None,
    on_item: Callable[[ItemOutcome], object] | None = None,
    on_progress: Callable[[CatalogProgress], object] | None = None,
    on_invalid: OnInvalid = "raise",
    wait_timeout: float = CATALOG_WAIT_TIMEOUT,
    poll_interval: float = POLL_INTERVAL,
    max_interval: float = MAX_POLL_INTERVAL,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    on_step: StepHook | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
    max_active_jobs: int = ACTIVE_JOBS_PER_ACCOUNT,
    job_events: JobEvents | None = None,
    line_of: Callable[[int], int | None] | None = None,
    **job_options: Any,
) -> CatalogSummary:
    """Run every image through jobs of at most :func:`images_per_job` images; return a summary.

    ``images`` (any iterable, read lazily) need a ``source_url``; an ``external_id`` names
    the item in the journal and the outcomes (else its ``source_url`` does), and must be
    unique. ``job_options`` are the create body's other fields (``operation``, ``preset``,
    ``instructions``...), the same for every batch. ``namespace`` names this import; with
    ``journal`` (a SQLite file path) a rerun resumes without paying twice, whatever the row
    order. Outcomes go to ``on_item`` and ``results`` (a ``.csv`` or ``.jsonl`` path) as
    they happen (in the order their jobs finish, not the input's); each results line has the
    row's 0-based ``row`` and its ``line``: ``line_of(row)`` (the command line passes the
    catalog file's line, as its messages name rows), empty without ``line_of``.
    ``on_progress`` gets a :class:`CatalogProgress`. ``wait_timeout`` applies
    per batch; a :class:`JobWaitTimeout` stops the run (rerun it to resume). ``on_step``
    is called after each durable step (``planned``, ``created``, ``polling``, ``finished``)
    with the batch number: a hook for tests and tracing.

    ``client`` is one client, or a sequence of clients, one per API key of the same
    account: min(len(clients), ``max_active_jobs``) jobs are then in flight at once, each
    key carrying at most one (the API allows one active job per key; ``max_active_jobs`` is
    the account's limit, 2). A batch left open by an earlier run goes only through the key
    it was sent with: if no client has that key, :class:`JournalKeyMissingError` is raised
    before anything is sent (pass that key again). With several slots each job is created
    and polled in a worker thread (with one, in the calling thread); everything else (the
    journal, ``on_item``, ``on_batch``, ``on_progress``, ``on_step``, ``results``) happens
    in the calling thread, one call at a time. A create refused by the limits (409, 429,
    503) is waited out and re-sent with the same key. The first error stops new
    batches; the jobs in flight are finished and recorded, then the error is raised.

    ``job_events`` (a :class:`JobEvents` your webhook receiver feeds with verified events,
    with ``webhook_url=`` among the job options) replaces polling: a job is read when its
    terminal event arrives, or at the latest every ``max_interval`` seconds (real time),
    so a lost event never stalls the run.
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
        max_active_jobs=max_active_jobs,
        job_events=job_events,
        line_of=line_of,
        **job_options,
    )
    while True:
        try:
            next(generator)
        except StopIteration as done:
            summary: CatalogSummary = done.value
            return summary


async def process_catalog_async(
    client: ApiClient | Sequence[ApiClient],
    images: Iterable[ImageLike | None],
    *,
    namespace: str,
    journal: PathLike | None = None,
    results: PathLike | None = None,
    on_item: Callable[[ItemOutcome], object] | None = None,
    on_progress: Callable[[CatalogProgress], object] | None = None,
    on_invalid: OnInvalid = "raise",
    wait_timeout: float = CATALOG_WAIT_TIMEOUT,
    poll_interval: float = POLL_INTERVAL,
    max_interval: float = MAX_POLL_INTERVAL,
    on_batch: Callable[[BatchOutcome], object] | None = None,
    on_step: StepHook | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] | None = None,
    max_active_jobs: int = ACTIVE_JOBS_PER_ACCOUNT,
    job_events: JobEvents | None = None,
    line_of: Callable[[int], int | None] | None = None,
    **job_options: Any,
) -> CatalogSummary:
    """The async twin of :func:`process_catalog`: one task per job in flight, everything else
    (the journal's short local writes, the callbacks) in the calling event loop."""
    template = BodyTemplate(namespace, job_options)
    clients, waits = _clients_and_waits(
        client, max_active_jobs, job_events, template, (wait_timeout, poll_interval, max_interval, clock)
    )
    sinks = Sinks(on_item, results, on_progress, on_step, line_of)
    run = _start(images, template, journal, sinks, on_invalid, clock, clients)
    pause = sleep if sleep is not None else asyncio.sleep
    failed = True
    try:
        await drive_async(run, clients, max_active_jobs, waits, pause, on_batch)
        failed = False
    finally:
        summary = run.close(failed)
    return summary
