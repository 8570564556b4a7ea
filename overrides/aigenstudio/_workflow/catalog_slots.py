"""Slots for jobs in flight: one per API key (client), at most ``max_active_jobs`` at once.

The API allows one active job per key and two per account, so a run given several keys of
one account keeps min(keys, max_active_jobs) jobs busy, each key carrying at most one. In
the sync driver each slot is a worker thread that only does HTTP (create, then poll); the
run's own thread plans batches, writes the journal and calls every callback, fed by the
workers' events through one queue. Stopping is cooperative: a worker leaves at its next
pause (its job is recorded, or findable again through its idempotency key).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .._core.errors import RequestValidationError
from .catalog_run import Batch
from .facade import ApiClient
from .job_events import JobEvents

__all__ = ["Event", "Stopped", "Workers", "job_pause", "pause_for", "slot_clients"]

EventKind = Literal["created", "poll", "done", "error"]
Report = Callable[[EventKind, Any], None]
BatchJob = Callable[[ApiClient, Batch, Report, "threading.Event"], Any]


class Stopped(BaseException):  # a signal, not an error: never caught by `except Exception`
    """The run is stopping: a worker leaves its job where it is."""


def slot_clients(client: ApiClient | Sequence[ApiClient], max_active_jobs: int) -> list[ApiClient]:
    """The clients that get a slot: one per key, at most ``max_active_jobs`` of them."""
    if isinstance(max_active_jobs, bool) or not isinstance(max_active_jobs, int) or max_active_jobs < 1:
        raise RequestValidationError("max_active_jobs", "an int >= 1 (the account's active-job limit)")
    clients = list(client) if isinstance(client, Sequence) else [client]
    if not clients:
        raise RequestValidationError("client", "a client, or a non-empty sequence of clients (one per key)")
    unique = list({id(c): c for c in clients}.values())  # one object twice is still one key
    return unique[:max_active_jobs]


def pause_for(sleep: Callable[[float], object], stop: threading.Event) -> Callable[[float], None]:
    """``sleep`` that leaves (raises Stopped) once the run stops; time.sleep is cut short."""

    def pause(seconds: float) -> None:
        if sleep is time.sleep:
            stop.wait(seconds)
        else:
            sleep(seconds)
        if stop.is_set():
            raise Stopped

    return pause


def job_pause(
    pause: Callable[[float], None], events: JobEvents, job_id: object, stop: threading.Event
) -> Callable[[float], None]:
    """Wait for the job's terminal event (at most the delay), once; then ``pause`` as usual.

    Only the first early wake-up skips the delay: a 429 after it still waits its Retry-After.
    """
    woken = False

    def wait(seconds: float) -> None:
        nonlocal woken
        if woken:
            pause(seconds)
            return
        woken = events.wait(job_id, seconds, stop)
        if stop.is_set():
            raise Stopped

    return wait


@dataclass(frozen=True)
class Event:
    kind: EventKind
    slot: int
    batch: Batch
    value: Any


class Workers:
    """One thread per slot, each with its own client, fed one batch at a time."""

    def __init__(self, clients: list[ApiClient], job: BatchJob, events: JobEvents | None) -> None:
        self.stop = threading.Event()
        self.events: queue.Queue[Event] = queue.Queue()
        self.busy: dict[int, Batch] = {}
        self._clients = clients
        self._job = job
        self._job_events = events
        self._inboxes: list[queue.Queue[Batch | None]] = [queue.Queue() for _ in clients]
        self._threads: list[threading.Thread] = []

    def idle(self) -> bool:
        return len(self.busy) < len(self._clients)

    def submit(self, batch: Batch) -> None:
        slot = next(s for s in range(len(self._clients)) if s not in self.busy)
        if slot == len(self._threads):  # started on first use: a small catalog needs one thread
            thread = threading.Thread(
                target=self._work, args=(slot,), name=f"aigenstudio-catalog-{slot}", daemon=True
            )
            self._threads.append(thread)
            thread.start()
        self.busy[slot] = batch
        self._inboxes[slot].put(batch)

    def next_event(self) -> Event:
        event = self.events.get()
        if event.kind in ("done", "error"):
            del self.busy[event.slot]
        return event

    def close(self) -> list[Event]:
        """Stop every worker and wait for them; the events they left unread."""
        self.stop.set()
        if self._job_events is not None:
            self._job_events.wake()
        for slot in range(len(self._threads)):
            self._inboxes[slot].put(None)
        for thread in self._threads:
            thread.join()
        left: list[Event] = []
        while not self.events.empty():
            left.append(self.events.get_nowait())
        return left

    def _work(self, slot: int) -> None:
        client, inbox = self._clients[slot], self._inboxes[slot]
        while (batch := inbox.get()) is not None:

            def report(kind: EventKind, value: Any, batch: Batch = batch) -> None:
                self.events.put(Event(kind, slot, batch, value))

            try:
                report("done", self._job(client, batch, report, self.stop))
            except Stopped:
                report("error", Stopped())
                return
            except BaseException as error:  # handed to the run's thread, which raises it
                report("error", error)
