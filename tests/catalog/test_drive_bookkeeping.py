"""The driver's bookkeeping on its own (no API): what a stopped run records of the events its
workers left unread, and how each event reaches the journal.

A run stopped by Ctrl-C returns without joining its workers; a create a worker performed but
the run never read is a job on the account (reserved, perhaps charged). Its id belongs in
the journal so that a rerun re-attaches to it rather than asking the API again.
"""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from aigenstudio._catalog.drive import _note_jobs
from aigenstudio._catalog.run import Batch
from aigenstudio._catalog.slots import Event


class Journal:
    def __init__(self, failing: set[int] | None = None) -> None:
        self.jobs: list[tuple[int, str]] = []
        self.failing = failing or set()

    def set_job(self, seq: int, job_id: str) -> None:
        if seq in self.failing:
            raise OSError("disk full")
        self.jobs.append((seq, job_id))


class Record:
    def __init__(self, failing: set[int] | None = None) -> None:
        self.refused: list[int] = []
        self.failing = failing or set()

    def refused_batch(self, batch: Batch) -> None:
        if batch.seq in self.failing:
            raise OSError("disk full")
        self.refused.append(batch.seq)


def stopped_run(journal: Journal, record: Record) -> Any:
    return SimpleNamespace(journal=journal, record=SimpleNamespace(refused=record.refused_batch))


def batch(seq: int, job_id: str | None = None) -> Batch:
    return Batch(seq, f"key-{seq}", {}, [], [seq], job_id=job_id)


def test_unread_creates_and_refusals_are_recorded_when_the_run_stops() -> None:
    journal, record = Journal(), Record()
    first, second = uuid.uuid4(), uuid.uuid4()
    unread = [
        Event("created", 0, batch(0), first),
        Event("poll", 0, batch(0), None),
        Event("refused", 1, batch(1), None),
        Event("created", 1, batch(2), second),
        Event("done", 1, batch(3), None),
        Event("error", 1, batch(4), ValueError("boom")),
    ]
    _note_jobs(stopped_run(journal, record), unread)
    assert journal.jobs == [(0, str(first)), (2, str(second))]
    assert record.refused == [1]


def test_a_create_already_recorded_is_not_written_again() -> None:
    journal, record = Journal(), Record()
    job_id = uuid.uuid4()
    _note_jobs(stopped_run(journal, record), [Event("created", 0, batch(0, str(job_id)), job_id)])
    assert journal.jobs == []


def test_a_failing_write_does_not_stop_the_others() -> None:
    journal, record = Journal(failing={0}), Record(failing={1})
    job_id = uuid.uuid4()
    unread = [
        Event("created", 0, batch(0), uuid.uuid4()),
        Event("refused", 0, batch(1), None),
        Event("refused", 0, batch(2), None),
        Event("created", 0, batch(3), job_id),
    ]
    _note_jobs(stopped_run(journal, record), unread)  # best effort: never raises
    assert journal.jobs == [(3, str(job_id))]
    assert record.refused == [2]
