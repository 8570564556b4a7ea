"""Which API key a batch belongs to: recorded with the batch, and the only key a rerun uses for it.

The fake API scopes idempotency keys and jobs per API key, as the vendor documents: a batch
re-sent with another key would be a second job (charged again), and a job read with another
key is a 404. So a rerun must resume each open batch through the key that sent
it, whatever the order the keys are given in, and stop (nothing sent) if that key is missing.
"""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aigenstudio import Client, aio
from aigenstudio._catalog.cli import main as cli_main
from aigenstudio._catalog.journal import JournalKeyMissingError
from aigenstudio._catalog.process import process_catalog
from aigenstudio._catalog.slots import client_fingerprint, slot_clients
from aigenstudio._core.api_key import key_fingerprint
from aigenstudio._core.errors import APIConnectionError
from aigenstudio.testing import FakeServer, Fault
from aigenstudio_client.client import AuthenticatedClient

from .child import CRASH_EXIT, crash_key
from .conftest import CREATE, creates, finish_after, inject, reads, rows, withdraw
from .test_journal_crashes import charged_once, run_child

A, B = "aigen_test_keyA0123456789", "aigen_test_keyB0123456789"
FAST = {"poll_interval": 0.005, "max_interval": 0.005}


def bare(server: FakeServer, key: str) -> Any:
    return AuthenticatedClient(base_url=server.base_url, token=key)


def run(clients: list[Any], journal: Path, count: int = 45, **extra: Any) -> Any:
    return process_catalog(
        clients,
        rows(range(count)),
        namespace="keys",
        journal=journal,
        operation="marketplace_clean",
        sleep=lambda _s: None,
        **{**FAST, **extra},
    )


def batches(journal: Path) -> list[tuple[int, str, str | None, str | None]]:
    db = sqlite3.connect(journal)
    try:
        return db.execute("SELECT seq, status, job_id, key_fingerprint FROM batches ORDER BY seq").fetchall()
    finally:
        db.close()


def read_with_other_keys(server: FakeServer) -> list[tuple[str, str, bool]]:
    """Job reads through a key that did not create the job (a 404 on this API)."""
    owner = {job.id: job.api_key for job in server.api.jobs.values()}
    return [read for read in reads(server) if owner.get(read[0]) != read[1]]


def lose_create_answers(server: FakeServer, key: str) -> Fault:
    """Every create sent with ``key`` is performed, and its answer lost (the connection drops)."""
    return inject(server, Fault.lost_response(times=None, api_key=key, operation=CREATE))


def lose_a_create_answer(server: FakeServer, journal: Path) -> None:
    """Run 1 with keys A, B: batch 0 goes to A, whose create is performed but never answered;
    batch 1 (key B) finishes. Batch 0 stays open, its job on the server, under A only."""
    lost = lose_create_answers(server, A)
    # 40 rows: two batches only, so no third batch can start on B while A's lost answer is
    # still being retried (the rerun's 45 rows add a third batch).
    with pytest.raises(APIConnectionError):
        run([bare(server, A), bare(server, B)], journal, count=40)
    withdraw(server, lost)
    recorded = batches(journal)
    assert [(seq, status, fp) for seq, status, _, fp in recorded] == [
        (0, "planned", key_fingerprint(A)),
        (1, "completed", key_fingerprint(B)),
    ]
    assert creates(server) == 2


def rerun_sync(clients: list[Any], journal: Path) -> Any:
    return run(clients, journal)


def rerun_one_slot(clients: list[Any], journal: Path) -> Any:
    return run(clients, journal, max_active_jobs=1)  # both keys given, one job at a time


def rerun_async(clients: list[Any], journal: Path) -> Any:
    async def main() -> Any:
        return await aio.process_catalog(
            clients,
            rows(range(45)),
            namespace="keys",
            journal=journal,
            operation="marketplace_clean",
            **FAST,
        )

    return asyncio.run(main())


@pytest.mark.parametrize("rerun", [rerun_sync, rerun_one_slot, rerun_async])
def test_a_lost_create_answer_is_resent_with_its_own_key(
    server: FakeServer, tmp_path: Path, rerun: Callable[[list[Any], Path], Any]
) -> None:
    journal = tmp_path / "state.sqlite"
    lose_a_create_answer(server, journal)
    summary = rerun([bare(server, B), bare(server, A)], journal)  # the other order: B first
    assert (summary.completed_count, summary.skipped_count) == (25, 20)
    charged_once(server, list(range(45)))  # batch 0 found again under A, not created under B
    assert creates(server) == 3
    assert read_with_other_keys(server) == []
    assert [fp for *_, fp in batches(journal)] == [key_fingerprint(k) for k in (A, B, B)]


