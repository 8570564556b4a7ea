"""The slot bookkeeping on its own (no API): which keys get a slot, which slot a batch may take,
how a worker pauses and stops, and what the workers hand back to the run's thread.

A wrong answer here sends a batch with another key (a second, charged job), starts more jobs
than the account allows, or leaves a job unrecorded when the run stops.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from aigenstudio._catalog.run import Batch
from aigenstudio._catalog.slots import (
    Event,
    SlotTable,
    Stopped,
    Workers,
    client_fingerprint,
    client_key_kind,
    job_pause,
    pause_for,
    run_key_kind,
    slot_clients,
)
from aigenstudio._core.api_key import key_fingerprint
from aigenstudio._core.errors import ConfigurationError, RequestValidationError

A, B = "aigen_test_slotA0123456789", "aigen_test_slotB0123456789"
LIVE = "aigen_live_slotL0123456789"


class Bare:
    """A generated client as far as the slots look: a ``token``."""

    def __init__(self, token: object) -> None:
        self.token = token


class Own:
    """Our client as far as the slots look: ``key_fingerprint`` and ``key_kind`` of its own."""

    key_fingerprint: Any = None
    key_kind: Any = None

    def __init__(self, fingerprint: object, kind: object = None, token: object = None) -> None:
        self.key_fingerprint = fingerprint
        self.key_kind = kind
        self.token = token


def batch(seq: int, fingerprint: str | None = None) -> Batch:
    return Batch(seq, f"key-{seq}", {}, [], [seq], fingerprint=fingerprint)


def test_a_bare_client_is_named_by_its_token() -> None:
    assert client_fingerprint(Bare(A)) == key_fingerprint(A)
    assert client_fingerprint(Bare("")) is None
    assert client_fingerprint(Bare(None)) is None
    assert client_fingerprint(Bare(b"aigen_test_bytes0123456789")) is None


def test_our_client_is_named_by_its_own_fingerprint_never_by_its_token() -> None:
    assert client_fingerprint(Own("abc123abc123", token=A)) == "abc123abc123"
    # Our client without a key says None: its token (if any) is not a key to name it by.
    assert client_fingerprint(Own(None, token=A)) is None
    assert client_fingerprint(Own(7, token=A)) is None


def test_a_fingerprint_set_on_the_instance_only_is_used_if_it_is_text() -> None:
    client = Bare(A)
    client.key_fingerprint = "instance0001"  # type: ignore[attr-defined]
    assert client_fingerprint(client) == "instance0001"
    client.key_fingerprint = 5  # type: ignore[attr-defined]
    assert client_fingerprint(client) == key_fingerprint(A)  # not ours: the token names it


def test_the_key_kind_of_a_client() -> None:
    assert client_key_kind(Bare(A)) == "sandbox"
    assert client_key_kind(Bare(LIVE)) == "live"
    assert client_key_kind(Bare("")) is None
    assert client_key_kind(Bare(None)) is None
    assert client_key_kind(Own("f", kind="live", token=A)) == "live"  # its own word, not the token's
    assert client_key_kind(Own("f", kind=None, token=A)) is None
    assert client_key_kind(Own("f", kind=1, token=A)) is None


def test_a_run_has_one_kind_of_key() -> None:
    assert run_key_kind([]) is None
    assert run_key_kind([object()]) is None
    assert run_key_kind([Bare(A), object(), Bare(B)]) == "sandbox"
    assert run_key_kind([Bare(LIVE)]) == "live"
    with pytest.raises(ConfigurationError, match="one kind, not live and sandbox"):
        run_key_kind([Bare(A), Bare(LIVE)])
    with pytest.raises(ConfigurationError, match="not live and sandbox"):
        run_key_kind([Bare(LIVE), Bare(A)])


@pytest.mark.parametrize("limit", [0, -1, True, False, 1.0, "1", None])
def test_max_active_jobs_must_be_a_positive_int(limit: Any) -> None:
    with pytest.raises(RequestValidationError, match="max_active_jobs"):
        slot_clients(Bare(A), limit)


def test_one_slot_per_key_in_the_order_given() -> None:
    one, again, other = Bare(A), Bare(A), Bare(B)
    assert slot_clients(one, 1) == [one]  # a single client, not a sequence
    assert slot_clients((other, one), 1) == [other, one]
    assert slot_clients([one, again, other, one, again], 5) == [one, other]
    with pytest.raises(RequestValidationError, match="client"):
        slot_clients([], 1)
    with pytest.raises(RequestValidationError, match="client"):
        slot_clients((), 2)


def test_clients_that_name_no_key_each_get_a_slot_unless_one_object() -> None:
    first, second = object(), object()
    assert slot_clients([first, second, first], 2) == [first, second]  # type: ignore[list-item]
    # A client without a key never stands for a key: a keyed client after it keeps its slot.
    keyed = Bare(A)
    assert slot_clients([first, keyed, Bare(A)], 2) == [first, keyed]  # type: ignore[list-item]


def test_the_slot_table_never_passes_its_limit() -> None:
    table = SlotTable(["a", "b", "c"], 2)
    assert table.limit == 2
    assert SlotTable(["a"], 3).limit == 1  # no more slots than keys
    assert table.idle()
    assert table.free() == 0
    assert table.next_key() == "a"
    table.busy[0] = batch(0)
    assert table.idle()
    assert table.free() == 1
    assert table.next_key() == "b"
    table.busy[1] = batch(1)
    assert not table.idle()  # slot 2 is free, but two jobs are the account's limit
    assert table.free() is None
    assert table.free("c") is None
    assert table.next_key() is None
    del table.busy[0]
    assert table.free("c") == 2
    assert table.free("b") is None  # b's slot is busy: its batch waits for it
    assert table.free() == 0


def test_a_batch_of_a_key_takes_only_that_keys_slot() -> None:
    table = SlotTable(["a", "b"], 2)
    assert table.free("b") == 1
    assert table.free("a") == 0
    assert table.free("z") is None  # a key the run was not given
    table.busy[1] = batch(1)
    assert table.free("b") is None
    assert table.free(None) == 0


def test_pause_for_a_custom_sleep_then_stops() -> None:
    slept: list[float] = []
    stop = threading.Event()
    pause = pause_for(slept.append, stop)
    assert pause(1.5) is None
    assert slept == [1.5]
    stop.set()
    with pytest.raises(Stopped):
        pause(2.0)
    assert slept == [1.5, 2.0]


def test_pause_for_time_sleep_is_cut_short_by_stop() -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(Stopped):
        pause_for(time.sleep, stop)(3600.0)  # time.sleep would hang the test for an hour


class Events:
    """JobEvents as job_pause uses it: each wait's answer from a script."""

    def __init__(self, answers: list[bool], stop_on_wait: threading.Event | None = None) -> None:
        self.answers = answers
        self.waits: list[tuple[object, float, threading.Event]] = []
        self.woken = 0
        self._stop_on_wait = stop_on_wait

    def wait(self, job_id: object, timeout: float, stop: threading.Event) -> bool:
        self.waits.append((job_id, timeout, stop))
        if self._stop_on_wait is not None:
            self._stop_on_wait.set()
        return self.answers.pop(0)

    def wake(self) -> None:
        self.woken += 1


