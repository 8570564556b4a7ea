"""Per-request overhead: the clients of ``bench.clients`` against ``bench.server``, interleaved.

Sync: every client makes N calls per endpoint, in small blocks taken round-robin (the
order rotates each round), each call timed alone; the medians of the per-call times are
compared. Async: each client runs ``concurrency`` workers that share ``calls`` requests,
again round-robin in rounds; throughput is calls per second over the summed block times,
and the server counts the connections each client opened over its whole life: with
connection reuse that stays near the concurrency (the pool), not near the number of calls.
The ``facade`` client shares ours' pool (bench.clients), so the connections it opens after
ours' warm-up are none.

``extra`` adds more endpoints (endpoint -> client name -> call) to the same rounds, so a peer
SDK (bench.peer) is measured in the same interleaved run as ours; its clients' names must
not repeat ours (connections are counted per name). The sync ``extra`` is a table whose
caller closes it; the async one is a factory of an async context manager yielding the table,
entered inside the event loop that runs the calls (async clients belong to one loop).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass

from bench.clients import AsyncEndpoints, make_async_clients, make_sync_clients
from bench.server import BenchServer

__all__ = ["AsyncResult", "AsyncTable", "SyncResult", "SyncTable", "measure_async", "measure_sync"]

ENDPOINTS = ("operations", "job")
SyncTable = Mapping[str, Mapping[str, Callable[[], object]]]  # endpoint -> client -> call
AsyncTable = Mapping[str, Mapping[str, Callable[[], Awaitable[object]]]]


@dataclass
class SyncResult:
    median_us: dict[str, dict[str, float]]  # endpoint -> client -> median microseconds per call
    calls: int


@dataclass
class AsyncResult:
    throughput: dict[str, dict[str, float]]  # endpoint -> client -> calls per second
    connections: dict[str, int]  # client -> connections it opened, warm-up and rounds together
    calls: int
    concurrency: int


def _time_block(call: Callable[[], object], count: int, sink: list[int]) -> None:
    clock = time.perf_counter_ns
    for _ in range(count):
        start = clock()
        call()
        sink.append(clock() - start)


def _rotated(names: list[str], round_no: int) -> list[str]:
    shift = round_no % len(names)
    return names[shift:] + names[:shift]


def measure_sync(
    server: BenchServer,
    calls: int = 2000,
    block: int = 50,
    warmup: int = 200,
    extra: SyncTable | None = None,
) -> SyncResult:
    clients = make_sync_clients(server.base_url)
    table: dict[str, dict[str, Callable[[], object]]] = {
        e: {name: getattr(endpoints, e) for name, endpoints in clients.items()} for e in ENDPOINTS
    }
    table.update({e: dict(by_client) for e, by_client in (extra or {}).items()})
    samples = {e: {n: list[int]() for n in by_client} for e, by_client in table.items()}
    try:
        for by_client in table.values():
            for call in by_client.values():
                _time_block(call, warmup, [])
        for round_no in range(calls // block):
            for endpoint, by_client in table.items():
                for name in _rotated(list(by_client), round_no):
                    _time_block(by_client[name], block, samples[endpoint][name])
    finally:
        for endpoints in clients.values():
            endpoints.close()
    medians = {
        e: {n: statistics.median(s) / 1000 for n, s in by_client.items()} for e, by_client in samples.items()
    }
    return SyncResult(medians, calls=block * (calls // block))


async def _run_workers(call: Callable[[], Awaitable[object]], calls: int, concurrency: int) -> float:
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await call()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


async def _measure_async(
    server: BenchServer, calls: int, concurrency: int, rounds: int, extra: AsyncTable
) -> AsyncResult:
    clients: dict[str, AsyncEndpoints] = make_async_clients(server.base_url)
    table: dict[str, dict[str, Callable[[], Awaitable[object]]]] = {
        e: {name: getattr(endpoints, e) for name, endpoints in clients.items()} for e in ENDPOINTS
    }
    table.update({e: dict(by_client) for e, by_client in extra.items()})
    elapsed = {e: dict.fromkeys(by_client, 0.0) for e, by_client in table.items()}
    first_call: dict[str, Callable[[], Awaitable[object]]] = {}
    for by_client in table.values():
        for name, call in by_client.items():
            first_call.setdefault(name, call)
    connections = dict.fromkeys(first_call, 0)
    per_round = max(concurrency, calls // rounds)
    try:
        for name, call in first_call.items():  # warm-up: imports and the pool's connections
            before = server.connections
            await _run_workers(call, concurrency, concurrency)
            connections[name] += server.connections - before
        for round_no in range(rounds):
            for endpoint, by_client in table.items():
                for name in _rotated(list(by_client), round_no):
                    before = server.connections
                    elapsed[endpoint][name] += await _run_workers(by_client[name], per_round, concurrency)
                    connections[name] += server.connections - before
    finally:
        for endpoints in clients.values():
            await endpoints.close()
    total = per_round * rounds
    throughput = {e: {n: total / t for n, t in by_client.items()} for e, by_client in elapsed.items()}
    return AsyncResult(throughput, connections, calls=total, concurrency=concurrency)


def measure_async(
    server: BenchServer,
    calls: int = 2000,
    concurrency: int = 50,
    rounds: int = 8,
    extra: Callable[[], AbstractAsyncContextManager[AsyncTable]] | None = None,
) -> AsyncResult:
    async def main() -> AsyncResult:
        async with AsyncExitStack() as stack:
            table = await stack.enter_async_context(extra()) if extra is not None else {}
            return await _measure_async(server, calls, concurrency, rounds, table)

    return asyncio.run(main())


def _self_check() -> None:  # python -m bench.overhead: a quick look without the full run
    with BenchServer(lifetime=60) as server:
        print(measure_sync(server, calls=500))
        print(measure_async(server, calls=1000))


if __name__ == "__main__":
    _self_check()
