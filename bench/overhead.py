"""Per-request overhead: the clients of ``bench.clients`` against ``bench.server``, interleaved.

Sync: every client makes N calls per endpoint, in small blocks taken round-robin (the
order rotates each round), each call timed alone; the medians of the per-call times are
compared. Async: each client runs ``concurrency`` workers that share ``calls`` requests,
again round-robin in rounds; throughput is calls per second over the summed block times,
and the server counts the connections each client opened over its whole life: with
connection reuse that stays near the concurrency (the pool), not near the number of calls.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench.clients import AsyncEndpoints, make_async_clients, make_sync_clients
from bench.server import BenchServer

__all__ = ["AsyncResult", "SyncResult", "measure_async", "measure_sync"]

ENDPOINTS = ("operations", "job")


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


def measure_sync(server: BenchServer, calls: int = 2000, block: int = 50, warmup: int = 200) -> SyncResult:
    clients = make_sync_clients(server.base_url)
    names = list(clients)
    samples: dict[str, dict[str, list[int]]] = {e: {n: [] for n in names} for e in ENDPOINTS}
    try:
        for endpoints in clients.values():
            for endpoint in ENDPOINTS:
                _time_block(getattr(endpoints, endpoint), warmup, [])
        for round_no in range(calls // block):
            order = names[round_no % len(names) :] + names[: round_no % len(names)]
            for endpoint in ENDPOINTS:
                for name in order:
                    _time_block(getattr(clients[name], endpoint), block, samples[endpoint][name])
    finally:
        for endpoints in clients.values():
            endpoints.close()
    medians = {e: {n: statistics.median(samples[e][n]) / 1000 for n in names} for e in ENDPOINTS}
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


async def _measure_async(server: BenchServer, calls: int, concurrency: int, rounds: int) -> AsyncResult:
    clients: dict[str, AsyncEndpoints] = make_async_clients(server.base_url)
    names = list(clients)
    elapsed = {e: dict.fromkeys(names, 0.0) for e in ENDPOINTS}
    connections = dict.fromkeys(names, 0)
    per_round = max(concurrency, calls // rounds)
    try:
        for name, endpoints in clients.items():  # warm-up: imports and the pool's connections
            before = server.connections
            await _run_workers(endpoints.operations, concurrency, concurrency)
            connections[name] += server.connections - before
        for round_no in range(rounds):
            order = names[round_no % len(names) :] + names[: round_no % len(names)]
            for endpoint in ENDPOINTS:
                for name in order:
                    before = server.connections
                    call = getattr(clients[name], endpoint)
                    elapsed[endpoint][name] += await _run_workers(call, per_round, concurrency)
                    connections[name] += server.connections - before
    finally:
        for endpoints in clients.values():
            await endpoints.close()
    total = per_round * rounds
    throughput = {e: {n: total / elapsed[e][n] for n in names} for e in ENDPOINTS}
    return AsyncResult(throughput, connections, calls=total, concurrency=concurrency)


def measure_async(
    server: BenchServer, calls: int = 2000, concurrency: int = 50, rounds: int = 8
) -> AsyncResult:
    return asyncio.run(_measure_async(server, calls, concurrency, rounds))


def _self_check() -> None:  # python -m bench.overhead: a quick look without the full run
    with BenchServer(lifetime=60) as server:
        print(measure_sync(server, calls=500))
        print(measure_async(server, calls=1000))


if __name__ == "__main__":
    _self_check()
