"""Several jobs in flight: one per API key, at most the account's limit, never charged twice.

The fake API (``aigenstudio.testing`` on 127.0.0.1) enforces one active job per key and two
per account, and records how many jobs were active at each poll and at most. Assertions are on
those records and on request counts, never on timing. Polls sleep a few real milliseconds so
that jobs overlap.
"""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from aigenstudio import aio
from aigenstudio._catalog.cli import main as cli_main
from aigenstudio._catalog.job_events import JobEvents
from aigenstudio._catalog.process import BatchOutcome, iter_catalog, process_catalog
from aigenstudio._core.errors import APIStatusError, RequestValidationError
from aigenstudio._webhooks import WebhookEvent
from aigenstudio.testing import FakeServer, Fault
from aigenstudio_client.client import AuthenticatedClient

from .child import CRASH_EXIT
from .conftest import (
    CREATE,
    creates,
    exchanges,
    finish_after,
    polls_while_active,
    refusals,
    refuse_with_429,
    rows,
    start_other_job,
)
from .test_journal_crashes import charged_once, run_child

KEYS = [f"aigen_test_key{n}0123456789" for n in range(3)]
FAST = {"poll_interval": 0.005, "max_interval": 0.005, "sleep": time.sleep}


def clients(server: FakeServer, n: int) -> list[Any]:
    return [AuthenticatedClient(base_url=server.base_url, token=key) for key in KEYS[:n]]


def run(client: Any, images: Any, journal: Path | None = None, **extra: Any) -> Any:
    for name, value in FAST.items():
        extra.setdefault(name, value)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


def no_credits_for(server: FakeServer, key: str) -> None:
    """Every create sent with ``key`` is refused with a 402 (nothing created)."""
    server.api.inject(Fault.status(402, times=None, api_key=key, operation=CREATE))


def no_worker_left() -> bool:
    return not any(t.name.startswith("aigenstudio-catalog-") for t in threading.enumerate())


def workers_leave() -> bool:
    """Closing the run does not wait for a worker in an API call: it leaves once the call returns."""
    for thread in threading.enumerate():
        if thread.name.startswith("aigenstudio-catalog-"):
            thread.join(30)
    return no_worker_left()


def test_two_keys_keep_two_jobs_busy(server: FakeServer) -> None:
    finish_after(server, 3)  # each job takes three polls
    summary = run(clients(server, 2), rows(range(100)))  # five batches of 20
    assert (summary.completed_count, summary.jobs, summary.credits_used) == (100, 5, 100)
    charged_once(server, list(range(100)))
    assert server.api.max_active_jobs() == 2
    assert refusals(server) == 0  # never a second job on one key, never a third on the account
    polls = polls_while_active(server)
    assert len(polls) == 15  # the same requests as with one key...
    assert sum(1 for active in polls if active == 2) >= len(polls) // 2  # ...mostly two at a time
    assert no_worker_left()


def test_one_key_is_one_job_at_a_time(server: FakeServer) -> None:
    finish_after(server, 3)
    run(clients(server, 1), rows(range(100)))
    assert server.api.max_active_jobs() == 1
    assert max(polls_while_active(server)) == 1
    assert len(polls_while_active(server)) == 15


def test_three_keys_never_pass_max_active_jobs(server: FakeServer) -> None:
    finish_after(server, 3)
    summary = run(clients(server, 3), rows(range(120)), max_active_jobs=2)
    assert summary.completed_count == 120
    assert server.api.max_active_jobs() == 2
    assert max(polls_while_active(server)) == 2
    assert refusals(server) == 0
    charged_once(server, list(range(120)))


@pytest.mark.parametrize("status", [409, 429])
def test_a_refused_create_is_back_pressure(server: FakeServer, status: int) -> None:
    """Other programs hold both of the account's slots: our creates are refused, then wait."""
    blockers = [start_other_job(server, f"aigen_test_other{n}0123456789") for n in range(2)]
    if status == 429:  # the API answers a create beyond a limit 429 (Retry-After: 0)
        server.api.inject(Fault.rewrite(refuse_with_429, times=None, operation=CREATE))
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:  # the other programs' jobs end, one after the other
            for blocker, refused in zip(blockers, (2, 4), strict=True):
                if refusals(server) >= refused:
                    server.api.cancel(blocker)
        time.sleep(min(seconds, 0.005))

    summary = run(clients(server, 3), rows(range(60)), sleep=sleep)
    assert summary.completed_count == 60
    assert refusals(server) >= 2  # waited out, not raised
    assert server.api.max_active_jobs() <= 2
    charged_once(server, list(range(60)))