def test_job_pause_waits_for_the_event_until_it_comes_then_pauses() -> None:
    paused: list[float] = []
    stop = threading.Event()
    events = Events([False, True])
    wait = job_pause(paused.append, events, "job-1", stop)  # type: ignore[arg-type]
    assert wait(5.0) is None
    assert events.waits == [("job-1", 5.0, stop)]
    assert paused == []
    wait(6.0)  # not woken yet: wait for the event again
    assert [w[1] for w in events.waits] == [5.0, 6.0]
    assert paused == []
    wait(7.0)  # woken once: later delays (a 429's Retry-After) are waited in full
    wait(8.0)
    assert paused == [7.0, 8.0]
    assert len(events.waits) == 2


def test_job_pause_stops_when_the_run_stops_during_the_wait() -> None:
    stop = threading.Event()
    events = Events([True], stop_on_wait=stop)
    wait = job_pause(lambda _s: None, events, "job-1", stop)  # type: ignore[arg-type]
    with pytest.raises(Stopped):
        wait(1.0)


def collect(workers: Workers, count: int) -> list[Event]:
    return [workers.next_event() for _ in range(count)]


def test_workers_report_each_job_and_free_its_slot() -> None:
    table = SlotTable(["a", "b"], 2)

    def job(client: Any, one: Batch, report: Any, stop: threading.Event) -> str:
        report("created", f"{client}-{one.seq}")
        return f"done-{one.seq}"

    workers = Workers(["client-a", "client-b"], table, job, None)  # type: ignore[list-item]
    try:
        first, second = batch(0), batch(1)
        workers.submit(first, 1)
        assert table.busy == {1: first}
        assert [t.name for t in threading.enumerate() if t.name.startswith("aigenstudio-catalog-")] == [
            "aigenstudio-catalog-1"
        ]  # a thread per slot used, started on first use
        assert workers._threads[1].daemon  # a worker blocked in a call never holds the process open
        created, done = collect(workers, 2)
        assert (created.kind, created.slot, created.batch, created.value) == (
            "created",
            1,
            first,
            "client-b-0",
        )
        assert (done.kind, done.slot, done.batch, done.value) == ("done", 1, first, "done-0")
        assert table.busy == {}
        workers.submit(second, 0)
        created, done = collect(workers, 2)
        assert created.value == "client-a-1"
        assert done.kind == "done"
        assert table.busy == {}
    finally:
        assert workers.close() == []
    assert not any(t.name.startswith("aigenstudio-catalog-") for t in threading.enumerate())


