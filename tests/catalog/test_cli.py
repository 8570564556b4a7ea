"""``aigenstudio catalog run|status``: a CSV end to end, dry run, exit codes, Ctrl-C and resume."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from aigenstudio._catalog.cli import EXIT_CODES, main
from aigenstudio._catalog.journal import Journal
from aigenstudio.testing import FakeServer
from aigenstudio_client.client import AuthenticatedClient

from .conftest import API_KEY, charges, creates, finish_after, rows

ROOT = Path(__file__).resolve().parents[2]


def write_csv(path: Path, records: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["external_id", "source_url", "title"])
        writer.writeheader()
        for record in records:
            writer.writerow({**record, "title": "a product"})
    return path


def cli(server: FakeServer, *argv: str, transport: httpx.BaseTransport | None = None) -> tuple[int, str]:
    finish_after(server, 1)  # the first poll finds the job done: no real sleeping

    def make_client() -> Any:
        extra: dict[str, Any] = {"httpx_args": {"transport": transport}} if transport is not None else {}
        return AuthenticatedClient(base_url=server.base_url, token=API_KEY, **extra)

    out = io.StringIO()
    code = main(list(argv), make_client, out)
    return code, out.getvalue()


def test_csv_run_end_to_end_then_status_and_rerun(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "spring.csv", rows(range(45)))
    journal, results = str(tmp_path / "state.sqlite"), tmp_path / "results.jsonl"
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", journal]
    code, out = cli(server, *args, "--results", str(results), "--no-progress")
    assert code == EXIT_CODES["done"] == 0
    assert "45 completed, 0 failed, 0 invalid, 0 already done; 3 jobs, 45 credits used" in out
    assert len(results.read_text().splitlines()) == 45
    code, out = cli(server, "catalog", "status", "--journal", journal)
    assert code == 0
    assert "images: 45 completed, 0 failed, 0 in open jobs" in out
    assert "jobs: 3 finished, 0 open; credits used: 45" in out
    code, out = cli(server, *args, "--no-progress")
    assert code == 0
    assert "45 already done; 0 jobs" in out
    assert creates(server) == 3


def test_dry_run_checks_every_row_and_estimates_credits(server: FakeServer, tmp_path: Path) -> None:
    records = [*rows(range(44)), {"external_id": "bad", "source_url": "not a url"}]
    catalog = write_csv(tmp_path / "c.csv", records)
    args = [
        "catalog",
        "run",
        str(catalog),
        "--operation",
        "premium_ad",
        "--journal",
        str(tmp_path / "j.sqlite"),
    ]
    code, out = cli(server, *args, "--dry-run")
    assert code == EXIT_CODES["input"] == 2
    assert "45 rows: 44 valid, 1 invalid, 0 already done" in out
    assert "  line 46 (bad): source_url: must be an absolute URI" in out  # the CSV's header is line 1
    assert "would send 44 images in 3 jobs; estimated credits: 176 (premium_ad: 4 per image)" in out
    assert creates(server) == 0


def test_a_bad_row_stops_the_run_unless_skipped(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "c.csv", [*rows(range(25)), {"external_id": "bad", "source_url": ""}])
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--no-progress"]
    code, _ = cli(server, *args, "--journal", str(tmp_path / "a.sqlite"))
    assert code == EXIT_CODES["input"]
    assert creates(server) == 1  # the first 20; the bad row's batch was never sent
    code, out = cli(server, *args, "--journal", str(tmp_path / "a.sqlite"), "--skip-invalid")
    assert code == EXIT_CODES["failed_items"] == 1
    assert "5 completed, 0 failed, 1 invalid, 20 already done" in out
    assert "  line 27 (bad): invalid_row: source_url: required" in out


def test_a_busy_journal_is_exit_4(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(2)))
    journal = tmp_path / "j.sqlite"
    holder = Journal(journal)
    try:
        code, _ = cli(server, "catalog", "run", str(catalog), "--operation", "marketplace_clean",
                      "--journal", str(journal), "--no-progress")  # fmt: skip
    finally:
        holder.close()
    assert code == EXIT_CODES["journal"] == 4


class InterruptOnPoll(httpx.HTTPTransport):
    """A Ctrl-C while the first job is being polled."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and "/product-photo-jobs/" in request.url.path:
            raise KeyboardInterrupt
        return super().handle_request(request)


