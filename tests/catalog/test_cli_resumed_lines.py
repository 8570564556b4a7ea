"""A rerun after a stop, through the real command line against the fake API: the
rows of a re-attached job keep their file lines (results file and failure list, in file
order), the results file carries ``line`` beside ``row``, the progress line's "done" is what
it adds up, and ``catalog status`` leaves only the journal behind."""

from __future__ import annotations

import csv
import json
import re
import signal
import subprocess
import sys
from pathlib import Path

from aigenstudio.testing import Failure, FakeServer

from .conftest import API_KEY, finish_after, rows, send_in_jobs
from .test_cli_operator import aigenstudio, environment, leftovers, run_args, stop_after_items, write_csv

FAILURE = Failure("image_processing_failed", "the image could not be processed")


def stopped_with_an_open_job(server: FakeServer, catalog: Path, results: Path) -> None:
    """Stop a run after 20 rows; the second batch's create is held (its job left open)."""
    code, _, _ = stop_after_items(server, run_args(catalog, "--results", str(results)), 20, signal.SIGTERM)
    assert code == 143


def test_a_re_attached_jobs_rows_keep_their_file_lines_and_failures_are_listed_in_file_order(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(50)))
    results = tmp_path / "results.jsonl"
    for number in range(20, 50):  # the open job, re-attached by the rerun, fails, and so do
        server.api.script_failure(f"sku-{number:03}", FAILURE)  # the jobs the rerun creates
    stopped_with_an_open_job(server, catalog, results)
    done = aigenstudio(server, *run_args(catalog, "--results", str(results)), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 1, done.stderr
    records = {r["external_id"]: r for r in map(json.loads, results.read_text().splitlines())}
    assert len(records) == 50
    for number in range(50):  # CSV: the header is line 1, row 0 is line 2
        record = records[f"sku-{number:03}"]
        assert (record["row"], record["line"]) == (number, number + 2), record
    listed = [line.strip() for line in done.stdout.splitlines() if line.startswith("  ")]
    assert listed[0] == "line 22 (sku-020): image_processing_failed: the image could not be processed"
    assert "line 35 (sku-033): image_processing_failed" in done.stdout
    numbers = [int(re.match(r"line (\d+) ", line).group(1)) for line in listed]  # type: ignore[union-attr]
    assert numbers == sorted(numbers) == list(range(22, 42)), listed


def test_results_lines_match_the_messages_numbering(server: FakeServer, tmp_path: Path) -> None:
    catalog = tmp_path / "c.jsonl"
    catalog.write_text("\n" + "".join(json.dumps(r) + "\n\n" for r in rows(range(3))))  # blank lines
    results = tmp_path / "out.csv"
    done = aigenstudio(server, *run_args(catalog, "--results", str(results)), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 0, done.stderr
    header, *lines = results.read_text().splitlines()
    assert "line" in header.split(",")
    records = list(csv.DictReader([header, *lines]))
    assert [(r["row"], r["line"]) for r in records] == [("0", "2"), ("1", "4"), ("2", "6")]


def test_the_progress_lines_done_is_completed_plus_failed_plus_earlier(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(50)))
    finish_after(server, 3)
    send_in_jobs(server, running={"completed_items": 7, "failed_items": 1})  # a job halfway through
    argv = [*run_args(catalog), "--progress-every", "0"]
    done = subprocess.run(
        [sys.executable, "-m", "aigenstudio", *argv],
        env=environment(server, AIGENSTUDIO_API_KEY=API_KEY),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    pattern = r"progress: (\d+)/50 rows done \((\d+) completed, (\d+) failed, (\d+) earlier\)"
    counts = [tuple(map(int, m.groups())) for m in re.finditer(pattern, done.stderr)]
    assert len(counts) > 3, done.stderr
    for rows_done, completed, failed, earlier in counts:
        assert rows_done == completed + failed + earlier, done.stderr


def test_status_and_a_clean_run_leave_only_the_journal(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(30)))
    stopped_with_an_open_job(server, catalog, tmp_path / "r.jsonl")
    status = aigenstudio(None, "catalog", "status", str(catalog))
    assert status.returncode == 0, status.stderr
    assert leftovers(tmp_path) == []
    done = aigenstudio(server, *run_args(catalog), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 0, done.stderr
    assert leftovers(tmp_path) == []
    again = aigenstudio(None, "catalog", "status", str(catalog))
    assert again.returncode == 0, again.stderr
    assert leftovers(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "c.csv.journal", "r.jsonl"]
