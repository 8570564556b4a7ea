"""The catalog journal: a SQLite file recording every item and job, written ahead of the API.

A batch and its idempotency key are committed before the create call, the job id right after
it, and the items' outcomes in the same transaction that marks the job terminal. Whatever
point a process dies at, a rerun finds either an open batch (re-sent with the same key, so
the API hands back the job it may already have: never a second charge) or finished items
(skipped). WAL mode with synchronous=NORMAL survives a killed process; after a power loss
the newest commits may be missing, and then the content-derived key still finds the job.

Each batch also records the fingerprint of the API key it was sent with (never the key), in
the same transaction as the batch, or in a commit of its own before its create call when an
open batch with no key is given one. Jobs, and perhaps idempotency keys, belong to the key
that created them, so a rerun resumes an open batch only through that key
(:class:`JournalKeyMissingError` if the run was not given it). NULL means no key holds a
job for the batch: never sent, or refused with a 4xx answer that created nothing.

The journal has one schema (``SCHEMA_VERSION``); a journal recording another one is refused
when opened (:class:`JournalFileError`), never converted.

One run at a time: a run holds an exclusive SQLite lock on a sidecar file (``<journal>.lock``,
next to the journal's real path, so a symlink to it takes the same lock) for its whole
duration. The operating system drops that lock when the process dies, so a crash never
leaves a stale lock behind, and a second concurrent run is refused at once. A run that ends
(cleanly, by an error or a signal) deletes the lock file while it still holds the lock; a
run that took the lock on a file deleted meanwhile takes it again on the new one.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
import urllib.parse
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .._core.api_facts import TERMINAL_JOB_STATUSES
from .._core.errors import AigenStudioError, public
from .._core.server_text import server_text
from .outcomes import ItemOutcome, utf8_text

__all__ = [
    "Journal",
    "JournalBusyError",
    "JournalFileError",
    "JournalKeyMissingError",
    "JournalKindMismatchError",
    "JournalMismatchError",
    "JournalRecord",
    "JournalStatus",
    "OpenBatch",
    "check_key_kind",
    "check_open_keys",
    "check_settings",
    "journal_error",
    "journal_in_use",
    "journal_settings",
    "open_read_only",
    "read_meta",
    "read_status",
    "same_file",
]

SCHEMA_VERSION = "2"  # the one schema this client reads and writes
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    job_id TEXT,
    status TEXT NOT NULL,          -- planned, submitted, then the job's terminal status
    images INTEGER NOT NULL,
    credits_used INTEGER,
    run INTEGER NOT NULL,
    updated_at REAL NOT NULL,
    key_fingerprint TEXT           -- the API key it was sent with (key_fingerprint); NULL: any
);
CREATE TABLE IF NOT EXISTS items (
    item_key TEXT PRIMARY KEY,     -- external_id, else source_url
    external_id TEXT,
    source_url TEXT NOT NULL,
    batch INTEGER NOT NULL REFERENCES batches(seq),
    pos INTEGER NOT NULL,          -- position in its batch's request
    status TEXT NOT NULL,          -- pending, completed, failed
    result_url TEXT, thumbnail_url TEXT, error_code TEXT, error_message TEXT,
    credits_used INTEGER,
    run INTEGER NOT NULL,          -- the last run whose input held this row
    row INTEGER NOT NULL           -- its position in that run's input
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_by_batch ON items (batch, pos);
"""
_OURS = {("table", "meta"), ("table", "batches"), ("table", "items"), ("index", "items_by_batch")}
_COLUMNS = {  # what a journal's tables hold
    "meta": {"name", "value"},
    "batches": {
        "seq", "idempotency_key", "job_id", "status", "images", "credits_used", "run", "updated_at",
        "key_fingerprint",
    },
    "items": {
        "item_key", "external_id", "source_url", "batch", "pos", "status", "result_url",
        "thumbnail_url", "error_code", "error_message", "credits_used", "run", "row",
    },
}  # fmt: skip
_RUNS = re.compile(r"[0-9]{1,15}")
_UUID_GLOB = "-".join("[0-9a-f]" * n for n in (8, 4, 4, 4, 12))  # as the journal writes job ids


def _text_or_null(column: str) -> tuple[str, str]:
    return f"{column} IS NOT NULL AND typeof({column}) != 'text'", f"its {column} is not text"


