"""A journal written before the key kind was recorded is not trusted by a live run.

Before: such a journal has no ``key_kind`` in its meta, and the kind check let any run
through. A sandbox catalog run before the kind was recorded, then the same command with a live key after the
upgrade: every row "already done", no live job, the simulated result URLs copied into the
live results file (exit 0), and the journal then recorded as ``live``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from aigenstudio._catalog.journal import JournalKindMismatchError
from aigenstudio.testing import FakeServer

from .conftest import creates
from .test_cli import write_csv
from .test_slots_key_kinds import LIVE, SANDBOX, bare, cli, run, run_args


@pytest.fixture
def server(server: FakeServer) -> FakeServer:
    """The fake with live keys let in (their runs spend its simulated paid balance)."""
    server.api.allow_live_keys = True
    return server


def _without_key_kind(journal: Path) -> None:
    """What a run before the key kind was recorded left: no ``key_kind`` in the meta."""
    db = sqlite3.connect(journal)
    db.execute("DELETE FROM meta WHERE name = 'key_kind'")
    db.commit()
    db.close()


def test_a_live_run_does_not_trust_a_journal_whose_key_kind_was_not_recorded(
    server: FakeServer, tmp_path: Path
) -> None:
    journal, results = tmp_path / "state.sqlite", tmp_path / "live.jsonl"
    assert run(bare(server, SANDBOX), journal).completed_count == 5
    _without_key_kind(journal)
    created = creates(server)
    with pytest.raises(JournalKindMismatchError, match="did not record") as refused:
        run(bare(server, LIVE), journal, results=results)
    assert str(journal) in str(refused.value)
    assert "INSERT INTO meta VALUES ('key_kind', 'live')" in str(refused.value)  # the way out
    assert creates(server) == created  # nothing sent
    assert not results.exists()  # no simulated URL in the live results
    db = sqlite3.connect(journal)
    assert db.execute("SELECT value FROM meta WHERE name = 'key_kind'").fetchone() is None  # not relabelled
    db.execute("INSERT INTO meta VALUES ('key_kind', 'live')")  # the operator takes it
    db.commit()
    db.close()
    assert run(bare(server, LIVE), journal).skipped_count == 5


def test_a_sandbox_run_still_resumes_such_a_journal(server: FakeServer, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    run(bare(server, SANDBOX), journal)
    _without_key_kind(journal)
    assert run(bare(server, SANDBOX), journal).skipped_count == 5


@pytest.mark.parametrize("dry", [False, True], ids=["run", "dry-run"])
def test_cli_live_key_on_such_a_journal_is_exit_4(server: FakeServer, tmp_path: Path, dry: bool) -> None:
    catalog = write_csv(
        tmp_path / "c.csv", [{"source_url": f"https://img.example/{i}.jpg"} for i in range(3)]
    )
    journal = str(tmp_path / "state.sqlite")
    args = run_args(catalog, journal)
    assert cli(server, *args, "--api-key", SANDBOX)[0] == 0
    _without_key_kind(Path(journal))
    code, out = cli(server, *args, "--api-key", LIVE, *(["--dry-run"] if dry else []))
    assert code == 4, out
    assert "already done" not in out
    assert "did not record" in out
    assert creates(server) == 1
