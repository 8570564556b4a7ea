"""Sandbox and live keys never share a journal's verdicts, and one run never mixes them.

A sandbox key (``aigen_test_``) simulates: its result URLs are not real images. A live run
on a journal a sandbox run filled would skip every row as "already done", create no job and
copy the simulated URLs into the live results file; a run given one key of each kind would
split its batches between simulated and charged jobs.
"""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from aigenstudio import Client
from aigenstudio._catalog.cli import EXIT_CODES, main
from aigenstudio._catalog.journal import JournalKindMismatchError, JournalMismatchError
from aigenstudio._catalog.process import process_catalog
from aigenstudio._catalog.slots import client_key_kind
from aigenstudio._core.errors import ConfigurationError
from aigenstudio.testing import FakeServer
from aigenstudio_client.client import AuthenticatedClient

from .conftest import creates, finish_after, no_sleep, rows
from .test_cli import write_csv

SANDBOX, LIVE = "aigen_test_kinds0123456789", "aigen_live_kinds0123456789"
FAST = {"poll_interval": 0.001, "max_interval": 0.001, "sleep": no_sleep}


@pytest.fixture
def server(server: FakeServer) -> FakeServer:
    """The fake with live keys let in (their runs spend its simulated paid balance)."""
    server.api.allow_live_keys = True
    return server


def bare(server: FakeServer, key: str) -> Any:
    return AuthenticatedClient(base_url=server.base_url, token=key)


def run(clients: Any, journal: Path, **extra: Any) -> Any:
    return process_catalog(
        clients, rows(range(5)), namespace="kinds", journal=journal, operation="marketplace_clean",
        **{**FAST, **extra},
    )  # fmt: skip


def cli(server: FakeServer, *argv: str) -> tuple[int, str]:
    finish_after(server, 1)

    def make_client(api_key: str = SANDBOX) -> Any:
        return Client(api_key=api_key, base_url=server.base_url)

    out = io.StringIO()
    return main(list(argv), make_client, out), out.getvalue()


def run_args(catalog: Path, journal: str) -> list[str]:
    return ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", journal,
            "--no-progress"]  # fmt: skip


def test_the_key_kind_of_our_client_and_of_a_bare_one(server: FakeServer) -> None:
    with Client(api_key=LIVE, base_url=server.base_url) as live:
        assert client_key_kind(live) == "live"
    assert client_key_kind(bare(server, SANDBOX)) == "sandbox"
    assert client_key_kind(bare(server, LIVE)) == "live"
    assert client_key_kind(object()) is None


def test_a_live_run_never_reuses_a_sandbox_journal(server: FakeServer, tmp_path: Path) -> None:
    journal, results = tmp_path / "state.sqlite", tmp_path / "live.jsonl"
    assert run(bare(server, SANDBOX), journal).completed_count == 5
    created = creates(server)
    with pytest.raises(JournalKindMismatchError, match="sandbox") as refused:
        run(bare(server, LIVE), journal, results=results)
    assert isinstance(refused.value, JournalMismatchError)  # the documented family: exit 4
    assert "live" in str(refused.value)
    assert str(journal) in str(refused.value)
    assert creates(server) == created  # nothing sent
    assert not results.exists()  # no simulated URL copied into the live results
    db = sqlite3.connect(journal)
    try:
        assert db.execute("SELECT value FROM meta WHERE name = 'key_kind'").fetchone() == ("sandbox",)
    finally:
        db.close()
    assert run(bare(server, SANDBOX), journal).skipped_count == 5  # the same kind still resumes


def test_a_sandbox_run_never_reuses_a_live_journal(server: FakeServer, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    run(bare(server, LIVE), journal)
    with pytest.raises(JournalKindMismatchError, match="live"):
        run(bare(server, SANDBOX), journal)


def test_one_run_never_mixes_sandbox_and_live_keys(server: FakeServer, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    with pytest.raises(ConfigurationError, match="of one kind, not live and sandbox"):
        run([bare(server, SANDBOX), bare(server, LIVE)], journal)
    assert creates(server) == 0
    assert not journal.exists()  # refused before the journal was even opened


def test_cli_live_key_on_a_sandbox_journal_is_exit_4(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    journal, results = str(tmp_path / "state.sqlite"), tmp_path / "r.jsonl"
    args = run_args(catalog, journal)
    assert cli(server, *args, "--api-key", SANDBOX)[0] == 0
    code, out = cli(server, *args, "--api-key", LIVE, "--results", str(results))
    assert code == EXIT_CODES["journal"] == 4, out
    assert out.count("\n") == 1
    assert "sandbox" in out
    assert "Traceback" not in out
    assert SANDBOX not in out
    assert LIVE not in out
    assert creates(server) == 1
    assert not results.exists()


def test_cli_sandbox_and_live_keys_in_one_run_is_exit_2(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    journal = str(tmp_path / "state.sqlite")
    args = run_args(catalog, journal)
    code, out = cli(server, *args, "--api-key", SANDBOX, "--api-key", LIVE)
    assert code == EXIT_CODES["input"] == 2, out
    assert "sandbox" in out
    assert "live" in out
    assert SANDBOX not in out
    assert LIVE not in out
    assert creates(server) == 0


def test_cli_dry_run_with_a_live_key_on_a_sandbox_journal_is_exit_4(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    journal = str(tmp_path / "state.sqlite")
    args = run_args(catalog, journal)
    assert cli(server, *args, "--api-key", SANDBOX)[0] == 0
    code, out = cli(server, *args, "--api-key", LIVE, "--dry-run")
    assert code == EXIT_CODES["journal"], out
    assert "already done" not in out
    assert "sandbox" in out
