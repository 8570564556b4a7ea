"""The peer, cold-start and validation pieces of the harness, in quick mode (nothing is timed
against a target here: the numbers only have to exist, the rows to carry the right targets)."""

from __future__ import annotations

import httpx
import pytest

from bench import clients, overhead, peer
from bench.coldstart import measure_cold_start
from bench.overhead import SyncResult, measure_async, measure_sync
from bench.run import async_peer_rows, cold_start_rows, peer_rows, sync_rows, validation_rows
from bench.server import MODEL_ID, BenchServer
from bench.validation import create_body, measure_validation


def test_server_answers_the_openai_model_routes() -> None:
    with BenchServer(lifetime=30) as server, httpx.Client(base_url=f"{server.root_url}/v1") as client:
        model = client.get(f"/models/{MODEL_ID}").json()
        listed = client.get("/models").json()

    assert model == {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "x"}
    assert listed["object"] == "list"
    assert len(listed["data"]) == 20
    assert {item["object"] for item in listed["data"]} == {"model"}


def test_peer_calls_share_the_interleaved_sync_and_async_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("openai")
    # Only raw httpx on our side: this checks the harness, whatever state aigenstudio is in.
    monkeypatch.setattr(overhead, "make_sync_clients", lambda url: {"raw": clients._raw(url)})
    monkeypatch.setattr(overhead, "make_async_clients", lambda url: {"raw": clients._raw_async(url)})
    with BenchServer(lifetime=60) as server:
        with peer.sync_table(server.root_url) as table:
            sync = measure_sync(server, calls=10, block=5, warmup=2, extra=table)
        asynchronous = measure_async(
            server, calls=20, concurrency=4, rounds=2, extra=lambda: peer.async_table(server.root_url)
        )

    for call in (peer.RETRIEVE, peer.LIST):
        assert set(sync.median_us[call]) == {peer.PEER, peer.RAW}
        assert all(value > 0 for value in sync.median_us[call].values())
    assert set(asynchronous.throughput[peer.RETRIEVE]) == {peer.PEER, peer.RAW}
    assert set(sync.median_us["operations"]) == {"raw"}  # ours' endpoints are measured alongside
    assert asynchronous.connections[peer.PEER] >= 1  # counted under its own name
    rows = peer_rows("sync", sync.median_us, "quick")
    assert [row.metric for row in rows] == [
        "sync peer: openai models.retrieve / raw httpx",
        "sync peer: ours operations / raw httpx",
        "sync peer: openai models.list (20 models) / raw httpx",
        "sync peer: ours job (20 items) / raw httpx",
    ]
    assert all(row.limit is None for row in rows)  # information, never pass/fail
    assert rows[0].ratio is not None
    async_rows = async_peer_rows(asynchronous)
    assert [row.metric for row in async_rows] == [
        "async peer: openai models.retrieve / raw httpx",
        "async peer: ours operations / raw httpx",
    ]


def test_peer_row_is_skipped_with_a_note_without_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peer, "peer_missing", lambda: "n/a (openai not importable: test)")
    (row,) = peer_rows("sync", {}, "quick")
    assert row.ratio is None
    assert row.verdict == "-"
    assert "openai not importable" in row.note


def test_cold_start_runs_fresh_interpreters_against_the_server() -> None:
    with BenchServer(lifetime=60) as server:
        result = measure_cold_start(server.base_url, runs=1)

    raw, ours = result.median_ms["raw"], result.median_ms["ours"]
    assert raw is not None
    assert raw > 0
    assert (ours is not None and ours > 0) or "failed" in result.note  # a broken package is a note
    (row,) = cold_start_rows(result)
    assert row.limit == 1.3


def test_validation_cost_is_a_number_or_a_note() -> None:
    assert len(create_body()["images"]) == 20
    result = measure_validation(calls=3, repeats=1)
    if result.us_per_call is None:
        assert result.note.startswith("n/a")
    else:
        assert result.us_per_call > 0
    (row,) = validation_rows(result)
    assert row.metric == "validate 20-image create body"
    assert row.unit == "us"
    assert row.limit is None


def test_issue_12_targets() -> None:
    medians = {e: {"raw": 100.0, "bare": 100.0, "ours": 100.0} for e in ("operations", "job")}
    limits = {row.metric: row.limit for row in sync_rows(SyncResult(medians, calls=1))}
    assert limits["sync operations: ours / raw httpx"] == 1.10
    assert limits["sync job (20 items): ours / raw httpx"] == 1.20
    assert limits["sync operations: ours / bare generated"] == 1.05
    assert limits["sync job (20 items): ours / bare generated"] == 1.05