def test_a_missing_key_stops_the_rerun_before_anything_is_sent(server: FakeServer, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    lose_a_create_answer(server, journal)
    created, read = creates(server), len(reads(server))
    with pytest.raises(JournalKeyMissingError) as stopped:
        run([bare(server, B)], journal)
    message = str(stopped.value)
    assert "batch 0" in message
    assert key_fingerprint(A) in message
    assert "pass that API key again" in message
    assert A not in message
    assert B not in message
    assert stopped.value.missing == {key_fingerprint(A): [0]}
    assert (creates(server), len(reads(server))) == (created, read)  # nothing sent
    assert batches(journal)[0][1:] == ("planned", None, key_fingerprint(A))
    # Given the key again, the run resumes: every image charged once.
    assert run([bare(server, B), bare(server, A)], journal).completed_count == 25
    charged_once(server, list(range(45)))


def test_the_cli_names_the_missing_key_by_fingerprint_and_exits_4(server: FakeServer, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    catalog = tmp_path / "c.jsonl"
    catalog.write_text("".join(json.dumps(r) + "\n" for r in rows(range(45))))
    lost = lose_create_answers(server, A)
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--no-progress"]
    args += ["--journal", str(journal), "--poll-interval", "0.005"]
    out = io.StringIO()
    assert cli_main([*args, "--api-key", A, "--api-key", B], lambda api_key: bare(server, api_key), out) == 3
    withdraw(server, lost)
    created = creates(server)
    out = io.StringIO()
    code = cli_main([*args, "--api-key", B], lambda api_key: bare(server, api_key), out)
    assert code == 4
    text = out.getvalue()
    assert key_fingerprint(A) in text
    assert "batch 0" in text
    assert A not in text
    assert B not in text
    assert creates(server) == created


@pytest.mark.slow
def test_crash_with_two_keys_then_resume_with_the_keys_swapped(server: FakeServer, tmp_path: Path) -> None:
    finish_after(server, 6)  # the first job is still running when the second is created
    catalog = rows(range(45))  # batches of 20, 20, 5
    extra = {"CATALOG_KEYS": "2", "CATALOG_POLL_INTERVAL": "0.02"}
    assert run_child(server, tmp_path, catalog, crash_at="created#2", extra=extra) == CRASH_EXIT
    open_jobs = {job_id: fp for _, status, job_id, fp in batches(tmp_path / "state.sqlite") if job_id}
    assert sorted(open_jobs.values()) == sorted(key_fingerprint(crash_key(n)) for n in (0, 1))
    assert run_child(server, tmp_path, catalog, extra={**extra, "CATALOG_KEY_ORDER": "1,0"}) == 0
    charged_once(server, list(range(45)))
    assert creates(server) == 3
    assert read_with_other_keys(server) == []  # each reopened job polled through its own key
    for job_id in open_jobs:
        assert any(read[0] == job_id and read[2] for read in reads(server))


def test_a_create_refused_outright_frees_the_batch_for_any_key(server: FakeServer, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    no_credits = inject(server, Fault.status(402, times=None, api_key=A, operation=CREATE))  # nothing created
    with pytest.raises(Exception, match=r"402|insufficient"):
        run([bare(server, A)], journal, count=5)
    assert batches(journal) == [(0, "planned", None, None)]
    withdraw(server, no_credits)
    assert run([bare(server, B)], journal, count=5).completed_count == 5
    assert batches(journal)[0][3] == key_fingerprint(B)
    charged_once(server, list(range(5)))


def test_the_fingerprint_is_never_the_key(server: FakeServer, tmp_path: Path) -> None:
    journal = tmp_path / "state.sqlite"
    lose_a_create_answer(server, journal)
    run([bare(server, B), bare(server, A)], journal)
    recorded = {fp for *_, fp in batches(journal)}
    assert recorded == {key_fingerprint(A), key_fingerprint(B)}
    for fp in recorded:
        assert fp is not None
        assert len(fp) == 12
        assert int(fp, 16) >= 0
        assert fp not in (A, B)
        assert fp not in A
        assert fp not in B
        assert not any(key[i : i + 6] in fp for key in (A, B) for i in range(len(key) - 5))
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("state.sqlite"))
    assert A.encode() not in stored
    assert B.encode() not in stored


def test_client_fingerprints(server: FakeServer) -> None:
    ours = Client(api_key=A, base_url=server.base_url)
    try:
        assert client_fingerprint(ours) == client_fingerprint(bare(server, A)) == key_fingerprint(A)
        assert client_fingerprint(ours) != client_fingerprint(bare(server, B))
    finally:
        ours.close()
    assert client_fingerprint(object()) is None
    # Two clients of one key are one slot (the API runs one job per key).
    one, again, other = bare(server, A), bare(server, A), bare(server, B)
    assert slot_clients([one, again, other, one], 2) == [one, other]