def _integer_or_null(column: str) -> tuple[str, str]:
    return f"{column} IS NOT NULL AND typeof({column}) != 'integer'", f"its {column} is not a whole number"


def _integer(column: str) -> tuple[str, str]:
    return f"typeof({column}) != 'integer'", f"its {column} is not a whole number"


# Per table: the column naming a record, and (SQL that is true for a faulty record, the fault).
_RECORD_CHECKS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("batches", "seq", [
        ("typeof(idempotency_key) != 'text'", "it has no idempotency key"),
        (f"job_id IS NOT NULL AND (typeof(job_id) != 'text' OR job_id NOT GLOB '{_UUID_GLOB}')",
         "its job id is not a UUID"),
        ("typeof(status) != 'text'", "it has no status"),
        _integer("images"), _integer("run"),
        _integer_or_null("credits_used"),
        ("key_fingerprint IS NOT NULL AND (typeof(key_fingerprint) != 'text'"
         f" OR key_fingerprint NOT GLOB '{'[0-9a-f]' * 12}')", "its key fingerprint is not 12 hex digits"),
    ]),
    ("items", "item_key", [
        ("typeof(item_key) != 'text'", "its key is not text"),
        ("typeof(source_url) != 'text'", "it has no source_url"),
        _text_or_null("external_id"),
        ("typeof(batch) != 'integer' OR NOT EXISTS (SELECT 1 FROM batches b WHERE b.seq = items.batch)",
         "its batch is not in the journal"),
        _integer("pos"),
        ("typeof(status) != 'text' OR status NOT IN ('pending', 'completed', 'failed')",
         "its status is not pending, completed or failed"),
        *map(_text_or_null, ("result_url", "thumbnail_url", "error_code", "error_message")),
        _integer_or_null("credits_used"),
        _integer("run"), _integer("row"),
    ]),
]  # fmt: skip
BUSY_TIMEOUT = 10.0  # seconds to wait for another process's write lock before JournalBusyError
_SEEN_PER_COMMIT = 5000
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
TERMINAL = tuple(sorted(TERMINAL_JOB_STATUSES))  # SQL parameters, in a stable order


@public
class JournalBusyError(AigenStudioError):
    """Another process is running a catalog on this journal."""


@public
class JournalMismatchError(AigenStudioError):
    """The journal was started with other job options; resuming would mix two runs."""


@public
class JournalKindMismatchError(JournalMismatchError):
    """The journal holds the verdicts of another kind of key (sandbox vs live).

    A sandbox key's jobs are simulated: a live run must not skip rows as "already done" on
    their strength (nor copy their result URLs), and a sandbox run must not stand in for live
    jobs. The kind is recorded with the journal's other settings when a run first starts.
    """

    def __init__(self, path: str, recorded: str, given: str) -> None:
        self.recorded, self.given = recorded, given
        if recorded == UNRECORDED:
            super().__init__(
                f"the journal {path} was written by an older version that did not record whether "
                f"its keys were sandbox or live, so this {given} run cannot trust its finished rows "
                "(sandbox results are simulated); use another journal for this run, or, if every "
                f"earlier run of this journal used {given} keys, record that first: "
                f'sqlite3 {path} "{_record_kind_statement(given)}"'
            )
            return
        super().__init__(
            f"the journal {path} holds the results of {recorded} API keys, and this run's keys are "
            f"{given}: {_KIND_WORDS.get(recorded, recorded)} results are never reused by a {given} "
            f"run; use another journal for the {given} run (or {recorded} keys to resume this one)"
        )


_KIND_WORDS = {"sandbox": "simulated sandbox", "live": "charged live"}


def _record_kind_statement(kind: str) -> str:
    """The SQL an operator runs to record an old journal's key kind (quoted in a message)."""
    return "INSERT INTO meta VALUES ('key_kind', '" + kind + "')"  # noqa: S608  (shown, not run)


UNRECORDED = "unrecorded"  # a journal with runs and no key kind: written before the kind was recorded


def check_key_kind(path: str, meta: dict[str, Any], given: str | None) -> None:
    """JournalKindMismatchError if the journal (its ``meta``) recorded one kind of key and the
    run has another, or if a live run meets a journal whose earlier runs did not record their
    kind (written before it was recorded): its "done" rows may be simulated sandbox results."""
    recorded = meta.get("key_kind")
    if recorded is None and given == "live" and "runs" in meta:
        raise JournalKindMismatchError(path, UNRECORDED, given)
    if recorded is not None and given is not None and recorded != given:
        raise JournalKindMismatchError(path, recorded, given)


