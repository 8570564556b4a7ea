"""One run's bookkeeping: an earlier run's failures stay failures (not re-sent), a results file
never overwrites the journal or the catalog, and credit sums count what the API reported."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from aigenstudio import Client
from aigenstudio._catalog.cli import EXIT_CODES
from aigenstudio._catalog.outcomes import ItemOutcome
from aigenstudio._catalog.process import process_catalog
from aigenstudio._core.errors import RequestValidationError
from aigenstudio.testing import Failure, FakeServer, Fault, Reply

from .conftest import API_KEY, READ, creates, finish_after, no_sleep, rows
from .test_cli import cli, write_csv


def run(client: Any, images: Any, journal: Path | None, **extra: Any) -> Any:
    extra.setdefault("sleep", no_sleep)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


def _fail_sku_003(server: FakeServer) -> None:
    server.api.script_failure("sku-003", Failure("source_unreachable", "404 on source"))


def test_items_failed_in_an_earlier_run_are_still_failed(
    server: FakeServer, client: Any, tmp_path: Path
) -> None:
    _fail_sku_003(server)
    journal = tmp_path / "j.sqlite"
    assert run(client, rows(range(10)), journal).failed_count == 1
    seen: list[ItemOutcome] = []
    again = run(client, rows(range(10)), journal, on_item=seen.append)
    assert creates(server) == 1  # not re-sent
    assert (again.skipped_count, again.failed_count, again.failed_earlier_count) == (9, 1, 1)
    assert not again.ok
    assert [i.external_id for i in again.retry_inputs()] == ["sku-003"]
    (earlier,) = [o for o in seen if o.status == "failed"]
    assert (earlier.earlier, earlier.error_code, earlier.row) == (True, "source_unreachable", 3)
    assert all(o.earlier for o in seen)


def test_cli_rerun_with_earlier_failures_is_exit_1(server: FakeServer, tmp_path: Path) -> None:
    _fail_sku_003(server)
    catalog = write_csv(tmp_path / "c.csv", rows(range(10)))
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean",
            "--journal", str(tmp_path / "j.sqlite"), "--no-progress"]  # fmt: skip
    assert cli(server, *args)[0] == EXIT_CODES["failed_items"]
    code, out = cli(server, *args)
    assert code == EXIT_CODES["failed_items"] == 1
    assert "1 failed (1 in an earlier run)" in out
    assert "line 5 (sku-003): source_unreachable: 404 on source (in an earlier run)" in out


def test_results_never_overwrite_the_journal_or_the_catalog(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(25)))
    journal = tmp_path / "state.sqlite"
    base = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", str(journal),
            "--no-progress"]  # fmt: skip
    assert cli(server, *base)[0] == 0
    os.symlink(journal, tmp_path / "alias.sqlite")
    for results in (journal, tmp_path / "alias.sqlite", catalog, Path(f"{journal}-wal")):
        code, out = cli(server, *base, "--results", str(results))
        assert code == EXIT_CODES["input"], out
        assert "would overwrite" in out
    code, out = cli(server, *base, "--journal", str(catalog))
    assert code == EXIT_CODES["input"]
    code, out = cli(server, *base)  # the journal is intact: everything already done
    assert (code, creates(server)) == (0, 2)
    assert "25 already done" in out
    with pytest.raises(RequestValidationError, match="results"):
        process_catalog(None, rows(range(1)), namespace="spring", journal=journal, results=journal)  # type: ignore[arg-type]


def credits_as_floats(reply: Reply) -> Reply:
    """A server that sends 10 credits per item as 10.0 (the job's total as a float too)."""
    job = reply.body["job"]
    for item in job["items"]:
        if "result_url" in item:
            item["credits_used"] = 10.0
    if job["status"] == "completed":
        job["credits_used"] = 10.0 * len(job["items"])
    return reply


def test_credits_sent_as_integral_floats_are_counted(server: FakeServer) -> None:
    # JSON Schema accepts 10.0 as an integer; the summary used to skip it and report 0.
    server.api.inject(Fault.rewrite(credits_as_floats, times=None, operation=READ))
    finish_after(server, 1)
    with Client(api_key=API_KEY, base_url=server.base_url, max_retries=0) as client:
        summary = process_catalog(
            client,
            rows(range(3)),
            namespace="credits",
            operation="marketplace_clean",
            poll_interval=0.001,
            max_interval=0.001,
            sleep=time.sleep,
        )
    assert summary.completed_count == 3
    assert type(summary.credits_used) is int
    assert summary.credits_used == 30