def after_the_failure(server: FakeServer) -> Any:
    """A poll sleep that lets the first job finish only after the second key's create failed."""

    def sleep(_seconds: float) -> None:
        deadline = time.monotonic() + 10
        while not exchanges(server, CREATE, (402,)) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)  # and the failure has reached the run

    return sleep


def test_a_failing_worker_stops_the_run_after_the_others_finish(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 3)
    no_credits_for(server, KEYS[1])  # the second key has no credits left
    journal = tmp_path / "state.sqlite"
    batches: list[BatchOutcome] = []
    with pytest.raises(APIStatusError) as failure:
        run(
            clients(server, 2),
            rows(range(100)),
            journal,
            on_batch=batches.append,
            sleep=after_the_failure(server),
        )
    assert failure.value.status_code == 402
    assert [b.index for b in batches] == [0]  # the job in flight was finished and recorded
    assert creates(server) == 1  # no new batch started after the failure
    assert no_worker_left()
    db = sqlite3.connect(journal)
    assert db.execute("SELECT seq, status FROM batches ORDER BY seq").fetchall() == [
        (0, "completed"),
        (1, "planned"),
    ]
    db.close()
    summary = run(clients(server, 1), rows(range(100)), journal)  # resume with the good key
    assert (summary.completed_count, summary.skipped_count) == (80, 20)
    charged_once(server, list(range(100)))


def test_closing_the_generator_stops_the_workers(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 3)
    journal = tmp_path / "state.sqlite"
    outcomes = iter_catalog(
        clients(server, 2),
        rows(range(100)),
        namespace="spring",
        journal=journal,
        operation="marketplace_clean",
        **FAST,
    )
    next(outcomes)
    outcomes.close()
    assert workers_leave()
    summary = run(clients(server, 2), rows(range(100)), journal)
    assert summary.completed_count + summary.skipped_count == 100
    charged_once(server, list(range(100)))


@pytest.mark.parametrize("value", [0, -1, True, 2.0, "2"])
def test_max_active_jobs_is_checked(server: FakeServer, value: Any) -> None:
    with pytest.raises(RequestValidationError, match="max_active_jobs"):
        run(clients(server, 2), rows(range(3)), max_active_jobs=value)
    assert creates(server) == 0


def test_an_empty_list_of_clients_is_refused(server: FakeServer) -> None:
    with pytest.raises(RequestValidationError, match="client"):
        run([], rows(range(3)))


@pytest.mark.slow
def test_crash_with_two_jobs_in_flight_then_resume(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 6)  # the first job is still running when the second is created
    catalog = rows(range(45))  # batches of 20, 20, 5
    extra = {"CATALOG_KEYS": "2", "CATALOG_POLL_INTERVAL": "0.02"}
    assert run_child(server, tmp_path, catalog, crash_at="created#2", extra=extra) == CRASH_EXIT
    assert server.api.max_active_jobs() == 2
    db = sqlite3.connect(tmp_path / "state.sqlite")
    submitted = db.execute(
        "SELECT seq FROM batches WHERE status = 'submitted' AND job_id IS NOT NULL"
    ).fetchall()
    db.close()
    assert sorted(submitted) == [(0,), (1,)]  # both active jobs are in the journal
    assert run_child(server, tmp_path, catalog, extra=extra) == 0
    charged_once(server, list(range(45)))
    assert creates(server) == 3


def finished_on_creation(server: FakeServer) -> Any:
    """Jobs that finish at their first read; each new job id, once."""
    finish_after(server, 1)
    lock, announced = threading.Lock(), set[str]()

    def new_jobs() -> list[str]:
        with lock:
            fresh = [job_id for job_id in list(server.api.jobs) if job_id not in announced]
            announced.update(fresh)
            return fresh

    return new_jobs


def test_webhook_events_replace_polling(server: FakeServer) -> None:
    events = JobEvents()
    new_jobs = finished_on_creation(server)

    def on_step(step: str, _batch: int) -> None:
        if step != "created":
            return
        for job_id in new_jobs():  # the API finishes the job and delivers its event
            payload = {"type": "job.completed", "data": {"job_id": job_id, "status": "completed"}}
            events.put(WebhookEvent(f"evt-{job_id}", 0, payload))

    started = time.monotonic()
    summary = run(
        clients(server, 2),
        rows(range(60)),
        job_events=events,
        webhook_url="https://hooks.example.com/aigen",
        poll_interval=30.0,
        max_interval=30.0,  # a missed event would stall this test for 30 s
        on_step=on_step,
    )
    assert summary.completed_count == 60
    assert time.monotonic() - started < 15
    assert len(polls_while_active(server)) <= 2 * 3  # at most two reads per job


