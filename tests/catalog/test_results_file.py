"""The results file is never lost: written aside and swapped in, with the old file's other
lines kept; a file that is not a results file is refused and left as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aigenstudio._catalog.journal import Journal, journal_in_use
from aigenstudio._catalog.outcomes import ItemOutcome, ResultsFileError, ResultsWriter
from aigenstudio.testing import FakeServer

from .conftest import creates, rows
from .test_cli import cli, write_csv


def outcome(external_id: str, earlier: bool = False) -> ItemOutcome:
    return ItemOutcome(
        external_id, "completed", source_url=f"https://img.test/{external_id}.jpg", earlier=earlier
    )


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_rerun_keeps_the_old_lines_it_did_not_report_and_replaces_those_it_did(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    first = ResultsWriter(results)
    for name in ("a", "b", "c"):
        first.write(outcome(name))
    first.close()
    second = ResultsWriter(results)
    second.write(outcome("b", earlier=True))
    second.write(outcome("d"))
    assert len(lines(results)) == 3  # the old file stays whole until the swap
    second.close()
    assert [(r["external_id"], r["earlier"]) for r in lines(results)] == [
        ("b", True),
        ("d", False),
        ("a", False),
        ("c", False),
    ]
    assert not (tmp_path / "r.jsonl.partial").exists()


def test_a_run_that_writes_nothing_leaves_the_file_byte_for_byte(tmp_path: Path) -> None:
    results = tmp_path / "r.csv"
    first = ResultsWriter(results)
    first.write(outcome("=a"))
    first.close()
    before = results.read_bytes()
    ResultsWriter(results).close()
    assert results.read_bytes() == before
    assert b"'=a" in before  # a formula-looking cell stays inert, once
    again = ResultsWriter(results)
    again.write(outcome("b"))
    again.close()
    assert results.read_text().count("'=a") == 1
    assert "''=a" not in results.read_text()


@pytest.mark.parametrize("content", ["sku,url\n1,2\n", "not json\n", '["a list"]\n', "\udcff"])
def test_a_file_that_is_not_a_results_file_is_refused_and_left_as_it_was(
    tmp_path: Path, content: str
) -> None:
    results = tmp_path / ("r.csv" if content.startswith("sku") else "r.jsonl")
    results.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(ResultsFileError, match="not a results file"):
        ResultsWriter(results)
    assert results.read_bytes() == content.encode("utf-8", "surrogateescape")


def test_the_cli_refuses_a_foreign_results_file_before_anything_is_sent(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    results = tmp_path / "prices.csv"
    results.write_text("sku,price\n1,9.99\n")
    code, out = cli(server, "catalog", "run", str(catalog), "--operation", "marketplace_clean",
                    "--results", str(results), "--no-progress")  # fmt: skip
    assert code == 2
    assert "prices.csv exists and is not a results file" in out
    assert results.read_text() == "sku,price\n1,9.99\n"
    assert creates(server) == 0


def test_results_written_aside_onto_the_catalog_are_refused(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "r.csv.partial", rows(range(3)))
    code, out = cli(server, "catalog", "run", str(catalog), "--format", "csv", "--operation",
                    "marketplace_clean", "--results", str(tmp_path / "r.csv"), "--no-progress")  # fmt: skip
    assert code == 2
    assert "would overwrite" in out
    assert len(catalog.read_text().splitlines()) == 4


def test_the_lock_file_is_gone_after_a_run_and_status_says_who_holds_the_journal(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    journal = tmp_path / "c.csv.journal"
    code, _ = cli(server, "catalog", "run", str(catalog), "--operation", "marketplace_clean", "--no-progress")
    assert code == 0
    assert journal.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "c.csv.journal"]
    assert not journal_in_use(str(journal))
    holder = Journal(journal)
    try:
        assert journal_in_use(str(journal))
        _, out = cli(server, "catalog", "status", str(catalog))
    finally:
        holder.close()
    assert "3 rows: 3 done (3 completed, 0 failed), 0 remaining" in out
    assert "a run holds the journal now" in out
    assert not (tmp_path / "c.csv.journal.lock").exists()


def test_an_older_csv_s_true_false_is_rewritten_as_true_false(tmp_path: Path) -> None:
    results = tmp_path / "r.csv"
    first = ResultsWriter(results)
    first.write(outcome("a", earlier=True))
    first.close()
    results.write_text(results.read_text().replace(",true", ",True"))  # as an older version wrote it
    again = ResultsWriter(results)
    again.write(outcome("b"))
    again.close()
    assert [line.rsplit(",", 1)[1] for line in results.read_text().splitlines()] == [
        "earlier",
        "false",
        "true",
    ]


def test_a_lock_taken_on_a_lock_file_deleted_meanwhile_is_taken_again_on_the_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aigenstudio._catalog import journal as journal_module

    path = str(tmp_path / "j.sqlite.lock")
    real_hold = journal_module._hold
    calls: list[int] = []

    def hold_then_lose_the_file(lock: Any, where: str) -> None:
        real_hold(lock, where)
        calls.append(1)
        if len(calls) == 1:  # the run that held it deleted the file as we took its lock
            Path(where).unlink()

    monkeypatch.setattr(journal_module, "_hold", hold_then_lose_the_file)
    held = journal_module._take_lock(path)
    try:
        assert len(calls) == 2
        assert Path(path).exists()
        with pytest.raises(journal_module.JournalBusyError):
            journal_module._take_lock(path)  # the file at the path is the one held: refused
    finally:
        held.close()