@public
class JournalFileError(AigenStudioError, ValueError):
    """The journal path names a file that is not a journal (not SQLite, or damaged)."""


@public
class JournalKeyMissingError(AigenStudioError):
    """An open batch was sent with an API key that no client of this run has.

    Its job (and perhaps its idempotency key) belongs to that key: another key could not
    see the job, or would be charged again for its images. Nothing is sent; pass the key
    again. ``missing`` maps each absent key's fingerprint to its open batches' numbers.
    """

    def __init__(self, path: str, missing: dict[str, list[int]]) -> None:
        self.missing = missing
        parts = [
            f"batch{'es' if len(seqs) > 1 else ''} {', '.join(map(str, seqs))} with the key {fingerprint}"
            for fingerprint, seqs in missing.items()
        ]
        super().__init__(
            f"the journal {path} has open {'; '.join(parts)} (key fingerprints), and no client of "
            "this run has that key; pass that API key again (with the others) to resume: another "
            "key could not see those jobs, or could be charged again for their images"
        )


def check_open_keys(
    path: str, opened: Iterable[tuple[int, str | None]], fingerprints: Sequence[str | None]
) -> None:
    """JournalKeyMissingError unless every open batch (batch number, key fingerprint) was sent
    with a key among ``fingerprints`` (the run's keys), or with none."""
    missing: dict[str, list[int]] = {}
    for seq, fingerprint in opened:
        if fingerprint is not None and fingerprint not in fingerprints:
            missing.setdefault(fingerprint, []).append(seq)
    if missing:
        raise JournalKeyMissingError(path, missing)


@dataclass(frozen=True)
class JournalRecord:
    """What the journal knows of one item when its row is read again."""

    status: str
    run: int
    outcome: ItemOutcome


@dataclass(frozen=True)
class OpenBatch:
    """A batch recorded but not finished: re-sent with its key, or re-attached by job id."""

    seq: int
    idempotency_key: str
    job_id: str | None
    images: list[tuple[str, str | None]]  # (source_url, external_id) in request order
    key_fingerprint: str | None = None  # the key it was sent with; None: any key
    rows: list[int] | None = None  # each image's row in the input of the run that last read it


