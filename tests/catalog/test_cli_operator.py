"""The operator's shell session, through the real command line (a subprocess; a pty where a
terminal matters) against the fake API: results never lost, progress off a
terminal, ``--json`` events, SIGTERM/SIGHUP, messages in the operator's terms, and the
conventions (default journal beside the catalog, ``--format``, ``--version``...)."""

from __future__ import annotations

import csv
import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from aigenstudio._catalog.cli import EXIT_CODES
from aigenstudio._core.api_key import key_fingerprint
from aigenstudio._version import __version__
from aigenstudio.testing import FakeServer

from .conftest import API_KEY, charges, creates, finish_after, hold_creates, rows

ROOT = Path(__file__).resolve().parents[2]
OTHER_KEY = "aigen_test_other0123456789"


def environment(server: FakeServer | None, **extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AIGENSTUDIO_") and name not in ("COLUMNS", "LINES")
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "generated"), str(ROOT / "overrides")])
    if server is not None:
        env["AIGENSTUDIO_BASE_URL"] = server.base_url
    return {**env, **extra}


def aigenstudio(
    server: FakeServer | None, *argv: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    if server is not None:
        finish_after(server, 1)
    return subprocess.run(
        [sys.executable, "-m", "aigenstudio", *argv],
        env=environment(server, **env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def write_csv(path: Path, records: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["external_id", "source_url"])
        writer.writeheader()
        writer.writerows(records)
    return path


def run_args(catalog: Path, *more: str) -> list[str]:
    return [
        "catalog",
        "run",
        str(catalog),
        "--operation",
        "marketplace_clean",
        "--poll-interval",
        "0.01",
        *more,
    ]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm", ".lock", "-journal")))


def settle(server: FakeServer, held: threading.Event, before: int) -> None:
    """Let the held create (if one was held) reach the server's books before the test counts."""
    if held.is_set():
        deadline = time.monotonic() + 30
        while creates(server) <= before and time.monotonic() < deadline:
            time.sleep(0.01)


def stop_after_items(
    server: FakeServer, argv: list[str], items: int, signum: int, **env: str
) -> tuple[int, list[dict[str, Any]], str]:
    """Start a ``--json`` run, read its events until ``items`` items are reported (the fake
    server holds every later create), then send ``signum``; its exit code, events and stderr."""
    finish_after(server, 1)
    release, held = hold_creates(server, after=items // 20)
    process = subprocess.Popen(
        [sys.executable, "-m", "aigenstudio", *argv, "--json"],
        env=environment(server, AIGENSTUDIO_API_KEY=API_KEY, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    events: list[dict[str, Any]] = []
    try:
        for line in process.stdout:
            events.append(json.loads(line))
            if sum(1 for e in events if e["event"] == "item") == items:
                break
        # The next create is held by the server: the run waits on it, with nothing more to say.
        assert held.wait(60)
        process.send_signal(signum)
        rest, err = process.communicate(timeout=60)  # a stop that waits on the held call fails here
        events.extend(json.loads(line) for line in rest.splitlines())
        return process.returncode, events, err
    finally:
        release.set()  # from now on the fault holds nothing
        settle(server, held, items // 20)
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()


def test_a_500_row_run_stopped_by_sigterm_and_resumed_leaves_500_outcomes(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "products.csv", rows(range(500)))
    results = tmp_path / "results.jsonl"
    argv = run_args(catalog, "--results", str(results))
    code, events, err = stop_after_items(server, argv, 200, signal.SIGTERM)
    assert code == EXIT_CODES["terminated"] == 143, err
    assert "stopped (SIGTERM)" in err
    assert "run the same command again to resume" in err
    assert leftovers(tmp_path) == []  # WAL, shared memory and lock files tidied
    assert [e["event"] for e in events].count("item") == 200
    assert len(results.read_text().splitlines()) == 200  # what the stopped run finished is kept
    done = aigenstudio(server, *argv, AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 0, done.stderr
    outcomes = [json.loads(line) for line in results.read_text().splitlines()]
    assert len(outcomes) == 500
    assert sorted(o["external_id"] for o in outcomes) == [f"sku-{i:03}" for i in range(500)]
    assert Counter((o["status"], o["earlier"]) for o in outcomes) == {
        ("completed", True): 200,
        ("completed", False): 300,
    }
    assert max(charges(server).values()) == 1
    assert leftovers(tmp_path) == []


def test_sighup_stops_like_ctrl_c_and_the_same_command_resumes(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(60)))
    code, _, err = stop_after_items(server, run_args(catalog), 20, signal.SIGHUP)
    assert code == EXIT_CODES["hangup"] == 129, err
    assert "stopped (SIGHUP)" in err
    assert leftovers(tmp_path) == []
    done = aigenstudio(server, *run_args(catalog), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 0, done.stderr
    assert "40 completed" in done.stdout
    assert "20 already done" in done.stdout


def test_a_rerun_that_stops_before_sending_leaves_the_results_file_as_it_was(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(30)))
    results = tmp_path / "results.csv"
    argv = run_args(catalog, "--results", str(results))
    code, _, _ = stop_after_items(server, argv, 20, signal.SIGTERM, AIGENSTUDIO_API_KEYS=API_KEY)
    assert code == 143
    before = results.read_bytes()
    assert len(before.splitlines()) == 21  # the header and 20 outcomes
    # The open job belongs to API_KEY; this rerun has another key: it stops (exit 4) first.
    again = aigenstudio(server, *argv, AIGENSTUDIO_API_KEY=OTHER_KEY)
    assert again.returncode == EXIT_CODES["journal"], again.stderr
    assert results.read_bytes() == before


def test_rows_finished_earlier_are_completed_earlier_true_in_the_csv(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    results = tmp_path / "out.csv"
    argv = run_args(catalog, "--results", str(results))
    assert aigenstudio(server, *argv, AIGENSTUDIO_API_KEY=API_KEY).returncode == 0
    assert aigenstudio(server, *argv, AIGENSTUDIO_API_KEY=API_KEY).returncode == 0
    with results.open(newline="") as handle:
        written = list(csv.DictReader(handle))
    assert [(r["status"], r["earlier"]) for r in written] == [("completed", "true")] * 3


def test_off_a_terminal_a_plain_progress_line_comes_at_the_chosen_pace(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(45)))
    done = aigenstudio(server, *run_args(catalog, "--progress-every", "0"), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("progress:")]
    assert lines, done.stderr
    assert lines[-1].startswith("progress: 45/45 rows done (45 completed, 0 failed, 0 earlier)")
    assert "\r" not in done.stderr
    assert "\x1b" not in done.stderr
    quiet = aigenstudio(server, *run_args(catalog, "--quiet"), AIGENSTUDIO_API_KEY=API_KEY)
    assert quiet.returncode == 0
    assert quiet.stdout == quiet.stderr == ""


def test_json_streams_one_event_per_line(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(25)))
    done = aigenstudio(server, *run_args(catalog, "--json"), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    kinds = Counter(e["event"] for e in events)
    assert kinds["job_created"] == 2
    assert kinds["item"] == 25
    assert kinds["progress"] >= 2
    assert events[-1]["event"] == "summary"
    assert events[-1]["completed"] == 25
    assert events[-1]["exit_code"] == 0
    item = next(e for e in events if e["event"] == "item")
    assert item["status"] == "completed"
    assert item["external_id"] == "sku-000"
    assert item["line"] == 1


def test_a_missing_key_names_the_flag_and_the_variable(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(2)))
    done = aigenstudio(server, *run_args(catalog))
    assert done.returncode == EXIT_CODES["input"]
    assert "AIGENSTUDIO_API_KEY" in done.stderr
    assert "--api-key-file" in done.stderr
    assert "api_key=" not in done.stderr
    assert not (tmp_path / "c.jsonl.journal").exists()


def test_a_missing_file_is_one_line_naming_it(server: FakeServer, tmp_path: Path) -> None:
    done = aigenstudio(server, *run_args(tmp_path / "nope.csv"), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == EXIT_CODES["input"]
    assert done.stderr == f"error: no such file: {tmp_path / 'nope.csv'}\n"


def test_problems_name_file_lines_and_external_ids_in_file_order(server: FakeServer, tmp_path: Path) -> None:
    records = [*rows(range(40)), {"external_id": "bad-1", "source_url": "not a url"}]
    records += [{"external_id": "sku-003", "source_url": "https://img.test/x.jpg"}]
    catalog = write_csv(tmp_path / "c.csv", records)
    done = aigenstudio(server, *run_args(catalog, "--dry-run"), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == EXIT_CODES["input"]
    problems = [line.strip() for line in done.stdout.splitlines() if line.startswith("  line")]
    assert problems[0].startswith("line 42 (bad-1): source_url"), done.stdout
    assert problems[1].startswith("line 43 (sku-003): external_id"), done.stdout
    stopped = aigenstudio(server, *run_args(catalog), AIGENSTUDIO_API_KEY=API_KEY)
    assert stopped.returncode == EXIT_CODES["input"]
    # The run stops at the first problem it meets: the repeat is seen as the row is read,
    # the URL's format when its batch is built; either way, named by line and external_id.
    assert "a row is invalid: line 43 (sku-003): external_id: unique" in stopped.stderr
    assert "images[" not in stopped.stderr


def test_a_wrong_operation_is_a_usage_error_naming_the_ids(tmp_path: Path) -> None:
    done = aigenstudio(None, "catalog", "run", "c.csv", "--operation", "nope")
    assert done.returncode == 2
    assert "invalid choice: 'nope'" in done.stderr
    assert "marketplace_clean" in done.stderr
    assert "row is invalid" not in done.stderr


def test_dry_run_refuses_what_the_run_refuses(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(30)))
    code, _, _ = stop_after_items(server, run_args(catalog), 20, signal.SIGTERM)
    assert code == 143
    created = creates(server)
    other_key = aigenstudio(server, *run_args(catalog, "--dry-run"), AIGENSTUDIO_API_KEY=OTHER_KEY)
    assert other_key.returncode == EXIT_CODES["journal"], other_key.stdout + other_key.stderr
    assert key_fingerprint(API_KEY) in other_key.stderr
    assert "--api-key-file" in other_key.stderr
    assert "aigenstudio key fingerprint" in other_key.stderr
    argv = [*run_args(catalog, "--dry-run"), "--preset", "studio"]
    other_settings = aigenstudio(server, *argv, AIGENSTUDIO_API_KEY=API_KEY)
    assert other_settings.returncode == EXIT_CODES["journal"], other_settings.stderr
    live = aigenstudio(server, *run_args(catalog, "--dry-run"), AIGENSTUDIO_API_KEY="aigen_live_x0123456789")
    assert live.returncode == EXIT_CODES["journal"], live.stderr
    assert creates(server) == created


def test_status_shows_progress_open_jobs_with_their_key_and_the_holder(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(50)))
    code, _, _ = stop_after_items(server, run_args(catalog), 20, signal.SIGTERM)
    assert code == 143
    status = aigenstudio(None, "catalog", "status", str(catalog))
    assert status.returncode == 0, status.stderr
    assert "50 rows: 20 done (20 completed, 0 failed), 30 remaining" in status.stdout
    assert f"key {key_fingerprint(API_KEY)}" in status.stdout
    assert "no run holds the journal now" in status.stdout


def test_key_fingerprint_reads_the_environment_or_stdin_never_argv() -> None:
    from_env = aigenstudio(None, "key", "fingerprint", AIGENSTUDIO_API_KEY=API_KEY)
    assert from_env.returncode == 0
    assert from_env.stdout.strip() == key_fingerprint(API_KEY)
    from_stdin = aigenstudio(None, "key", "fingerprint", stdin=API_KEY + "\n")
    assert from_stdin.stdout.strip() == key_fingerprint(API_KEY)
    assert aigenstudio(None, "key", "fingerprint", API_KEY).returncode == 2


def test_api_key_file_and_base_url_flag(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(3)))
    keys = tmp_path / "keys.txt"
    keys.write_text(f"{API_KEY}\n\n")
    argv = [*run_args(catalog), "--api-key-file", str(keys), "--base-url", server.base_url]
    finish_after(server, 1)
    done = subprocess.run(
        [sys.executable, "-m", "aigenstudio", *argv],
        env=environment(None),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "3 completed" in done.stdout


def test_default_journal_beside_the_catalog_any_extension_with_format(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "export.txt", rows(range(3)))
    assert aigenstudio(server, *run_args(catalog), AIGENSTUDIO_API_KEY=API_KEY).returncode == 2
    done = aigenstudio(server, *run_args(catalog, "--format", "csv"), AIGENSTUDIO_API_KEY=API_KEY)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "export.txt.journal").exists()
    again = aigenstudio(server, *run_args(catalog, "--format", "csv"), AIGENSTUDIO_API_KEY=API_KEY)
    assert "3 already done" in again.stdout
    assert leftovers(tmp_path) == []


def test_version_and_help_with_an_example() -> None:
    version = aigenstudio(None, "--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"aigenstudio {__version__}"
    helped = aigenstudio(None, "catalog", "run", "--help")
    assert "example:" in helped.stdout
    assert "aigenstudio catalog run products.csv" in helped.stdout


def test_the_console_script_is_the_same_entry_point() -> None:
    script = Path(sys.executable).with_name("aigenstudio")
    if not script.exists():
        pytest.skip("the package is not installed in this interpreter's environment")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == f"aigenstudio {__version__}"


def test_on_a_terminal_the_run_draws_progress_and_prints_the_summary(
    server: FakeServer, tmp_path: Path
) -> None:
    pty = pytest.importorskip("pty")
    fcntl = pytest.importorskip("fcntl")
    termios = pytest.importorskip("termios")
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(25)))
    finish_after(server, 1)
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "aigenstudio", *run_args(catalog)],
            env=environment(server, AIGENSTUDIO_API_KEY=API_KEY, TERM="dumb"),
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
        )
        os.close(secondary)
        output = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal's other end closed
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 0
    finally:
        os.close(primary)
    text = output.decode()
    assert "25/25" in text  # the bar (or the plain line without tqdm) reached the end
    assert "25 completed, 0 failed, 0 invalid, 0 already done" in text


def test_sigterm_with_two_keys_in_flight_stops_at_once_and_resumes(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_jsonl(tmp_path / "c.jsonl", rows(range(100)))
    keys = f"{API_KEY},{OTHER_KEY}"
    code, _, err = stop_after_items(server, run_args(catalog), 40, signal.SIGTERM, AIGENSTUDIO_API_KEYS=keys)
    assert code == EXIT_CODES["terminated"], err
    assert leftovers(tmp_path) == []
    done = aigenstudio(server, *run_args(catalog), AIGENSTUDIO_API_KEYS=keys)
    assert done.returncode == 0, done.stderr
    assert "40 already done" in done.stdout
    assert max(charges(server).values()) == 1