def test_a_failing_job_is_an_error_event_and_the_worker_takes_the_next_batch() -> None:
    table = SlotTable(["a"], 1)
    problems: list[BaseException] = [ValueError("boom"), KeyboardInterrupt()]

    def job(client: Any, one: Batch, report: Any, stop: threading.Event) -> str:
        if problems:
            raise problems.pop(0)
        return "fine"

    workers = Workers(["client"], table, job, None)  # type: ignore[list-item]
    try:
        for seq, expected in enumerate([ValueError, KeyboardInterrupt]):
            workers.submit(batch(seq), 0)
            (event,) = collect(workers, 1)
            assert (event.kind, event.slot, event.batch.seq) == ("error", 0, seq)
            assert isinstance(event.value, expected)
            assert table.busy == {}
        workers.submit(batch(2), 0)  # the worker survived both
        assert collect(workers, 1)[0].value == "fine"
    finally:
        workers.close()


def test_a_stopped_job_ends_its_worker() -> None:
    table = SlotTable(["a"], 1)

    def job(client: Any, one: Batch, report: Any, stop: threading.Event) -> str:
        raise Stopped

    workers = Workers(["client"], table, job, None)  # type: ignore[list-item]
    workers.submit(batch(0), 0)
    (event,) = collect(workers, 1)
    assert event.kind == "error"
    assert isinstance(event.value, Stopped)
    workers._threads[0].join()  # it left: no batch is taken after a stop
    assert workers.close() == []


def test_closing_hands_back_the_unread_events_and_wakes_the_event_waits() -> None:
    table = SlotTable(["a", "b"], 2)
    release = threading.Event()

    def job(client: Any, one: Batch, report: Any, stop: threading.Event) -> str:
        report("created", one.seq)
        release.wait()
        if stop.is_set():
            raise Stopped
        return "done"

    events = Events([])
    workers = Workers(["a", "b"], table, job, events)  # type: ignore[arg-type]
    workers.submit(batch(0), 0)
    workers.submit(batch(1), 1)
    while workers.events.qsize() < 2:
        time.sleep(0.001)
    left = workers.close(wait=False)  # a signal: return now, the workers still in their calls
    assert sorted((e.kind, e.value) for e in left) == [("created", 0), ("created", 1)]
    assert events.woken == 1
    assert workers.stop.is_set()
    release.set()
    for thread in workers._threads.values():
        thread.join()
    assert sorted(e.kind for e in workers.close()) == ["error", "error"]  # each left as Stopped