class JournalReader:
    """Reading a journal: what a run looks up, and what stays readable after it."""

    _db: sqlite3.Connection
    path: str = ""
    _in_tx: bool = False
    _unsaved: int = 0

    def lookup(self, key: str) -> JournalRecord | None:
        found = self._db.execute(
            "SELECT i.status, i.run, i.external_id, i.source_url, i.batch, b.job_id, i.result_url,"
            " i.error_code, i.error_message, i.thumbnail_url, i.credits_used"
            " FROM items i JOIN batches b ON b.seq = i.batch WHERE i.item_key = ?",
            (key,),
        ).fetchone()
        if found is None:
            return None
        status, run, external_id, source_url, batch, job_id, result, code, message, thumb, credits = found
        outcome = ItemOutcome(
            external_id, "completed", _uuid(job_id), batch, result_url=result, error_code=code,
            error_message=message, thumbnail_url=thumb, source_url=source_url, credits_used=credits,
        )  # fmt: skip
        return JournalRecord(status, run, outcome)

    def open_batches(self) -> list[OpenBatch]:
        """Batches recorded but not terminal, oldest first (a rerun finishes these first)."""
        marks = ",".join("?" * len(TERMINAL))
        query = f"SELECT seq, idempotency_key, job_id, key_fingerprint FROM batches WHERE status NOT IN ({marks}) ORDER BY seq"  # noqa: S608, E501
        rows = self._db.execute(query, TERMINAL).fetchall()
        return [self._open_batch(seq, key, job_id, fingerprint) for seq, key, job_id, fingerprint in rows]

    def _open_batch(self, seq: int, key: str, job_id: str | None, fingerprint: str | None) -> OpenBatch:
        items = self._db.execute(
            "SELECT source_url, external_id, row FROM items WHERE batch = ? ORDER BY pos", (seq,)
        ).fetchall()
        images = [(url, ext) for url, ext, _ in items]
        return OpenBatch(seq, key, job_id, images, fingerprint, [row for _, _, row in items])

    def _begin(self) -> None:
        if not self._in_tx:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if _is_busy(error):  # another program holds a write lock on the journal
                    raise journal_error(self.path, error) from None
                raise
            self._in_tx = True

    def _commit(self) -> None:
        self._unsaved = 0
        if self._in_tx:
            self._db.execute("COMMIT")
            self._in_tx = False

    def _rollback(self) -> None:
        """Drop the open transaction (SQLite may have dropped it already, on some errors)."""
        self._unsaved = 0
        self._in_tx = False
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _tx(self) -> _Transaction:
        return _Transaction(self)

    def _write(self, sql: str, *values: object) -> None:
        """Every write goes through here or _write_rows: each value made storable first."""
        self._db.execute(sql, tuple(map(storable, values)))

    def _write_rows(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        self._db.executemany(sql, (tuple(map(storable, row)) for row in rows))


class JournalWriter(JournalReader):
    """The writes a run makes, each in its own transaction (``seen`` batched)."""

    run: int

    def seen(self, key: str, row: int) -> None:
        """Note that this run's input holds ``key`` at ``row`` (committed with the next batch)."""
        self._begin()
        self._write("UPDATE items SET run = ?, row = ? WHERE item_key = ?", self.run, row, key)
        self._unsaved += 1
        if self._unsaved >= _SEEN_PER_COMMIT:  # a long stretch of skipped rows: keep the WAL short
            self._commit()

    def add_batch(
        self, key: str, images: Sequence[tuple[str, str | None, int]], fingerprint: str | None = None
    ) -> int:
        """Write-ahead: record a batch (source_url, external_id, row), its idempotency key and
        the fingerprint of the API key it goes to; commit.

        All or nothing: whatever stops it half-way (an error, Ctrl-C) rolls the batch back,
        so no batch is ever recorded without its items.
        """
        self._begin()
        try:
            (seq,) = self._db.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM batches").fetchone()
            self._write(
                "INSERT INTO batches (seq, idempotency_key, status, images, run, updated_at, key_fingerprint)"
                " VALUES (?, ?, 'planned', ?, ?, ?, ?)",
                seq,
                key,
                len(images),
                self.run,
                time.time(),
                fingerprint,
            )
            self._write_rows(
                "INSERT INTO items (item_key, external_id, source_url, batch, pos, status, run, row)"
                " VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                [
                    (ext or url, ext, url, seq, pos, self.run, row)
                    for pos, (url, ext, row) in enumerate(images)
                ],
            )
            self._commit()
        except BaseException:
            self._rollback()
            raise
        return int(seq)

    def set_key(self, seq: int, fingerprint: str | None) -> None:
        """The key an open batch goes to (before its create), or None: any key (create refused)."""
        with self._tx():
            self._write(
                "UPDATE batches SET key_fingerprint = ?, updated_at = ? WHERE seq = ?",
                fingerprint,
                time.time(),
                seq,
            )

    def set_job(self, seq: int, job_id: str) -> None:
        with self._tx():
            self._write(
                "UPDATE batches SET job_id = ?, status = 'submitted', updated_at = ? WHERE seq = ?",
                job_id,
                time.time(),
                seq,
            )

    def finish_batch(self, seq: int, status: str, credits: int | None, outcomes: list[ItemOutcome]) -> None:
        """The job's terminal status and every item's outcome, in one transaction."""
        with self._tx():
            self._write(
                "UPDATE batches SET status = ?, credits_used = ?, updated_at = ? WHERE seq = ?",
                status,
                credits,
                time.time(),
                seq,
            )
            self._write_rows(
                "UPDATE items SET status = ?, result_url = ?, thumbnail_url = ?, error_code = ?,"
                " error_message = ?, credits_used = ? WHERE item_key = ?",
                [
                    (
                        o.status,
                        o.result_url,
                        o.thumbnail_url,
                        o.error_code,
                        o.error_message,
                        o.credits_used,
                        o.key,
                    )
                    for o in outcomes
                ],
            )


