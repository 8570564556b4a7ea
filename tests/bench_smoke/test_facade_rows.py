"""The resource facade rows of make bench (issue 13 item 5), in quick mode: the facade is one
more client in the same interleaved sync and async rounds, on ours' client instance, and its
rows carry the 1.02x target. Nothing is timed against a target here."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bench import clients
from bench.overhead import AsyncResult, SyncResult, measure_async, measure_sync
from bench.run import FACADE_LIMIT, async_rows, facade_rows, sync_rows
from bench.server import BenchServer

FACADE_METRICS = ["{mode} operations: facade / ours direct", "{mode} job: facade / ours direct"]


@pytest.fixture(scope="module")
def server() -> Iterator[BenchServer]:
    missing = clients.ours_available()
    if missing is not None:
        pytest.skip(missing)
    with BenchServer(lifetime=60) as running:
        yield running


def test_the_facade_and_ours_direct_share_one_client_and_return_the_same_models(
    server: BenchServer,
) -> None:
    sync = clients.make_sync_clients(server.base_url)
    try:
        ours, facade = sync["ours"], sync["facade"]
        for endpoint in ("operations", "job"):
            direct, through = getattr(ours, endpoint)(), getattr(facade, endpoint)()
            assert type(through) is type(direct)
            assert through.to_dict() == direct.to_dict()
        facade.close()  # a no-op: ours owns the shared client
        assert ours.operations() is not None
    finally:
        for endpoints in sync.values():
            endpoints.close()

    async def both() -> None:
        table = clients.make_async_clients(server.base_url)
        try:
            for endpoint in ("operations", "job"):
                direct = await getattr(table["ours"], endpoint)()
                through = await getattr(table["facade"], endpoint)()
                assert through.to_dict() == direct.to_dict()
        finally:
            for endpoints in table.values():
                await endpoints.close()

    asyncio.run(both())


def test_quick_sync_and_async_runs_give_the_facade_rows(server: BenchServer) -> None:
    sync = measure_sync(server, calls=10, block=5, warmup=2)
    asynchronous = measure_async(server, calls=20, concurrency=4, rounds=2)

    for endpoint in ("operations", "job"):
        assert set(sync.median_us[endpoint]) == {"raw", "bare", "ours", "facade"}
        assert all(value > 0 for value in sync.median_us[endpoint].values())
        assert set(asynchronous.throughput[endpoint]) == {"raw", "bare", "ours", "facade"}
    assert asynchronous.connections["ours"] >= 1
    assert asynchronous.connections["facade"] == 0  # ours' pool, already warm

    sync_table = {row.metric: row for row in sync_rows(sync)}
    async_table = {row.metric: row for row in async_rows(asynchronous)}
    for mode, table in (("sync", sync_table), ("async", async_table)):
        for metric in (template.format(mode=mode) for template in FACADE_METRICS):
            row = table[metric]
            assert row.limit == FACADE_LIMIT == 1.02
            assert row.ratio is not None  # a number; its size is make bench's business
            assert row.verdict in {"pass", "FAIL"}
    # The rows of issue 12 are still there, beside the new ones.
    assert "sync operations: ours / bare generated" in sync_table
    assert "async job (20 items): ours / raw httpx" in async_table
    assert "async connections opened: ours / concurrency" in async_table


def test_facade_rows_are_na_without_our_client() -> None:
    timings = {e: {"raw": 100.0, "bare": 100.0} for e in ("operations", "job")}
    rows = facade_rows("sync", timings, "quick")
    assert [row.metric for row in rows] == [t.format(mode="sync") for t in FACADE_METRICS]
    assert [row.verdict for row in rows] == ["n/a", "n/a"]
    assert [row.metric for row in sync_rows(SyncResult(timings, calls=1))][-2:] == [
        t.format(mode="sync") for t in FACADE_METRICS
    ]
    throughput = {e: {"raw": 1000.0, "bare": 1000.0} for e in ("operations", "job")}
    result = AsyncResult(throughput, {"raw": 4, "bare": 4}, calls=1, concurrency=4)
    metrics = [row.metric for row in async_rows(result)]
    assert all(t.format(mode="async") in metrics for t in FACADE_METRICS)
