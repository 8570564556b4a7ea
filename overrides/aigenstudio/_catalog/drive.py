"""Drive a catalog run with several jobs in flight: workers do the HTTP, one thread the rest.

Batches are read from the run only when a slot is free, so at most one batch per slot is
held, plus the one being filled. Everything that touches the run's state (the journal, the
summary, ``on_item``/``on_batch``/``on_progress``/``on_step``, the results file) happens in
the driving thread (sync) or the event loop (async), one call at a time. The write-ahead
order is kept: the run commits a batch, its idempotency key and the fingerprint of the API
key it goes to before it is handed to that key's worker, and the worker creates its job only
then. A batch a previous run sent with a key waits for that key's slot (see slots.py);
a create refused outright (nothing created) frees the batch for any key. With a single slot
the same steps run in the caller's thread: there is nothing to overlap, and the thread
hand-offs would cost ~20% of the client's own time per image.

Failures: an ``Exception`` (an API error, a wait timeout, an invalid row) stops new batches
from starting; the jobs in flight are finished and recorded, then the first error is raised.
Anything else (Ctrl-C, a closed generator, a cancelled task) stops the workers at their next
pause; their jobs are in the journal, where a rerun re-attaches to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass
from typing import Any

from aigenstudio_client.models.product_photo_job import ProductPhotoJob

from .._workflow.api_calls import ApiClient
from .._workflow.results import JobResults, job_results
from .._workflow.waiting import Progress, wait_for_job, wait_for_job_async
from .job_events import JobEvents
from .outcomes import ItemOutcome
from .run import Batch, CatalogRun
from .slots import (
    Event,
    EventKind,
    Report,
    SlotTable,
    Stopped,
    Workers,
    client_fingerprint,
    job_pause,
    pause_for,
)
from .submit import Backpressure, create_job, create_job_async, nothing_created

__all__ = ["BatchOutcome", "Waits", "drive", "drive_async"]

OnBatch = Callable[["BatchOutcome"], object] | None


@dataclass(frozen=True)
class BatchOutcome:
    """One finished batch: its terminal job and sorted items (passed to ``on_batch``)."""

    index: int  # the journal's batch number
    idempotency_key: str
    job: ProductPhotoJob
    results: JobResults


@dataclass(frozen=True)
class Waits:
    timeout: float
    poll_interval: float
    max_interval: float
    clock: Callable[[], float]
    events: JobEvents | None = None

    def backpressure(self) -> Backpressure:
        return Backpressure(self.timeout, self.poll_interval, self.max_interval, self.clock)

    @property
    def first_poll_interval(self) -> float:
        # With webhook events, a poll waits for the job's event, at most max_interval.
        return self.max_interval if self.events is not None else self.poll_interval


def _batch_outcome(batch: Batch, job: ProductPhotoJob) -> BatchOutcome:
    return BatchOutcome(batch.seq, batch.key, job, job_results(job, batch.images))


def _job_in_thread(
    waits: Waits, sleep: Callable[[float], object]
) -> Callable[[ApiClient, Batch, Report, threading.Event], ProductPhotoJob]:
    def run(client: ApiClient, batch: Batch, report: Report, stop: threading.Event) -> ProductPhotoJob:
        pause = pause_for(sleep, stop)
        if stop.is_set():  # never create a job once the run is stopping
            raise Stopped
        if batch.job_id is None:
            try:
                job_id = create_job(client, batch.body, batch.key, waits.backpressure(), pause)
            except Exception as error:
                if nothing_created(error):
                    report("refused", None)
                raise
        else:  # re-attach to the job a previous run created
            job_id = uuid.UUID(batch.job_id)
        report("created", job_id)
        if waits.events is not None:
            pause = job_pause(pause, waits.events, job_id, stop)
        return wait_for_job(
            client,
            job_id,
            timeout=waits.timeout,
            poll_interval=waits.first_poll_interval,
            max_interval=waits.max_interval,
            on_progress=lambda p: report("poll", p),
            clock=waits.clock,
            sleep=pause,
        )

    return run


def _handle(run: CatalogRun, event: Event, on_batch: OnBatch) -> list[ItemOutcome]:
    batch = event.batch
    if event.kind == "created":
        run.record.created(batch, event.value)
    elif event.kind == "refused":
        run.record.refused(batch)
    elif event.kind == "poll":
        run.record.progress.job_progress(event.value, batch.seq)
        run.record.step("polling", batch)
    elif event.kind == "done":
        outcomes = run.record.finish(batch, event.value)
        if on_batch is not None:
            on_batch(_batch_outcome(batch, event.value))
        return outcomes
    return []


def _slots(clients: list[ApiClient], limit: int) -> SlotTable:
    return SlotTable([client_fingerprint(client) for client in clients], limit)


def _place(run: CatalogRun, slots: SlotTable, batch: Batch) -> int | None:
    """The free slot ``batch`` may go to (its key's, else any), its key recorded; else None."""
    slot = slots.free(batch.fingerprint)
    if slot is not None:
        run.record.assigned(batch, slots.fingerprints[slot])  # before the create call
    return slot


def drive(
    run: CatalogRun,
    clients: list[ApiClient],
    limit: int,
    waits: Waits,
    sleep: Callable[[float], object],
    on_batch: OnBatch,
) -> Generator[ItemOutcome, None, None]:
    """Run every batch on a free worker (its key's); yield each outcome in the caller's thread."""
    slots = _slots(clients, limit)
    if slots.limit == 1:
        yield from _drive_inline(run, clients, slots, waits, sleep, on_batch)
        return
    workers = Workers(clients, slots, _job_in_thread(waits, sleep), waits.events)
    steps = run.steps(slots)
    planning, failure, waiting = True, None, None  # waiting: a batch whose key's slot is busy
    try:
        while True:
            while failure is None and (planning or waiting is not None):
                if waiting is None:
                    if not slots.idle():
                        break
                    try:
                        step = next(steps)
                    except StopIteration:
                        planning = False
                        break
                    except Exception as error:  # an invalid row: finish the jobs in flight first
                        failure = error
                        break
                    if isinstance(step, ItemOutcome):
                        yield step
                        continue
                    waiting = step
                slot = _place(run, slots, waiting)
                if slot is None:
                    break
                workers.submit(waiting, slot)
                waiting = None
            if not slots.busy:
                break
            event = workers.next_event()
            if event.kind == "error":
                if not isinstance(event.value, Exception):
                    raise event.value  # Ctrl-C in a worker: stop now
                failure = failure or event.value
                continue
            yield from _handle(run, event, on_batch)
        if failure is not None:
            raise failure
    except (KeyboardInterrupt, GeneratorExit):  # Ctrl-C, SIGTERM, or the caller closing the
        # generator (a signal caught while it was suspended at a yield arrives as GeneratorExit):
        # stop now, not after the calls in flight
        _note_jobs(run, workers.close(wait=False))
        raise
    except BaseException:
        _note_jobs(run, workers.close())
        raise
    _note_jobs(run, workers.close())


def _drive_inline(
    run: CatalogRun,
    clients: list[ApiClient],
    slots: SlotTable,
    waits: Waits,
    sleep: Callable[[float], object],
    on_batch: OnBatch,
) -> Generator[ItemOutcome, None, None]:
    """One slot: the same steps in the caller's thread (no thread hand-offs to pay for)."""
    job_in_thread, stop = _job_in_thread(waits, sleep), threading.Event()
    for step in run.steps(slots):
        if isinstance(step, ItemOutcome):
            yield step
            continue

        def report(kind: EventKind, value: Any, batch: Batch = step) -> None:
            _handle(run, Event(kind, 0, batch, value), on_batch)

        slot = _place(run, slots, step)  # never busy: one batch at a time
        assert slot is not None  # the run checked that every open batch's key is here
        job = job_in_thread(clients[slot], step, report, stop)
        yield from _handle(run, Event("done", slot, step, job), on_batch)


def _note_jobs(run: CatalogRun, unread: list[Event]) -> None:
    """Record the job ids of creates the run stopped before reading (best effort: the
    batch's key finds the job again anyway)."""
    for event in unread:
        if event.kind == "created" and event.batch.job_id != str(event.value):
            with contextlib.suppress(Exception):
                run.journal.set_job(event.batch.seq, str(event.value))
        elif event.kind == "refused":
            with contextlib.suppress(Exception):
                run.record.refused(event.batch)


Pause = Callable[[float], Awaitable[object]]


async def _job_in_task(
    client: ApiClient, batch: Batch, run: CatalogRun, waits: Waits, pause: Pause
) -> ProductPhotoJob:
    if batch.job_id is None:
        try:
            job_id = await create_job_async(client, batch.body, batch.key, waits.backpressure(), pause)
        except Exception as error:
            if nothing_created(error):
                run.record.refused(batch)
            raise
    else:
        job_id = uuid.UUID(batch.job_id)
    run.record.created(batch, job_id)

    def on_poll(progress: Progress) -> None:
        run.record.progress.job_progress(progress, batch.seq)
        run.record.step("polling", batch)

    wait = pause if waits.events is None else _async_job_pause(pause, waits.events, job_id)
    return await wait_for_job_async(
        client,
        job_id,
        timeout=waits.timeout,
        poll_interval=waits.first_poll_interval,
        max_interval=waits.max_interval,
        on_progress=on_poll,
        clock=waits.clock,
        sleep=wait,
    )


def _async_job_pause(
    pause: Callable[[float], Awaitable[object]], events: JobEvents, job_id: uuid.UUID
) -> Callable[[float], Awaitable[object]]:
    woken = False

    async def wait(seconds: float) -> None:
        nonlocal woken
        if woken:
            await pause(seconds)
        else:
            woken = await events.wait_async(job_id, seconds)

    return wait


async def drive_async(
    run: CatalogRun,
    clients: list[ApiClient],
    limit: int,
    waits: Waits,
    pause: Callable[[float], Awaitable[object]],
    on_batch: OnBatch,
) -> None:
    """The async twin of :func:`drive`: one task per job in flight, all in the caller's loop."""
    slots = _slots(clients, limit)
    tasks: dict[asyncio.Task[ProductPhotoJob], int] = {}
    steps = run.steps(slots)
    planning, waiting = True, None
    failure: BaseException | None = None
    try:
        while True:
            while failure is None and (planning or waiting is not None):
                if waiting is None:
                    if not slots.idle():
                        break
                    try:
                        step = next(steps)
                    except StopIteration:
                        planning = False
                        break
                    except Exception as error:
                        failure = error
                        break
                    if not isinstance(step, Batch):
                        continue  # an outcome: already handed to the sinks
                    waiting = step
                slot = _place(run, slots, waiting)
                if slot is None:
                    break
                task = asyncio.ensure_future(_job_in_task(clients[slot], waiting, run, waits, pause))
                tasks[task], slots.busy[slot], waiting = slot, waiting, None
            if not tasks:
                break
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                batch = slots.busy.pop(tasks.pop(task))
                problem = asyncio.CancelledError() if task.cancelled() else task.exception()
                if problem is not None:
                    failure = failure or problem
                    continue
                run.record.finish(batch, task.result())
                if on_batch is not None:
                    on_batch(_batch_outcome(batch, task.result()))
        if failure is not None:
            raise failure
    finally:
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