class Journal(JournalWriter):
    """One catalog's durable state; see the module docstring for the guarantees."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        real = os.path.realpath(self.path)  # one lock whatever the spelling (symlink, ./, ..)
        self._lock_path = real + ".lock"
        self._lock = _take_lock(self._lock_path)
        try:
            self._db = _open(real, self.path)
        except BaseException:
            self._lock.close()
            raise
        self.run = 0
        self._in_tx = False
        self._unsaved = 0

    def start(self, namespace: str, options: dict[str, Any], key_kind: str | None = None) -> None:
        """Check (or record) what the journal was started with, and open a new run.

        ``key_kind`` (``"sandbox"``, ``"live"``...; None: unknown, not checked) is recorded by
        the first run that knows it; a run with another kind is refused
        (:class:`JournalKindMismatchError`)."""
        wanted = journal_settings(namespace, options, key_kind)
        with self._tx():
            stored = _meta(self._db)
            check_settings(self.path, stored, wanted)
            for name, value in wanted.items():
                self._write("INSERT OR IGNORE INTO meta VALUES (?, ?)", name, value)
            self.run = int(stored.get("runs", "0")) + 1
            self._write("INSERT OR REPLACE INTO meta VALUES ('runs', ?)", str(self.run))

    def close(self, commit: bool = True) -> None:
        """Commit the pending bookkeeping (``seen``), or with ``commit=False`` (the run failed)
        drop it; every batch and outcome was committed on its own. The lock goes either way."""
        try:
            if commit:
                self._commit()
            else:
                self._rollback()
        finally:
            self._db.close()
            _release_lock(self._lock, self._lock_path)


def journal_settings(namespace: str, options: dict[str, Any], key_kind: str | None) -> dict[str, str]:
    """What a run records in the journal's meta, and checks against what it recorded before."""
    wanted = {"schema": SCHEMA_VERSION, "namespace": utf8_text(namespace), "options": _canon(options)}
    if key_kind is not None:
        wanted["key_kind"] = key_kind
    return wanted


def check_settings(path: str, stored: dict[str, Any], wanted: dict[str, str]) -> None:
    """JournalMismatchError (or JournalKindMismatchError) if the journal at ``path`` (its meta,
    ``stored``) was started with other settings than ``wanted`` (:func:`journal_settings`)."""
    check_key_kind(path, stored, wanted.get("key_kind"))
    for name, value in wanted.items():
        if name in stored and stored[name] != value:
            raise JournalMismatchError(
                f"the journal {path} was started with {name} {stored[name]}, not {value}; "
                "use the same settings to resume, or another journal for another run"
            )


def storable(value: object) -> object:
    """``value`` as SQLite can store it, whatever the server sent: an int clamped to 64 bits
    (SQLite's INTEGER; a count beyond is no count anyone can use), text as UTF-8 can carry
    it (a lone surrogate escaped, :func:`utf8_text`); anything else as is."""
    if isinstance(value, int):
        return min(max(value, _INT64_MIN), _INT64_MAX)
    if isinstance(value, str):
        return utf8_text(value)
    return value


class _Transaction:
    def __init__(self, journal: JournalReader) -> None:
        self._journal = journal

    def __enter__(self) -> None:
        self._journal._begin()

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is None:
            self._journal._commit()
        else:
            self._journal._rollback()


def _open(real: str, path: str) -> sqlite3.Connection:
    """The journal's database, its schema created if missing, once it is known to be ours.

    Nothing is written (not even the switch to WAL) before :func:`_check_ours` has read that
    the file is our journal, an empty database or a new file; the records are checked too.
    """
    db = sqlite3.connect(real, isolation_level=None, timeout=BUSY_TIMEOUT)
    with _closed_on_error(db, path):
        _check_ours(db, path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        _check_records(db, path)
    return db


def open_read_only(path: str) -> sqlite3.Connection:
    """A journal to read (``catalog status``, a dry run): never written, checked like a run's.

    JournalFileError if it is not a journal (another application's database, an empty file)
    or damaged; JournalBusyError if another process holds it locked.

    Opened for writing where the file allows it (``mode=rw``, never created) but with
    ``query_only`` on, so no statement writes: a read-only connection cannot remove the
    ``-wal``/``-shm`` files SQLite makes for a WAL journal, and they would stay behind after
    ``catalog status``; this one, the last to close, lets SQLite tidy them as a run does. A
    write-protected file is opened read-only by SQLite itself.
    """
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=rw"
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT)
    except sqlite3.DatabaseError as error:
        raise journal_error(path, error) from None
    with _closed_on_error(db, path):
        db.execute("PRAGMA query_only=ON")
        if not _check_ours(db, path):
            raise JournalFileError(f"{path} holds no catalog journal yet (an empty database)")
        _check_records(db, path)
    return db


