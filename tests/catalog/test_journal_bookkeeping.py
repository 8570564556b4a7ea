"""The journal's batched bookkeeping (``seen``): kept by ``close()``, dropped by
``close(commit=False)``, committed on its own every ``_SEEN_PER_COMMIT`` rows, and a batch
recorded in full with its rows and key (pinned by make mutate)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from aigenstudio._catalog import journal as journal_module
from aigenstudio._catalog.journal import Journal

KEY = "idem_" + "a" * 64


def _journal_with_a_batch(path: Path) -> Journal:
    journal = Journal(path)
    journal.start("catalog-1", {"operation": "marketplace_clean"})
    journal.add_batch(
        KEY, [("https://x.example/a.jpg", "a", 1), ("https://x.example/b.jpg", None, 2)], "0123456789ab"
    )
    return journal


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT item_key, run, row FROM items ORDER BY batch, pos").fetchall()


def test_a_batch_is_recorded_with_its_rows_key_and_fingerprint(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    _journal_with_a_batch(path).close()
    assert _rows(path) == [("a", 1, 1), ("https://x.example/b.jpg", 1, 2)]
    with sqlite3.connect(path) as db:
        batch = db.execute(
            "SELECT seq, idempotency_key, status, images, key_fingerprint FROM batches"
        ).fetchall()
    assert batch == [(0, KEY, "planned", 2, "0123456789ab")]


@pytest.mark.parametrize(("commit", "kept"), [(True, True), (False, False)])
def test_close_keeps_or_drops_the_pending_seen_rows(tmp_path: Path, commit: bool, kept: bool) -> None:
    path = tmp_path / "j.sqlite"
    _journal_with_a_batch(path).close()
    second = Journal(path)
    second.start("catalog-1", {"operation": "marketplace_clean"})
    second.seen("a", 7)
    second.close(commit=commit)
    assert _rows(path)[0] == (("a", 2, 7) if kept else ("a", 1, 1))


def test_seen_rows_are_committed_every_seen_per_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "_SEEN_PER_COMMIT", 2)
    path = tmp_path / "j.sqlite"
    journal = _journal_with_a_batch(path)
    try:
        journal.seen("a", 10)
        assert _rows(path)[0] == ("a", 1, 1)  # not yet: one pending row
        journal.seen("https://x.example/b.jpg", 11)
        assert _rows(path) == [("a", 1, 10), ("https://x.example/b.jpg", 1, 11)]  # committed, open
        journal.seen("a", 12)
        assert _rows(path)[0] == ("a", 1, 10)  # the count started again
    finally:
        journal.close(commit=False)
    assert _rows(path)[0] == ("a", 1, 10)


def _error(message: str, code: int | None = None) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    if code is not None:
        error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (_error("database is locked", sqlite3.SQLITE_BUSY), True),
        (_error("database table is locked", sqlite3.SQLITE_LOCKED), True),
        (_error("snapshot busy", sqlite3.SQLITE_BUSY | 2 << 8), True),  # an extended BUSY code
        (_error("disk I/O error locked", sqlite3.SQLITE_IOERR), False),  # the code decides
        (_error("database is locked"), True),  # no code (another driver): the message decides
        (_error("database is busy"), True),
        (_error("file is not a database"), False),
    ],
)
def test_a_locked_journal_is_told_to_wait_never_to_start_afresh(error: sqlite3.Error, busy: bool) -> None:
    described = journal_module.journal_error("runs.sqlite", error)  # type: ignore[arg-type]
    if busy:
        assert isinstance(described, journal_module.JournalBusyError)
        assert "locked by another process" in str(described)
        assert "new file name" not in str(described)  # a fresh journal would lose this one's record
    else:
        assert isinstance(described, journal_module.JournalFileError)
        assert "runs.sqlite is not a catalog journal" in str(described)


_MAX, _MIN = 2**63 - 1, -(2**63)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        *[(_MAX, _MAX), (_MAX + 1, _MAX), (10**30, _MAX), (_MIN, _MIN), (_MIN - 1, _MIN), (7, 7)],
        *[("caf" + chr(0xDCE9), "caf\\udce9"), (None, None), (1.5, 1.5)],
    ],
)
def test_storable_clamps_integers_to_sqlite_and_escapes_lone_surrogates(
    value: object, stored: object
) -> None:
    assert journal_module.storable(value) == stored


def test_a_batch_that_fails_half_way_leaves_the_journal_writable(tmp_path: Path) -> None:
    journal = _journal_with_a_batch(tmp_path / "j.sqlite")
    try:
        twice = [("https://x.example/c.jpg", "c", 3), ("https://x.example/c.jpg", "c", 4)]
        with pytest.raises(sqlite3.IntegrityError):
            journal.add_batch("idem_" + "b" * 64, twice)  # the same item twice: rolled back whole
        assert journal.add_batch("idem_" + "c" * 64, [("https://x.example/d.jpg", "d", 5)]) == 1
    finally:
        journal.close()
    assert [row[0] for row in _rows(tmp_path / "j.sqlite")] == ["a", "https://x.example/b.jpg", "d"]


@pytest.mark.parametrize(
    ("recorded", "given", "refused"),
    [
        *[("sandbox", "live", True), ("live", "sandbox", True), ("live", "live", False)],
        *[("sandbox", None, False), (None, "sandbox", False)],
    ],
)
def test_a_run_with_another_kind_of_key_is_refused(
    recorded: str | None, given: str | None, refused: bool
) -> None:
    meta = {"runs": "1"} | ({"key_kind": recorded} if recorded else {})
    if refused:
        with pytest.raises(journal_module.JournalKindMismatchError):
            journal_module.check_key_kind("j.sqlite", meta, given)
    else:
        journal_module.check_key_kind("j.sqlite", meta, given)


def test_status_counts_each_finished_job_once_and_sums_credits(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = _journal_with_a_batch(path)
    journal.add_batch("idem_" + "d" * 64, [("https://x.example/e.jpg", "e", 3)])
    journal.finish_batch(0, "completed", 2**63 + 5, [])  # clamped to 64 bits, summed in Python
    journal.close()
    status = journal_module.read_status(str(path))
    assert status.finished_jobs == 1
    assert status.credits_used == 2**63 - 1
    assert [seq for seq, _, _ in status.open_jobs] == [1]


def test_a_journal_is_in_use_only_while_a_run_holds_it(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    assert journal_module.journal_in_use(str(path)) is False  # no lock file yet
    journal = Journal(path)
    assert journal_module.journal_in_use(str(path)) is True
    journal.close()
    assert journal_module.journal_in_use(str(path)) is False
    sqlite3.connect(str(path) + ".lock").close()  # a crashed run's lock file, held by no one
    assert journal_module.journal_in_use(str(path)) is False


def test_two_spellings_of_a_journal_not_yet_created_are_the_same_file(tmp_path: Path) -> None:
    one, other = str(tmp_path / "new.sqlite"), str(tmp_path / "." / "new.sqlite")
    assert journal_module.same_file(one, other) is True
    assert journal_module.same_file(one, str(tmp_path / "other.sqlite")) is False


def test_a_failed_open_closes_the_database_whatever_the_failure(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "x.sqlite")
    with pytest.raises(KeyboardInterrupt), journal_module._closed_on_error(db, "x.sqlite"):
        raise KeyboardInterrupt
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        db.execute("SELECT 1")


def test_the_first_run_records_its_settings_and_a_later_run_with_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    first = Journal(path)
    first.start("catalog-1", {"operation": "marketplace_clean"}, "sandbox")
    first.close()
    with sqlite3.connect(path) as db:
        meta = dict(db.execute("SELECT name, value FROM meta").fetchall())
    assert meta["namespace"] == "catalog-1"
    assert meta["key_kind"] == "sandbox"
    second = Journal(path)
    try:
        with pytest.raises(journal_module.JournalMismatchError, match="namespace"):
            second.start("catalog-2", {"operation": "marketplace_clean"}, "sandbox")
    finally:
        second.close(commit=False)


@pytest.mark.parametrize(
    ("opened", "keys", "missing"),
    [
        ([(0, "fp-a"), (1, None)], ["fp-b"], {"fp-a": [0]}),
        ([(0, "fp-a"), (2, "fp-a")], [None], {"fp-a": [0, 2]}),
        ([(0, "fp-a"), (1, None)], ["fp-a"], None),
        ([(1, None)], ["fp-b"], None),
    ],
)
def test_an_open_batch_sent_with_a_key_the_run_lacks_is_refused(
    opened: list[tuple[int, str | None]], keys: list[str | None], missing: dict[str, list[int]] | None
) -> None:
    if missing is None:
        journal_module.check_open_keys("j.sqlite", opened, keys)
        return
    with pytest.raises(journal_module.JournalKeyMissingError) as raised:
        journal_module.check_open_keys("j.sqlite", opened, keys)
    assert raised.value.missing == missing
    for fingerprint, batches in missing.items():
        word = "batches" if len(batches) > 1 else "batch"
        assert f"{word} {', '.join(map(str, batches))} with the key {fingerprint}" in str(raised.value)


def test_a_lock_file_replaced_while_locking_is_locked_again_where_it_now_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.sqlite"
    lock_path = str(path) + ".lock"
    hold = journal_module._hold
    replaced: list[str] = []
    fresh = lock_path + ".new"
    sqlite3.connect(fresh).close()  # made first: on most file systems its inode number is lower

    def hold_after_another_run_replaced_the_file(lock: sqlite3.Connection, where: str) -> None:
        hold(lock, where)
        if not replaced:  # meanwhile another run put a new lock file in its place
            os.replace(fresh, where)
            replaced.append(where)

    monkeypatch.setattr(journal_module, "_hold", hold_after_another_run_replaced_the_file)
    journal = Journal(path)
    try:
        assert replaced == [lock_path]
        other = sqlite3.connect(lock_path, isolation_level=None, timeout=0.0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN EXCLUSIVE")  # the file at the path is the one held
        finally:
            other.close()
    finally:
        journal.close()


def test_a_run_starting_as_another_ends_locks_the_lock_file_there_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other run deletes its lock file between this run opening it and locking it: SQLite
    refuses to write a deleted file (SQLITE_READONLY_DBMOVED); the run locks the path afresh."""
    path = tmp_path / "j.sqlite"
    lock_path = str(path) + ".lock"
    hold = journal_module._hold
    deleted: list[str] = []

    def hold_after_the_other_run_deleted_the_file(lock: sqlite3.Connection, where: str) -> None:
        if not deleted:
            Path(where).unlink()
            deleted.append(where)
        hold(lock, where)

    other_run = sqlite3.connect(lock_path, isolation_level=None)  # its lock file, written
    other_run.execute("CREATE TABLE holder (pid INTEGER)")
    other_run.close()
    monkeypatch.setattr(journal_module, "_hold", hold_after_the_other_run_deleted_the_file)
    journal = Journal(path)
    try:
        assert deleted == [lock_path]
        assert journal_module.journal_in_use(str(path)) is True
    finally:
        journal.close()
