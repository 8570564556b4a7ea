"""Slots for jobs in flight: one per API key (client), at most ``max_active_jobs`` busy at once.

The API allows one active job per key and two per account, so a run given several keys of
one account keeps min(keys, max_active_jobs) jobs busy, each key carrying at most one. A
slot is named by its key's fingerprint: a batch a previous run sent with a key waits for
that key's slot (its job, perhaps its idempotency key, belong to that key); any other batch
takes the first free slot. In
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

from .._core.api_key import key_fingerprint
from .._core.errors import ConfigurationError, RequestValidationError
from .._http.settings import key_kind
from .._workflow.api_calls import ApiClient
from .job_events import JobEvents
from .run import Batch

__all__ = [
    "Event",
    "SlotTable",
    "Stopped",
    "Workers",
    "client_fingerprint",
    "client_key_kind",
    "job_pause",
    "pause_for",
    "run_key_kind",
    "slot_clients",
]

EventKind = Literal["created", "refused", "poll", "done", "error"]
Report = Callable[[EventKind, Any], None]
BatchJob = Callable[[ApiClient, Batch, Report, "threading.Event"], Any]


class Stopped(BaseException):  # a signal, not an error: never caught by `except Exception`
    """The run is stopping: a worker leaves its job where it is."""


def client_fingerprint(client: object) -> str | None:
    """The fingerprint of a client's API key: our client's ``key_fingerprint``, a bare
    generated client's ``token``'s; None for a client without a key (or not telling it)."""
    own = getattr(client, "key_fingerprint", None)
    if isinstance(own, str) or hasattr(type(client), "key_fingerprint"):
        return own if isinstance(own, str) else None
    token = getattr(client, "token", None)
    return key_fingerprint(token) if isinstance(token, str) and token else None


def client_key_kind(client: object) -> str | None:
    """``"sandbox"``, ``"live"`` or ``"unknown"``: our client's ``key_kind``, else what a bare
    generated client's ``token`` says; None for a client without a key (or not telling it)."""
    if hasattr(type(client), "key_kind"):
        own = getattr(client, "key_kind", None)
        return own if isinstance(own, str) else None
    token = getattr(client, "token", None)
    return key_kind(token) if isinstance(token, str) and token else None


def run_key_kind(clients: Sequence[object]) -> str | None:
    """The one kind of key the run's clients have (None: none tells); ConfigurationError if
    they mix kinds: a sandbox key's jobs are simulated, a live key's are charged, and one
    run (one journal) must be one or the other, never batches of both."""
    kinds = sorted({kind for kind in map(client_key_kind, clients) if kind is not None})
    if len(kinds) > 1:
        raise ConfigurationError(
            f"the API keys of one catalog run must be of one kind, not {' and '.join(kinds)} "
            "(a sandbox key's jobs are simulated, a live key's are charged): run the sandbox "
            "and the live keys separately, each with its own journal"
        )
    return kinds[0] if kinds else None


def slot_clients(client: ApiClient | Sequence[ApiClient], max_active_jobs: int) -> list[ApiClient]:
    """The clients that get a slot: one per key (at most ``max_active_jobs`` busy at once)."""
    if isinstance(max_active_jobs, bool) or not isinstance(max_active_jobs, int) or max_active_jobs < 1:
        raise RequestValidationError("max_active_jobs", "an int >= 1 (the account's active-job limit)")
    clients = list(client) if isinstance(client, Sequence) else [client]
    if not clients:
        raise RequestValidationError("client", "a client, or a non-empty sequence of clients (one per key)")
    unique: list[ApiClient] = []
    keys: set[str] = set()
    for one in {id(c): c for c in clients}.values():  # one object twice is still one key
        fingerprint = client_fingerprint(one)
        if fingerprint is None or fingerprint not in keys:  # ... and so are two with one key
            unique.append(one)
            keys.add(fingerprint or "")
    return unique


class SlotTable:
    """Which slots are busy, and which one a batch may go to (its key's, else any free one)."""

    def __init__(self, fingerprints: list[str | None], limit: int) -> None:
        self.fingerprints = fingerprints
        self.limit = min(limit, len(fingerprints))
        self.busy: dict[int, Batch] = {}

    def idle(self) -> bool:
        return len(self.busy) < self.limit

    def free(self, fingerprint: str | None = None) -> int | None:
        """A free slot for a batch sent with ``fingerprint`` (None: any key), if one is."""
        if not self.idle():
            return None
        for slot, own in enumerate(self.fingerprints):
            if slot not in self.busy and (fingerprint is None or own == fingerprint):
                return slot
        return None

    def next_key(self) -> str | None:
        """The key the next new batch goes to: the first free slot's."""
        slot = self.free()
        return None if slot is None else self.fingerprints[slot]


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

    def __init__(
        self, clients: list[ApiClient], slots: SlotTable, job: BatchJob, events: JobEvents | None
    ) -> None:
        self.stop = threading.Event()
        self.events: queue.Queue[Event] = queue.Queue()
        self.slots = slots
        self._clients = clients
        self._job = job
        self._job_events = events
        self._inboxes: list[queue.Queue[Batch | None]] = [queue.Queue() for _ in clients]
        self._threads: dict[int, threading.Thread] = {}

    def submit(self, batch: Batch, slot: int) -> None:
        if slot not in self._threads:  # started on first use: a small catalog needs one thread
            thread = threading.Thread(
                target=self._work, args=(slot,), name=f"aigenstudio-catalog-{slot}", daemon=True
            )
            self._threads[slot] = thread
            thread.start()
        self.slots.busy[slot] = batch
        self._inboxes[slot].put(batch)

    def next_event(self) -> Event:
        event = self.events.get()
        if event.kind in ("done", "error"):
            del self.slots.busy[event.slot]
        return event

    def close(self, wait: bool = True) -> list[Event]:
        """Stop every worker and wait for them (``wait=False``: a signal stops the run now; a
        worker in an API call leaves when it returns, touching nothing of the run's: the
        journal is written by the run's thread only); the events they left unread."""
        self.stop.set()
        if self._job_events is not None:
            self._job_events.wake()
        for slot in self._threads:
            self._inboxes[slot].put(None)
        for thread in self._threads.values() if wait else ():
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