@contextmanager
def _closed_on_error(db: sqlite3.Connection, path: str) -> Iterator[None]:
    """Close ``db`` if the block fails; an SQLite error becomes what it means for the journal."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        db.close()
        raise journal_error(path, error) from None
    except BaseException:
        db.close()
        raise


@dataclass(frozen=True, slots=True)
class JournalStatus:
    """What ``catalog status`` shows: the run's settings, counts, and the batches left open."""

    meta: dict[str, Any]
    items: dict[str, int]  # item status -> count
    finished_jobs: int
    open_jobs: list[tuple[int, str | None, str | None]]  # (batch, job id, key fingerprint)
    credits_used: int


def read_status(path: str) -> JournalStatus:
    """The journal at ``path`` summed up, read-only (checked as ``open_read_only`` does); an
    open batch is one whose status is not terminal, as for a rerun (``open_batches``)."""
    db = open_read_only(path)
    try:
        jobs = db.execute(
            "SELECT seq, job_id, status, credits_used, key_fingerprint FROM batches ORDER BY seq"
        ).fetchall()
        terminal = set(TERMINAL)
        return JournalStatus(
            meta=_meta(db),
            items=dict(db.execute("SELECT status, COUNT(*) FROM items GROUP BY status").fetchall()),
            finished_jobs=sum(1 for _, _, status, _, _ in jobs if status in terminal),
            open_jobs=[(seq, job, key) for seq, job, status, _, key in jobs if status not in terminal],
            # Summed here, not by SQL: SUM stops at 64 bits, and each batch may hold up to that
            # much (the journal clamps a larger count there).
            credits_used=sum(credits for _, _, _, credits, _ in jobs if credits),
        )
    finally:
        db.close()


def read_meta(path: str) -> dict[str, Any]:
    """What the journal at ``path`` was started with (namespace, options, key kind, runs)."""
    db = open_read_only(path)
    try:
        return _meta(db)
    finally:
        db.close()


def _meta(db: sqlite3.Connection) -> dict[str, Any]:
    return dict(db.execute("SELECT name, value FROM meta").fetchall())


def journal_error(path: str, error: sqlite3.DatabaseError) -> AigenStudioError:
    """What an SQLite error on the journal means: busy (another process holds it locked:
    wait, never start afresh) or a file that is not a journal (or is damaged past reading)."""
    if _is_busy(error):
        return JournalBusyError(
            f"the journal {path} is locked by another process (another catalog run, or a program "
            "writing to it); wait for it to finish (or stop it), then run the same command again"
        )
    return JournalFileError(
        f"{path} is not a catalog journal ({error}); give --journal/journal= "
        "a new file name, or the journal of an earlier run"
    )


def _is_busy(error: sqlite3.Error) -> bool:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(error) or "busy" in str(error)


def _check_ours(db: sqlite3.Connection, path: str) -> bool:
    """JournalFileError unless every table and index is one of a journal's (with its columns);
    True when the journal's tables are there, False for an empty database. Reads only."""
    found = db.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
    ).fetchall()
    strangers = sorted(str(name) for kind, name in found if (kind, name) not in _OURS)
    if not strangers and _COLUMNS["meta"] <= _columns(db, "meta"):
        _check_schema(db, path)  # before the columns: another schema's tables hold others
    for table, needed in _COLUMNS.items():
        columns = _columns(db, table)
        if columns and not needed <= columns:
            strangers.append(f"{table} ({', '.join(sorted(map(str, columns)))})")
    if strangers:
        listed = ", ".join(map(_quoted, strangers[:5]))
        raise JournalFileError(
            f"{path} is an SQLite database of something else (it holds {listed}), not a catalog "
            "journal; it was left as it was: give --journal/journal= a new file name, or the "
            "journal of an earlier run"
        )
    return bool(found)


def _columns(db: sqlite3.Connection, table: str) -> set[object]:
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def _check_schema(db: sqlite3.Connection, path: str) -> None:
    """JournalFileError if the journal records another schema than this client's (reads only)."""
    stored = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
    if stored is not None and stored[0] != SCHEMA_VERSION:
        raise JournalFileError(
            f"the journal {path} was written with schema {_quoted(stored[0])}, and this version of "
            f"the client reads schema {SCHEMA_VERSION!r} only; it was left as it was: give "
            "--journal/journal= a new file name (a new journal does not know what this one recorded)"
        )


