"""What ``--journal`` / ``journal=`` may name: our journal, a new path or an empty file; nothing else.

Another application's SQLite database is refused before anything is written to it (not even
the switch to WAL): it is left byte for byte as it was. A damaged journal (a job id that is
not a UUID, an absurd run counter, a NULL where a value must be) is a one-line error naming
the file and the fault, exit 2, with nothing sent. A journal locked by another process is
"busy" (exit 4), never "not a journal": that advice would start a new journal and forget
what the old one recorded.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aigenstudio._catalog import journal as journal_module
from aigenstudio._catalog.cli import EXIT_CODES
from aigenstudio._catalog.journal import Journal, JournalBusyError, JournalFileError
from aigenstudio._catalog.process import process_catalog
from aigenstudio.testing import FakeServer

from .conftest import creates, no_sleep, reads, rows
from .test_cli import cli, write_csv

FAST = {"poll_interval": 0.001, "max_interval": 0.001, "sleep": no_sleep}


def run(client: Any, journal: Path, count: int = 3, **extra: Any) -> Any:
    return process_catalog(
        client, rows(range(count)), namespace="c", journal=journal, operation="marketplace_clean",
        **{**FAST, **extra},
    )  # fmt: skip


def cli_args(catalog: Path, journal: Path, *extra: str) -> list[str]:
    return ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", str(journal),
            "--no-progress", "--namespace", "c", *extra]  # fmt: skip


def foreign_database(path: Path, table: str = "customers") -> Path:
    db = sqlite3.connect(path)
    db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute(f"INSERT INTO {table} (name) VALUES ('Ada')")
    db.commit()
    db.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line(out: str) -> bool:
    return out.count("\n") == 1 and "Traceback" not in out


@pytest.mark.parametrize("table", ["customers", "items"])
def test_another_applications_database_is_never_modified(
    server: FakeServer, client: Any, tmp_path: Path, table: str
) -> None:
    database = foreign_database(tmp_path / "app.sqlite", table)
    before = digest(database)
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    with pytest.raises(JournalFileError, match="not a catalog journal"):
        run(client, database)
    for extra in ((), ("--dry-run",)):
        code, out = cli(server, *cli_args(catalog, database, *extra))
        assert code == EXIT_CODES["input"], out
        assert one_line(out), out
        assert str(database) in out
    code, out = cli(server, "catalog", "status", "--journal", str(database))
    assert code == EXIT_CODES["input"], out
    assert one_line(out), out
    assert digest(database) == before  # not switched to WAL, no table added
    assert not Path(f"{database}-wal").exists()
    assert creates(server) == 0


def test_an_empty_file_or_a_new_path_becomes_a_journal(client: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    assert run(client, empty).completed_count == 3
    assert run(client, tmp_path / "new.sqlite").completed_count == 3


def _set(sql: str) -> Callable[[sqlite3.Connection], object]:
    return lambda db: db.execute(sql)


def _null_source_url(db: sqlite3.Connection) -> None:
    """Damage past the schema's NOT NULL (as a hand-edited or half-restored file may be)."""
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'source_url TEXT NOT NULL', 'source_url TEXT')"
        " WHERE name = 'items'"
    )
    db.commit()
    db.execute("PRAGMA writable_schema = OFF")


DAMAGE: dict[str, tuple[list[Callable[[sqlite3.Connection], object]], str]] = {
    "job id not a uuid": ([_set("UPDATE batches SET job_id = 'not-a-uuid' WHERE seq = 0")], "batch 0"),
    "job id a path": ([_set("UPDATE batches SET job_id = '../../admin' WHERE seq = 0")], "batch 0"),
    "runs not a number": ([_set("UPDATE meta SET value = 'many' WHERE name = 'runs'")], "run"),
    "runs absurd": ([_set("UPDATE meta SET value = '99999999999999999999999' WHERE name = 'runs'")], "run"),
    "credits not a number": ([_set("UPDATE items SET credits_used = 'lots'")], "credits_used"),
    "null source_url": (
        [_null_source_url, _set("UPDATE items SET source_url = NULL WHERE item_key = 'sku-001'")],
        "source_url",
    ),
    "item of no batch": ([_set("UPDATE items SET batch = 7 WHERE item_key = 'sku-001'")], "batch"),
}


