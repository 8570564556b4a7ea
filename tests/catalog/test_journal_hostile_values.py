"""Odd but spec-valid server values never jam a paid batch: the journal stores whatever comes.

The JSON Schema allows a count beyond 64 bits (SQLite cannot store it) and text with a lone
surrogate (a JSON ``\\ud800``, which UTF-8 cannot carry). Either one used to make the write
that finishes a batch raise: the run died after the job was paid for, and every rerun
re-attached to the same batch and died again. Now the journal clamps the count and escapes
the text, the results files take them too, and a rerun finds every item done.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aigenstudio._catalog.cli import EXIT_CODES
from aigenstudio._catalog.journal import Journal
from aigenstudio._catalog.outcomes import ItemOutcome, ResultsWriter
from aigenstudio._catalog.process import process_catalog
from aigenstudio._core.errors import RequestValidationError
from aigenstudio.testing import FakeServer

from .conftest import API_KEY, charges, creates, finish_after, no_sleep, rows, send_in_jobs
from .test_cli import ROOT, cli, write_csv

HUGE = 2**70
INT64_MAX = 2**63 - 1
FAST = {"poll_interval": 0.001, "max_interval": 0.001, "sleep": no_sleep}
HOSTILE = {
    "huge job credits": ({"credits_used": HUGE}, {}),
    "huge item credits": ({}, {"credits_used": HUGE}),
    "surrogate in a result url": ({}, {"result_url": "https://cdn.test/\ud800.png"}),
    "surrogate in a thumbnail url": ({}, {"thumbnail_url": "https://cdn.test/\udfff.png"}),
    "surrogate in an error": (
        {},
        {"error_code": "bad\ud800", "error_message": "no \ud800"},
    ),
}


def run(client: Any, journal: Path, results: Path | None = None) -> Any:
    return process_catalog(
        client, rows(range(3)), namespace="hostile", journal=journal, results=results,
        operation="marketplace_clean", **FAST,
    )  # fmt: skip


@pytest.mark.parametrize(("job", "items"), HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_hostile_values_are_recorded_and_a_rerun_completes(
    server: FakeServer, client: Any, tmp_path: Path, job: dict[str, Any], items: dict[str, Any], suffix: str
) -> None:
    send_in_jobs(server, job, items)
    journal, results = tmp_path / "state.sqlite", tmp_path / f"results{suffix}"
    first = run(client, journal, results)
    assert first.rows == 3
    assert first.jobs == 1
    again = run(client, journal)  # nothing open: every item is done, nothing is sent again
    assert again.completed_count == 0
    assert again.jobs == 0
    assert again.skipped_count + again.failed_earlier_count == 3
    assert creates(server) == 1
    assert max(charges(server).values()) == 1
    written = results.read_text(encoding="utf-8")
    assert "\ud800" not in written
    assert "\udfff" not in written
    lines = list(csv.DictReader(written.splitlines())) if suffix == ".csv" else written.splitlines()
    assert len(lines) == 3


def test_the_journal_clamps_counts_and_escapes_text(server: FakeServer, client: Any, tmp_path: Path) -> None:
    send_in_jobs(
        server, {"credits_used": HUGE}, {"credits_used": -HUGE, "result_url": "https://cdn.test/\ud800"}
    )
    journal = tmp_path / "state.sqlite"
    run(client, journal)
    db = sqlite3.connect(journal)
    try:
        assert db.execute("SELECT credits_used FROM batches").fetchall() == [(INT64_MAX,)]
        found = db.execute("SELECT DISTINCT credits_used, result_url FROM items").fetchall()
    finally:
        db.close()
    assert found == [(-(2**63), "https://cdn.test/\\ud800")]


def test_a_batch_left_open_with_hostile_values_is_finished_by_the_rerun(
    server: FakeServer, client: Any, tmp_path: Path
) -> None:
    """The journal of a run that died before the job finished: the rerun re-attaches and records it."""
    journal = tmp_path / "state.sqlite"
    with pytest.raises(KeyboardInterrupt):
        process_catalog(
            client, rows(range(3)), namespace="hostile", journal=journal, operation="marketplace_clean",
            on_step=_stop_after_create, **FAST,
        )  # fmt: skip
    send_in_jobs(server, {"credits_used": HUGE}, {"error_message": "\ud800"})
    assert run(client, journal).completed_count == 3
    assert run(client, journal).skipped_count == 3
    assert creates(server) == 1
    reopened = Journal(journal)
    try:
        assert reopened.open_batches() == []
    finally:
        reopened.close()


def _stop_after_create(step: str, _seq: int) -> None:
    if step == "created":
        raise KeyboardInterrupt


def test_cli_rerun_completes_after_hostile_values(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 1)
    send_in_jobs(server, {"credits_used": HUGE}, {"error_code": "x", "error_message": "\x1b[2J\ud800"})
    catalog = write_csv(tmp_path / "c.csv", rows(range(25)))  # two jobs: two clamped counts
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "generated"), str(ROOT / "overrides")]),
        "AIGENSTUDIO_API_KEY": API_KEY,
        "AIGENSTUDIO_BASE_URL": server.base_url,
    }
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal",
            str(tmp_path / "j.sqlite"), "--results", str(tmp_path / "r.csv")]  # fmt: skip
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "aigenstudio", *args], env=env, capture_output=True, text=True, timeout=60
        )
        assert "Traceback" not in done.stderr
        assert done.returncode == 1, done.stderr  # the items failed (documented), nothing crashed
        assert "\x1b" not in done.stdout  # the server's text cannot drive the terminal
        outputs.append(done.stdout)
    assert "25 failed, 0 invalid, 0 already done; 2 jobs" in outputs[0]
    assert "25 failed (25 in an earlier run)" in outputs[1]
    assert creates(server) == 2
    status = subprocess.run(
        [sys.executable, "-m", "aigenstudio", "catalog", "status", "--journal", str(tmp_path / "j.sqlite")],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert status.returncode == 0, status.stderr
    assert f"credits used: {2 * INT64_MAX}" in status.stdout


def test_results_writer_takes_any_value(tmp_path: Path) -> None:
    outcome = ItemOutcome("\ud800", "failed", error_message="\udfff\x00", credits_used=HUGE, result_url="=1")
    for suffix in (".csv", ".jsonl"):
        writer = ResultsWriter(tmp_path / f"r{suffix}")
        writer.write(outcome)
        writer.close()
    assert json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))["credits_used"] == HUGE
    assert str(HUGE) in (tmp_path / "r.csv").read_text(encoding="utf-8")


def test_text_options_with_a_lone_surrogate_are_refused_before_anything_is_sent(
    server: FakeServer, client: Any, tmp_path: Path
) -> None:
    for options in ({"namespace": "spring\ud800"}, {"namespace": "s", "instructions": "white \udcff"}):
        with pytest.raises(RequestValidationError, match=r"namespace|instructions"):
            process_catalog(
                client, rows(range(2)), journal=tmp_path / "j.sqlite", operation="marketplace_clean",
                **{**FAST, **options},
            )  # fmt: skip
    assert creates(server) == 0
    catalog = write_csv(tmp_path / "c.csv", rows(range(2)))
    code, out = cli(server, "catalog", "run", str(catalog), "--operation", "marketplace_clean",
                    "--journal", str(tmp_path / "k.sqlite"), "--namespace", "spring\udcff")  # fmt: skip
    assert code == EXIT_CODES["input"], out
    assert "namespace" in out
    assert "row" not in out
    assert creates(server) == 0
