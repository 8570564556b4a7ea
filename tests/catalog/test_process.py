"""process_catalog with a journal, in process: skips, locking, results files, limits, the summary."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import aigenstudio
import pytest
from aigenstudio import aio
from aigenstudio._catalog.journal import Journal, JournalBusyError, JournalMismatchError
from aigenstudio._catalog.process import ItemOutcome, iter_catalog, process_catalog
from aigenstudio.testing import FakeServer, Fault
from aigenstudio_client.client import AuthenticatedClient

from .conftest import API_KEY, CREATE, charges, creates, no_sleep, refusals, rows, start_other_job

ROOT = Path(__file__).resolve().parents[2]
OTHER_KEY = "aigen_test_other0123456789"


def run(client: Any, images: Any, journal: Path | None, **extra: Any) -> Any:
    extra.setdefault("sleep", no_sleep)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


def test_rerun_skips_every_finished_item_without_a_request(
    server: FakeServer, client: Any, tmp_path: Path
) -> None:
    journal = tmp_path / "state.sqlite"
    first = run(client, rows(range(45)), journal)
    assert (first.completed_count, first.jobs, first.credits_used) == (45, 3, 45)
    created = creates(server)
    seen: list[ItemOutcome] = []
    second = run(client, rows(range(45)), journal, on_item=seen.append)
    assert creates(server) == created
    assert (second.skipped_count, second.jobs, second.credits_used) == (45, 0, 0)
    assert all(o.status == "completed" and o.earlier and o.result_url for o in seen)
    assert [o.row for o in seen] == list(range(45))


def test_new_rows_of_a_reexport_are_the_only_ones_sent(
    server: FakeServer, client: Any, tmp_path: Path
) -> None:
    journal = tmp_path / "state.sqlite"
    run(client, rows(range(30)), journal)
    summary = run(client, rows([900, 901, *range(30), 902]), journal)
    assert (summary.completed_count, summary.skipped_count) == (3, 30)
    assert max(charges(server).values()) == 1
    assert len(charges(server)) == 33


def test_a_second_concurrent_run_is_refused(server: FakeServer, client: Any, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    holder = Journal(journal)
    try:
        with pytest.raises(JournalBusyError, match="another catalog run"):
            run(client, rows(range(3)), journal)
    finally:
        holder.close()
    assert creates(server) == 0
    assert run(client, rows(range(3)), journal).completed_count == 3  # free again


def test_a_run_in_another_process_holds_the_journal(server: FakeServer, client: Any, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    code = (
        "import sys; from aigenstudio._catalog.journal import Journal; "
        f"j = Journal({str(journal)!r}); print('held', flush=True); sys.stdin.readline()"
    )
    env = {"PYTHONPATH": f"{ROOT / 'generated'}:{ROOT / 'overrides'}"}
    other = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "held"
        with pytest.raises(JournalBusyError):
            run(client, rows(range(3)), journal)
    finally:
        other.kill()  # a killed holder: the OS drops its lock
        other.wait()
    assert run(client, rows(range(3)), journal).completed_count == 3


def test_other_options_on_the_same_journal_are_refused(client: Any, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    run(client, rows(range(2)), journal)
    with pytest.raises(JournalMismatchError, match="options"):
        process_catalog(client, rows(range(2)), namespace="spring", journal=journal, operation="premium_ad")


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_results_file(client: Any, tmp_path: Path, suffix: str) -> None:
    results = tmp_path / f"results{suffix}"
    images = [*rows(range(21)), {"source_url": "", "external_id": "broken"}]
    run(client, images, tmp_path / "s.sqlite", results=results, on_invalid="skip")
    text = results.read_text()
    if suffix == ".jsonl":
        records = [json.loads(line) for line in text.splitlines()]
    else:
        records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == 22
    by_status = {r["status"] for r in records}
    assert by_status == {"completed", "invalid"}
    done = next(r for r in records if r["status"] == "completed")
    assert done["result_url"].startswith("https://cdn.aigenstudio.fake/")
    assert done["thumbnail_url"]
    bad = next(r for r in records if r["status"] == "invalid")
    assert bad["row"] in (21, "21")
    assert "images[21].source_url" in bad["error_message"]


def test_on_invalid_skip_reports_the_row_and_sends_the_rest(server: FakeServer, client: Any) -> None:
    images: list[Any] = [*rows(range(5)), {"external_id": "no-url"}, *rows(range(5, 10)), "junk"]
    images.append({"source_url": "not a url", "external_id": "bad-url"})
    summary = run(client, images, None, on_invalid="skip")
    assert (summary.completed_count, summary.invalid_count) == (10, 3)
    assert [(o.row, o.status) for o in summary.failed] == [(5, "invalid"), (11, "invalid"), (12, "invalid")]
    assert "images[12].source_url" in (summary.failed[2].error_message or "")
    assert len(charges(server)) == 10


def test_limits_are_back_pressure(server: FakeServer, client: Any) -> None:
    server.api.jobs_per_account = 1
    blocker = start_other_job(server, OTHER_KEY)
    # two 429s (Retry-After: 0), then an account at its limit
    server.api.inject(Fault.status(429, retry_after="0", times=2, operation=CREATE))
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            server.api.cancel(blocker)  # the other key's job ends; ours may start

    summary = run(client, rows(range(3)), None, sleep=sleep, poll_interval=0.5, max_interval=4.0)
    assert summary.completed_count == 3
    assert refusals(server) >= 3
    assert sleeps[:3] == [0.5, 0.75, 1.125]  # backoff, never below Retry-After
    assert creates(server, API_KEY) == 1


def test_iter_catalog_streams_outcomes_and_returns_the_summary(client: Any) -> None:
    generator = iter_catalog(client, rows(range(25)), namespace="n", sleep=no_sleep)
    first = next(generator)
    assert first.status == "completed"
    assert first.row == 0
    rest = list(generator)
    assert len(rest) == 24


def test_summary_stays_small(client: Any) -> None:
    summary = run(client, rows(range(200)), None)
    assert summary.completed_count == 200
    assert len(repr(summary)) < 200


class Crash(Exception):
    pass


async def test_async_run_resumes_from_its_journal(server: FakeServer, tmp_path: Path) -> None:
    client = AuthenticatedClient(base_url=server.base_url, token=API_KEY)
    journal = tmp_path / "state.sqlite"

    def crash(step: str, batch: int) -> None:
        if (step, batch) == ("created", 1):
            raise Crash

    async def sleep(_s: float) -> None:
        pass

    with pytest.raises(Crash):
        await aio.process_catalog(
            client, rows(range(45)), namespace="n", journal=journal, on_step=crash, sleep=sleep
        )
    summary = await aio.process_catalog(client, rows(range(45)), namespace="n", journal=journal, sleep=sleep)
    assert summary.skipped_count == 20
    assert summary.completed_count == 25
    assert max(charges(server).values()) == 1
    assert len(charges(server)) == 45


def test_a_run_without_a_journal_leaves_no_temporary_files(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    summary = run(client, rows(range(3)), None)
    assert summary.completed_count == 3
    assert summary.journal is None
    assert list(tmp_path.iterdir()) == []  # gone when the run returns, not when the summary is


def test_the_summary_holds_counts_and_failures_only(client: Any) -> None:
    summary = run(client, rows(range(3)), None)
    for view in ("items", "completed", "batches"):  # per-item views would read a journal back
        assert not hasattr(summary, view)
    for module in (aigenstudio, aio):
        assert not hasattr(module, "CatalogReport")
        assert not hasattr(module, "ItemReport")