def test_a_lost_webhook_event_costs_one_poll_at_max_interval(server: FakeServer) -> None:
    summary = run(
        clients(server, 2),
        rows(range(25)),
        job_events=JobEvents(),
        webhook_url="https://hooks.example.com/aigen",
        max_interval=0.01,
    )
    assert summary.completed_count == 25


def test_job_events_need_a_webhook_url(server: FakeServer) -> None:
    with pytest.raises(RequestValidationError, match="webhook_url"):
        run(clients(server, 1), rows(range(3)), job_events=JobEvents())


async def test_async_two_keys_keep_two_jobs_busy(server: FakeServer) -> None:
    finish_after(server, 3)
    summary = await aio.process_catalog(
        clients(server, 2), rows(range(100)), namespace="n", poll_interval=0.005, max_interval=0.005
    )
    assert summary.completed_count == 100
    assert server.api.max_active_jobs() == 2
    assert refusals(server) == 0
    assert sum(1 for active in polls_while_active(server) if active == 2) >= 7
    charged_once(server, list(range(100)))


async def test_async_failing_worker_stops_the_run(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 3)
    no_credits_for(server, KEYS[1])
    journal = tmp_path / "state.sqlite"
    sleep = after_the_failure(server)

    async def pause(seconds: float) -> None:
        await asyncio.to_thread(sleep, seconds)

    with pytest.raises(APIStatusError):
        await aio.process_catalog(
            clients(server, 2), rows(range(100)), namespace="n", journal=journal, sleep=pause
        )
    assert creates(server) == 1
    summary = await aio.process_catalog(
        clients(server, 1), rows(range(100)), namespace="n", journal=journal, poll_interval=0.005
    )
    assert (summary.completed_count, summary.skipped_count) == (80, 20)
    charged_once(server, list(range(100)))


async def test_async_webhook_events(server: FakeServer) -> None:
    events = JobEvents()
    new_jobs = finished_on_creation(server)

    def on_step(step: str, _batch: int) -> None:
        if step == "created":
            for job_id in new_jobs():
                threading.Thread(target=events.put, args=(_event(job_id),)).start()

    started = time.monotonic()
    summary = await aio.process_catalog(
        clients(server, 2),
        rows(range(45)),
        namespace="n",
        job_events=events,
        webhook_url="https://hooks.example.com/aigen",
        poll_interval=30.0,
        max_interval=30.0,
        on_step=on_step,
    )
    assert summary.completed_count == 45
    assert time.monotonic() - started < 15


def _event(job_id: str) -> WebhookEvent:
    return WebhookEvent(f"evt-{job_id}", 0, {"type": "job.completed", "data": {"job_id": job_id}})


def cli_with_keys(server: FakeServer, tmp_path: Path, *extra: str) -> tuple[int, str, list[str | None]]:
    finish_after(server, 3)
    catalog = tmp_path / "c.jsonl"
    catalog.write_text("".join(json.dumps(r) + "\n" for r in rows(range(100))))
    given: list[str | None] = []

    def make_client(api_key: str | None = None) -> Any:
        given.append(api_key)
        return AuthenticatedClient(base_url=server.base_url, token=api_key or KEYS[0])

    out = io.StringIO()
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--no-progress"]
    args += ["--journal", str(tmp_path / "j.sqlite"), "--poll-interval", "0.005", *extra]
    return cli_main(args, make_client, out), out.getvalue(), given