def test_ctrl_c_keeps_the_job_in_the_journal_and_the_same_command_resumes(
    server: FakeServer, tmp_path: Path
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(30)))
    journal = str(tmp_path / "j.sqlite")
    args = [
        "catalog",
        "run",
        str(catalog),
        "--operation",
        "marketplace_clean",
        "--journal",
        journal,
        "--no-progress",
    ]
    code, out = cli(server, *args, transport=InterruptOnPoll())
    assert code == EXIT_CODES["interrupted"] == 130
    assert "run the same command again to resume" in out
    _, status = cli(server, "catalog", "status", "--journal", journal)
    assert "open batch 0: job " in status
    assert "not created yet" not in status
    code, out = cli(server, *args)
    assert code == 0
    assert "30 completed" in out
    assert max(charges(server).values()) == 1
    assert creates(server) == 2


def test_python_dash_m_entry_point(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 1)
    catalog = tmp_path / "c.jsonl"
    catalog.write_text("".join(json.dumps(r) + "\n" for r in rows(range(3))))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "generated"), str(ROOT / "overrides")]),
        "AIGENSTUDIO_API_KEY": API_KEY,
        "AIGENSTUDIO_BASE_URL": server.base_url,
    }
    args = [
        "catalog",
        "run",
        str(catalog),
        "--operation",
        "marketplace_clean",
        "--journal",
        str(tmp_path / "j"),
    ]
    done = subprocess.run(
        [sys.executable, "-m", "aigenstudio", *args], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "3 completed" in done.stdout
    assert done.stderr == ""  # not a TTY: no progress bar


def test_unreadable_input_is_exit_2_in_plain_words(server: FakeServer, tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.csv")
    code, out = cli(server, "catalog", "run", missing, "--operation", "marketplace_clean", "--journal", "j")
    assert code == 2
    assert "missing.csv" in out
    bad = tmp_path / "c.csv"
    bad.write_text("sku,url\n1,https://img.test/1.jpg\n")
    code, out = cli(server, "catalog", "run", str(bad), "--operation", "marketplace_clean",
                    "--journal", str(tmp_path / "j"))  # fmt: skip
    assert code == 2
    assert "source_url" in out


@pytest.mark.parametrize("argv", [["catalog"], ["catalog", "run", "x.csv"]])
def test_usage_errors_are_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv, lambda: None)  # type: ignore[arg-type, return-value]
    assert info.value.code == 2


def test_a_reexport_under_another_name_resumes_on_the_same_journal(
    server: FakeServer, tmp_path: Path
) -> None:
    journal = str(tmp_path / "j.sqlite")
    first = write_csv(tmp_path / "export-monday.csv", rows(range(30)))
    second = write_csv(tmp_path / "export-tuesday.csv", rows([500, *reversed(range(30)), 501]))
    args = ["--operation", "marketplace_clean", "--journal", journal, "--no-progress"]
    assert cli(server, "catalog", "run", str(first), *args)[0] == 0
    code, out = cli(server, "catalog", "run", str(second), *args)
    assert code == 0
    assert "2 completed, 0 failed, 0 invalid, 30 already done" in out
    assert max(charges(server).values()) == 1


def test_the_summary_lists_refused_rows_in_file_order(server: FakeServer, tmp_path: Path) -> None:
    records = [*rows(range(3)), {"external_id": "late", "source_url": "not a url"}]
    records += [
        {"external_id": "early", "source_url": ""},
        {"external_id": "sku-000", "source_url": "https://x.test/"},
    ]
    catalog = write_csv(tmp_path / "c.csv", records)
    code, out = cli(server, "catalog", "run", str(catalog), "--operation", "marketplace_clean",
                    "--skip-invalid", "--no-progress")  # fmt: skip
    assert code == EXIT_CODES["failed_items"]
    listed = [line.split(" (")[0].strip() for line in out.splitlines() if line.startswith("  line")]
    assert listed == ["line 5", "line 6", "line 7"]  # the URL's format is checked last, listed in place