def _check_records(db: sqlite3.Connection, path: str) -> None:
    """JournalFileError naming the first record a run could not use (reads only)."""
    runs = db.execute("SELECT value FROM meta WHERE name = 'runs'").fetchone()
    if runs is not None and not (isinstance(runs[0], str) and _RUNS.fullmatch(runs[0])):
        raise _damaged(path, "its run counter is not a number of runs")
    for table, name, checks in _RECORD_CHECKS:
        cases = " ".join(f"WHEN {condition} THEN {index}" for index, (condition, _) in enumerate(checks))
        query = f"SELECT {name}, CASE {cases} END AS fault FROM {table} WHERE fault IS NOT NULL LIMIT 1"  # noqa: S608
        found = db.execute(query).fetchone()
        if found is not None:
            which = (
                f"batch {found[0]}"
                if table == "batches"
                else f"item {server_text(utf8_text(str(found[0])), 80)!r}"
            )
            raise _damaged(path, f"{which}: {checks[found[1]][1]}")


def _quoted(value: object) -> str:
    """A value read from a damaged or foreign file, safe to print in one line."""
    return repr(server_text(utf8_text(str(value)), 80))


def _damaged(path: str, fault: str) -> JournalFileError:
    return JournalFileError(
        f"the journal {path} is damaged: {fault}; restore it from a copy, or give "
        "--journal/journal= a new file name (a new journal does not know what this one recorded)"
    )


def _take_lock(path: str) -> sqlite3.Connection:
    """The run's exclusive lock on ``path``, on the file that is there once the lock is held
    (a run ending meanwhile deletes the file it locked: that lock would lock nothing)."""
    for _ in range(_LOCK_ATTEMPTS):
        lock = sqlite3.connect(path, isolation_level=None, timeout=0.0)  # opens (creates) the file
        opened = _identity(path)
        if _held_where_opened(lock, path, opened):
            return lock
        lock.close()  # the file was deleted or replaced under us: lock the one there now
    raise JournalBusyError(f"the journal's lock file {path} keeps being replaced; try again")


def _held_where_opened(lock: sqlite3.Connection, path: str, opened: tuple[int, int] | None) -> bool:
    """Lock ``lock`` (:func:`_hold`): True if the file at ``path`` is still the one ``opened``,
    False if it was deleted or replaced meanwhile (a run ending deletes its lock file; SQLite
    then refuses to write the deleted one: SQLITE_READONLY_DBMOVED, or an I/O error)."""
    try:
        _hold(lock, path)
    except sqlite3.OperationalError:
        if opened is not None and _identity(path) == opened:
            raise
        return False
    return opened is not None and _identity(path) == opened


_LOCK_ATTEMPTS = 5


def _identity(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def _release_lock(lock: sqlite3.Connection, path: str) -> None:
    """Delete the lock file while holding the lock, then drop the lock (and its rollback file)."""
    try:
        os.unlink(path)
    except OSError:  # Windows keeps an open file; another user's directory: leave it
        pass
    finally:
        lock.close()


def journal_in_use(path: str) -> bool:
    """True when a run holds the journal at ``path`` now (its lock cannot be taken); reads only."""
    lock_path = os.path.realpath(path) + ".lock"
    if not os.path.exists(lock_path):
        return False
    probe = sqlite3.connect(lock_path, isolation_level=None, timeout=0.0)
    try:
        probe.execute("BEGIN EXCLUSIVE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError as error:
        return _is_busy(error)
    finally:
        probe.close()
    return False


def _hold(lock: sqlite3.Connection, path: str) -> None:
    """Take the exclusive SQLite lock of ``lock`` (on ``path``); JournalBusyError if held."""
    try:
        lock.execute("CREATE TABLE IF NOT EXISTS holder (pid INTEGER)")
        lock.execute("BEGIN EXCLUSIVE")
    except sqlite3.OperationalError as error:
        lock.close()
        if not _is_busy(error):
            raise
        raise JournalBusyError(
            f"another catalog run is using the journal {path.removesuffix('.lock')}; "
            "wait for it to finish (or stop it) before starting this one"
        ) from None
    lock.execute("DELETE FROM holder")
    lock.execute("INSERT INTO holder VALUES (?)", (os.getpid(),))


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def same_file(one: str, other: str) -> bool:
    """The same file under two names (symlinks and ``..`` resolved; hard links too, if both exist)."""
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False