def test_cli_runs_one_job_per_key(
    server: FakeServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, given = cli_with_keys(server, tmp_path, "--api-key", KEYS[0], "--api-key", KEYS[1])
    assert code == 0
    assert "100 completed" in out
    assert given == KEYS[:2]
    assert server.api.max_active_jobs() == 2
    captured = capsys.readouterr()
    assert not any(key in out + captured.out + captured.err for key in KEYS)  # never printed


def test_cli_reads_the_keys_from_the_environment(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGENSTUDIO_API_KEYS", f"{KEYS[0]}, {KEYS[1]},{KEYS[2]}")
    code, _, given = cli_with_keys(server, tmp_path, "--max-active-jobs", "2")
    assert code == 0
    assert given == KEYS
    assert server.api.max_active_jobs() == 2


def test_cli_without_keys_uses_the_default_client(server: FakeServer, tmp_path: Path) -> None:
    code, _, given = cli_with_keys(server, tmp_path, "--wait-timeout", "60")
    assert code == 0
    assert given == [None]


@pytest.mark.parametrize(
    "bad", [["--max-active-jobs", "0"], ["--poll-interval", "nan"], ["--wait-timeout", "-1"]]
)
def test_cli_refuses_bad_numbers(bad: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli_main(["catalog", "run", "c.csv", "--operation", "x", "--journal", "j", *bad], lambda: None)
    assert info.value.code == 2


def bad_row_after_a_batch() -> list[dict[str, str]]:
    """A full batch (rows 0-19), then a row no job may be created for."""
    return [*rows(range(20)), {"source_url": "", "external_id": "broken"}, *rows(range(21, 30))]


def test_an_invalid_row_stops_the_run_after_the_jobs_in_flight_finish(
    server: FakeServer, tmp_path: Path
) -> None:
    finish_after(server, 2)
    journal = tmp_path / "state.sqlite"
    batches: list[BatchOutcome] = []
    with pytest.raises(RequestValidationError, match=r"images\[20\]\.source_url"):
        run(clients(server, 2), bad_row_after_a_batch(), journal, on_batch=batches.append)
    assert [b.index for b in batches] == [0]  # the job in flight was finished and recorded
    assert creates(server) == 1
    assert no_worker_left()
    db = sqlite3.connect(journal)
    assert db.execute("SELECT seq, status FROM batches").fetchall() == [(0, "completed")]
    db.close()


async def test_async_an_invalid_row_stops_the_run_after_the_jobs_in_flight_finish(
    server: FakeServer, tmp_path: Path
) -> None:
    finish_after(server, 2)
    journal = tmp_path / "state.sqlite"
    batches: list[BatchOutcome] = []
    with pytest.raises(RequestValidationError, match=r"images\[20\]\.source_url"):
        await aio.process_catalog(
            clients(server, 2), bad_row_after_a_batch(), namespace="n", journal=journal,
            on_batch=batches.append, poll_interval=0.005, max_interval=0.005,
        )  # fmt: skip
    assert [b.index for b in batches] == [0]
    assert creates(server) == 1
    db = sqlite3.connect(journal)
    assert db.execute("SELECT seq, status FROM batches").fetchall() == [(0, "completed")]
    db.close()


def finish_at_the_second_read_with_an_event(server: FakeServer, events: JobEvents) -> Any:
    """on_step: each created job ends at its second read, its event delivered at once."""
    finish_after(server, 2)
    seen: set[str] = set()

    def on_step(step: str, _batch: int) -> None:
        if step == "created":
            for job_id in list(server.api.jobs):
                if job_id not in seen:
                    seen.add(job_id)
                    events.put(_event(job_id))

    return on_step


def test_the_first_wait_of_a_job_is_for_its_event_not_a_sleep(server: FakeServer) -> None:
    events, slept = JobEvents(), []
    summary = run(
        clients(server, 2), rows(range(40)), job_events=events, webhook_url="https://hooks.example.com/aigen",
        poll_interval=30.0, max_interval=30.0, sleep=slept.append,
        on_step=finish_at_the_second_read_with_an_event(server, events),
    )  # fmt: skip
    assert summary.completed_count == 40
    assert slept == []  # each job's one wait ended on its event


async def test_async_the_first_wait_of_a_job_is_for_its_event_not_a_sleep(server: FakeServer) -> None:
    events, slept = JobEvents(), []

    async def pause(seconds: float) -> None:
        slept.append(seconds)

    summary = await aio.process_catalog(
        clients(server, 2), rows(range(40)), namespace="n", job_events=events,
        webhook_url="https://hooks.example.com/aigen", poll_interval=30.0, max_interval=30.0, sleep=pause,
        on_step=finish_at_the_second_read_with_an_event(server, events),
    )  # fmt: skip
    assert summary.completed_count == 40
    assert slept == []


async def test_async_rerun_sends_the_rows_after_the_ones_already_done(
    server: FakeServer, tmp_path: Path
) -> None:
    journal = tmp_path / "state.sqlite"
    options: dict[str, Any] = {
        "namespace": "n",
        "journal": journal,
        "poll_interval": 0.005,
        "max_interval": 0.005,
    }
    first = await aio.process_catalog(clients(server, 2), rows(range(20)), **options)
    assert first.completed_count == 20
    # The rerun's first steps are the done rows' outcomes, with no job in flight yet.
    again = await aio.process_catalog(clients(server, 2), rows(range(45)), **options)
    assert (again.completed_count, again.skipped_count) == (25, 20)
    charged_once(server, list(range(45)))
