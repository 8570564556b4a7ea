"""The journal's own guarantees: a batch is recorded whole or not at all (a run cut short inside
``add_batch`` resumes), and one run holds the journal under any spelling of its path."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from aigenstudio._catalog import journal as journal_module
from aigenstudio._catalog.journal import Journal, JournalBusyError
from aigenstudio._catalog.process import process_catalog
from aigenstudio.testing import FakeServer

from .conftest import creates, no_sleep, rows


def run(client: Any, images: Any, journal: Path | None, **extra: Any) -> Any:
    extra.setdefault("sleep", no_sleep)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


class _CtrlCBeforeItems:
    """A connection whose first INSERT INTO items is hit by Ctrl-C (after the batch row)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.armed = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def executemany(self, sql: str, rows: Any) -> Any:
        if self.armed and sql.startswith("INSERT INTO items"):
            self.armed = False
            raise KeyboardInterrupt
        return self._db.executemany(sql, rows)


def test_an_add_batch_cut_short_leaves_no_batch_behind(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = Journal(path)
    journal.start("ns", {"operation": "marketplace_clean"})
    journal._db = _CtrlCBeforeItems(journal._db)  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):
        journal.add_batch("idem_key_000000000001", [("https://img.test/1.jpg", "sku-1", 0)])
    journal.close()  # must not commit the batch row without its items
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM batches").fetchone() == (0,)
    db.close()
    again = Journal(path)
    again.start("ns", {"operation": "marketplace_clean"})
    assert again.add_batch("idem_key_000000000001", [("https://img.test/1.jpg", "sku-1", 0)]) == 0
    again.close()


def test_a_run_interrupted_inside_add_batch_resumes(
    server: FakeServer, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.sqlite"
    opened = Journal.__init__

    def interrupted(self: Journal, where: Any) -> None:
        opened(self, where)
        self._db = _CtrlCBeforeItems(self._db)  # type: ignore[assignment]

    monkeypatch.setattr(journal_module.Journal, "__init__", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(client, rows(range(5)), path)
    monkeypatch.undo()
    summary = run(client, rows(range(5)), path)  # was: UNIQUE constraint failed, on every rerun
    assert (summary.completed_count, creates(server)) == (5, 1)


def test_the_lock_holds_under_another_spelling_of_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    holder = Journal(path)
    os.symlink(path, tmp_path / "alias.sqlite")
    try:
        for other in (tmp_path / "alias.sqlite", tmp_path / "sub" / ".." / "state.sqlite"):
            (tmp_path / "sub").mkdir(exist_ok=True)
            with pytest.raises(JournalBusyError):
                Journal(other)
    finally:
        holder.close()
    Journal(tmp_path / "alias.sqlite").close()  # free again
