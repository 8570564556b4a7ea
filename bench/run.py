"""`make bench`: what the client costs over raw httpx, and what regeneration costs.

Sections: per-call overhead, sync and async, with our client's resource facade and a peer SDK
(openai-python, optional) in the same interleaved rounds (bench.overhead, bench.clients,
bench.peer); cold start in fresh interpreters (bench.coldstart); import time
(bench.importtime); the pre-flight validation of a create body (bench.validation);
regeneration and scale (bench.regen); `make diff --http-only` on the synthetic spec
(bench.diff_bench).

Prints one table (metric, ours, reference, ratio, target, pass/fail) and writes it with
the machine's description to reports/bench.json. Absolute times on shared machines are
noisy; the ratios of interleaved runs are what count. ``--quick`` is a fast smoke run
(small N, no scale section) for checking the harness itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script (make bench): make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import peer
from bench.catalog_bench import catalog_rows
from bench.clients import ours_available
from bench.coldstart import ColdStartResult, measure_cold_start
from bench.diff_bench import diff_rows, measure_diff
from bench.importtime import measure_imports
from bench.overhead import AsyncResult, SyncResult, SyncTable, measure_async, measure_sync
from bench.regen import RegenResult, ScaleResult, measure_regeneration, measure_scale
from bench.report import Row, render, write_json
from bench.server import BenchServer
from bench.validation import ValidationResult, measure_validation

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "reports" / "bench.json"
LABELS = {"operations": "operations", "job": "job (20 items)"}
# Issue 12's targets for ours / raw httpx, per endpoint (ours / bare generated: 1.05 for both).
RAW_LIMITS = {"operations": 1.10, "job": 1.20}
BARE_LIMIT = 1.05
# Issue 13's target for the resource facade over the generated function, same client.
FACADE_LIMIT = 1.02
FACADE_CALLS = {  # endpoint -> (facade call, generated function); {f} is sync or asyncio
    "operations": ("client.product_photo_operations.list()", "list_product_photo_operations.{f}(client=)"),
    "job": ("client.product_photo_jobs.get(job_id)", "get_product_photo_job.{f}(job_id, client=)"),
}
# Each peer call beside the call of ours it resembles: a small object; a list of 20.
PEER_PAIRS = {peer.RETRIEVE: "operations", peer.LIST: "job"}
PEER_LABELS = {peer.RETRIEVE: "models.retrieve", peer.LIST: "models.list (20 models)"}


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def sync_rows(result: SyncResult) -> list[Row]:
    rows: list[Row] = []
    missing = ours_available()
    note = f"median/call, N={result.calls}" + (f"; {missing}" if missing else "")
    for endpoint, label in LABELS.items():
        medians = result.median_us[endpoint]
        ours = medians.get("ours")
        limit = RAW_LIMITS[endpoint]
        rows.append(Row(f"sync {label}: ours / raw httpx", ours, medians["raw"], "us", limit, note))
        rows.append(
            Row(f"sync {label}: ours / bare generated", ours, medians["bare"], "us", BARE_LIMIT, note)
        )
        rows.append(Row(f"sync {label}: bare / raw httpx", medians["bare"], medians["raw"], "us"))
    return rows + facade_rows("sync", result.median_us, note)


def facade_rows(mode: str, per_call_us: dict[str, dict[str, float]], note: str) -> list[Row]:
    """Issue 13: the resource facade / the generated function, both on one instance of our client
    (the facade's own work per call); n/a when our client is absent."""
    rows: list[Row] = []
    function = "sync" if mode == "sync" else "asyncio"
    for endpoint, (facade, direct) in FACADE_CALLS.items():
        timings = per_call_us[endpoint]
        calls = f"{'' if mode == 'sync' else 'await '}{facade} vs {direct.format(f=function)}"
        rows.append(
            Row(
                f"{mode} {endpoint}: facade / ours direct",
                timings.get("facade"),
                timings.get("ours"),
                "us",
                FACADE_LIMIT,
                f"{note}; one client instance, {calls}",
            )
        )
    return rows


def async_rows(result: AsyncResult) -> list[Row]:
    rows: list[Row] = []
    note = f"{result.concurrency} concurrent, N={result.calls}; time per call = 1/throughput"
    for endpoint, label in LABELS.items():
        # Compared as time per call (1/throughput) so that, like the sync rows, lower is better.
        per_call = {name: 1e6 / calls_per_s for name, calls_per_s in result.throughput[endpoint].items()}
        ours = per_call.get("ours")
        limit = RAW_LIMITS[endpoint]
        rows.append(Row(f"async {label}: ours / raw httpx", ours, per_call["raw"], "us", limit, note))
        rows.append(
            Row(f"async {label}: ours / bare generated", ours, per_call["bare"], "us", BARE_LIMIT, note)
        )
    per_call_us = {e: {n: 1e6 / tput for n, tput in by.items()} for e, by in result.throughput.items()}
    rows += facade_rows("async", per_call_us, note)
    conn = result.connections
    total_calls = 2 * result.calls + result.concurrency
    rows.append(
        Row(
            "async connections opened: ours / concurrency",
            conn.get("ours"),
            result.concurrency,
            "conn",
            1.2,
            f"over {total_calls} calls; raw httpx opened {conn['raw']}, bare {conn['bare']}",
        )
    )
    return rows


def peer_rows(mode: str, per_call_us: dict[str, dict[str, float]], note: str) -> list[Row]:
    """openai-python's call / raw httpx beside ours' / raw httpx, from the same run (info)."""
    missing = peer.peer_missing()
    if missing is not None:
        return [Row(f"{mode} peer: openai-python / raw httpx", None, None, "us", note=f"skipped: {missing}")]
    note = f"openai {peer.peer_version()}, same interleaved run; " + note
    rows: list[Row] = []
    for call, ours_endpoint in PEER_PAIRS.items():
        if call not in per_call_us:
            continue  # not measured in this mode (async: models.retrieve only)
        timings, ours = per_call_us[call], per_call_us[ours_endpoint]
        rows.append(
            Row(
                f"{mode} peer: openai {PEER_LABELS[call]} / raw httpx",
                timings[peer.PEER],
                timings[peer.RAW],
                "us",
                note=note,
            )
        )
        label = LABELS[ours_endpoint]
        rows.append(
            Row(f"{mode} peer: ours {label} / raw httpx", ours.get("ours"), ours["raw"], "us", note=note)
        )
    return rows


def sync_peer_rows(result: SyncResult) -> list[Row]:
    return peer_rows("sync", result.median_us, f"median/call, N={result.calls}")


def async_peer_rows(result: AsyncResult) -> list[Row]:
    per_call = {e: {n: 1e6 / tput for n, tput in by.items()} for e, by in result.throughput.items()}
    return peer_rows("async", per_call, f"{result.concurrency} concurrent, N={result.calls}; 1/throughput")


def cold_start_rows(result: ColdStartResult) -> list[Row]:
    note = f"fresh interpreter: import, client, 1 GET operations; median of {result.runs}, interleaved"
    if result.note:
        note += f"; {result.note}"
    return [
        Row(
            "cold start (import + client + 1 call) / raw httpx",
            result.median_ms["ours"],
            result.median_ms["raw"],
            "ms",
            1.3,
            note,
        )
    ]


def validation_rows(result: ValidationResult) -> list[Row]:
    note = result.note or (
        f"createProductPhotoJob.validate_arguments(json=, headers=), unsent; median of block means, "
        f"{result.calls} calls"
    )
    return [Row("validate 20-image create body", result.us_per_call, None, "us", note=note)]


def import_rows(result: dict[str, float], runs: int) -> list[Row]:
    note = f"fresh interpreter, median of {runs}"
    httpx_ms = result["import httpx"]
    return [
        Row("import aigenstudio / import httpx", result["import aigenstudio"], httpx_ms, "ms", 1.3, note),
        Row(
            "from aigenstudio import Client / import httpx",
            result["from aigenstudio import Client"],
            httpx_ms,
            "ms",
            1.5,  # issue 21: "import only what the first call needs"
            note + "; what a caller pays before the first request",
        ),
    ]


def regen_rows(result: RegenResult) -> list[Row]:
    note = f"wall, median of {result.repeats}, temp copy"
    return [
        Row("make generate (cold) / bare generator", result.generate_cold, result.bare, "s", 1.5, note),
        Row("make check / bare generator", result.check, result.bare, "s", 1.5, note),
        Row("make generate (no change) / bare", result.generate_unchanged, result.bare, "s", 0.25, note),
    ]


def scale_rows(result: ScaleResult) -> list[Row]:
    size = f"{result.operations} ops, {result.schemas} schemas, {result.spec_kib:.0f} KiB"
    gen, bare = result.generate, result.bare
    rows = [
        Row(
            "scale: make generate / bare generator",
            gen.seconds,
            bare.seconds,
            "s",
            1.5,
            f"wall, 1 cold run; {size}",
        ),
        Row("scale: make generate peak RSS / bare", gen.peak_mib, bare.peak_mib, "MiB"),
    ]
    if result.diff is None:
        rows.append(Row("scale: make diff", None, None, "s", note="n/a (tool not present)"))
    else:
        diff = result.diff
        note = f"exit {diff.code}; regenerates old and new; reference = bare generator x1"
        rows.append(Row("scale: make diff / bare generator", diff.seconds, bare.seconds, "s", note=note))
        rows.append(Row("scale: make diff peak RSS / bare", diff.peak_mib, bare.peak_mib, "MiB"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small N and no scale section (smoke run)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="JSON report (default: %(default)s)")
    args = parser.parse_args(argv)
    calls, import_runs, regen_repeats = (200, 3, 1) if args.quick else (2000, 9, 3)
    with_peer = peer.peer_missing() is None
    started = time.perf_counter()
    rows: list[Row] = []

    def step(name: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {name}", file=sys.stderr, flush=True)

    with BenchServer(lifetime=600) as server:
        step("sync per-request overhead" + (" (with the openai-python peer)" if with_peer else ""))
        with contextlib.ExitStack() as stack:
            table: SyncTable = stack.enter_context(peer.sync_table(server.root_url)) if with_peer else {}
            sync = measure_sync(server, calls=calls, extra=table)
        rows += sync_rows(sync)
        rows += sync_peer_rows(sync)
        step("async throughput and connection reuse")
        async_table = (lambda: peer.async_table(server.root_url)) if with_peer else None
        asynchronous = measure_async(server, calls=calls, extra=async_table)
        rows += async_rows(asynchronous)
        rows += async_peer_rows(asynchronous)
        step("cold start (fresh interpreters)")
        rows += cold_start_rows(measure_cold_start(server.base_url, runs=import_runs))
    step("import time")
    rows += import_rows(measure_imports(runs=import_runs), import_runs)
    step("validation cost")
    rows += validation_rows(measure_validation(calls=200 if args.quick else 2000))
    rows += catalog_rows(args.quick)  # process_catalog at scale (bench.catalog_bench), fresh interpreters
    step("regeneration")
    rows += regen_rows(measure_regeneration(repeats=regen_repeats))
    if not args.quick:
        step("scale (synthetic spec)")
        rows += scale_rows(measure_scale())
        step("API diff, HTTP only (synthetic spec)")
        rows += diff_rows(measure_diff())
    step("done")
    meta = {**machine(), "seconds": round(time.perf_counter() - started, 1), "quick": args.quick}
    print(render(rows))
    print(f"\nmachine: {meta['cpu']}, nproc={meta['nproc']}, Python {meta['python']}; {meta['seconds']} s")
    write_json(args.output, rows, meta)
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