def damage(path: Path, steps: list[Callable[[sqlite3.Connection], object]]) -> None:
    for step in steps:
        db = sqlite3.connect(path)
        step(db)
        db.commit()
        db.close()


@pytest.mark.parametrize(("steps", "named"), DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_journal_is_one_line_exit_2_and_nothing_is_sent(
    server: FakeServer, client: Any, tmp_path: Path, steps: Any, named: str
) -> None:
    journal = tmp_path / "state.sqlite"
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    code, _ = cli(server, *cli_args(catalog, journal))
    assert code == 0
    damage(journal, steps)
    created, read = creates(server), len(reads(server))
    with pytest.raises(JournalFileError, match="damaged"):
        run(client, journal)
    for argv in (cli_args(catalog, journal), ["catalog", "status", "--journal", str(journal)]):
        code, out = cli(server, *argv)
        assert code == EXIT_CODES["input"], out
        assert one_line(out), out
        assert str(journal) in out
        assert "damaged" in out
        assert named in out
    assert (creates(server), len(reads(server))) == (created, read)  # nothing sent


def test_an_open_batch_with_a_damaged_job_id_is_never_polled(
    server: FakeServer, client: Any, tmp_path: Path
) -> None:
    journal = tmp_path / "state.sqlite"

    def stop(step: str, _seq: int) -> None:
        if step == "created":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(client, journal, on_step=stop)
    damage(journal, [_set("UPDATE batches SET job_id = '../../admin?x=1'")])
    read = len(reads(server))
    with pytest.raises(JournalFileError, match="batch 0"):
        run(client, journal)
    assert len(reads(server)) == read


def test_a_locked_journal_is_busy_not_foreign(
    server: FakeServer, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal_module, "BUSY_TIMEOUT", 0.01)
    journal = tmp_path / "state.sqlite"
    run(client, journal)
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    holder = sqlite3.connect(journal, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program writing to it
    try:
        with pytest.raises(JournalBusyError, match="locked"):
            run(client, journal)
        code, out = cli(server, *cli_args(catalog, journal))
        assert code == EXIT_CODES["journal"], out
        assert one_line(out), out
        assert "not a catalog journal" not in out
        assert "new file" not in out
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert run(client, journal).skipped_count == 3  # free again, nothing lost


def test_a_fresh_journal_passes_the_checks(client: Any, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    run(client, journal, count=45)
    Journal(journal).close()


@pytest.mark.parametrize(
    ("schema", "older"),
    [("1", True), ("3", False)],
    ids=["an-older-schema-without-key-fingerprints", "a-newer-schema"],
)
def test_a_journal_of_another_schema_is_refused_and_left_as_it_was(
    client: Any, tmp_path: Path, schema: str, older: bool
) -> None:
    # The journal has one schema: any other is refused by name before any write (no migration).
    journal = tmp_path / "state.sqlite"
    run(client, journal)
    db = sqlite3.connect(journal)
    if older:
        db.execute("ALTER TABLE batches DROP COLUMN key_fingerprint")
    db.execute("UPDATE meta SET value = ? WHERE name = 'schema'", (schema,))
    db.commit()
    db.close()
    before = digest(journal)
    for opening in (Journal, journal_module.open_read_only):
        with pytest.raises(JournalFileError, match=rf"schema '{schema}'.*reads schema '2' only") as refused:
            opening(str(journal))
        assert "\n" not in str(refused.value)
    assert digest(journal) == before


@pytest.mark.parametrize("command", ["run", "dry-run", "status"])
def test_a_journal_that_is_not_sqlite_is_exit_2(server: FakeServer, tmp_path: Path, command: str) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(2)))
    journal = tmp_path / "notes.txt"
    journal.write_text("not a database\n" * 100)
    if command == "status":
        argv = ["catalog", "status", "--journal", str(journal)]
    else:
        argv = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", str(journal),
                "--no-progress", *(["--dry-run"] if command == "dry-run" else [])]  # fmt: skip
    code, out = cli(server, *argv)
    assert code == EXIT_CODES["input"], out
    assert "not a database" in out
    assert journal.read_text() == "not a database\n" * 100
    with pytest.raises(JournalFileError):
        Journal(journal)
