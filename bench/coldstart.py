"""Cold start: import, build a client and make one call, in a fresh interpreter, ours vs raw httpx.

Each sample is a new ``python -c`` process that times, with ``perf_counter``, everything
between its first import and the decoded response of one ``GET /product-photo-operations``
on the loopback bench server (the interpreter's own start-up is excluded, as in
bench.importtime). Ours pays what a first call really costs: the lazy imports behind
``Client``, the spec parsed and compiled on first use, the checks; raw httpx pays its import,
a client and ``json.loads``. Both run from byte code, as installed (bench.importtime says
why). Both use the same timeout. The two scripts alternate so machine noise hits both alike,
and the medians are compared. If a script fails (the package does not import, the call
raises), the result says why instead of a number.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from dataclasses import dataclass

from bench.clients import API_KEY
from bench.importtime import byte_compile_packages

__all__ = ["SCRIPTS", "ColdStartError", "ColdStartResult", "cold_start_seconds", "measure_cold_start"]

_TIMER = "import sys, time\nt = time.perf_counter()\n{body}\nprint(time.perf_counter() - t)\n"
_OURS = f"""
from aigenstudio import Client, find_operation
import httpx
client = Client({API_KEY!r}, base_url=sys.argv[1], timeout=httpx.Timeout(60.0, connect=10.0))
find_operation("list_product_photo_operations").sync(client=client)
"""
_RAW = f"""
import json, httpx
client = httpx.Client(base_url=sys.argv[1], headers={{"Authorization": "Bearer {API_KEY}"}},
                      timeout=httpx.Timeout(60.0, connect=10.0))
json.loads(client.get("/product-photo-operations").content)
"""
SCRIPTS = {"ours": _TIMER.format(body=_OURS), "raw": _TIMER.format(body=_RAW)}


@dataclass
class ColdStartResult:
    median_ms: dict[str, float | None]  # "ours" / "raw" -> median milliseconds (None: failed)
    runs: int
    note: str = ""  # the failure, when a script failed


def cold_start_seconds(name: str, base_url: str) -> float:
    """Seconds from first import to first decoded response of ``SCRIPTS[name]``, fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPTS[name], base_url],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ColdStartError(f"cold-start script {name!r} failed: {last}")
    return float(done.stdout.strip().splitlines()[-1])


class ColdStartError(RuntimeError):
    pass


def measure_cold_start(base_url: str, runs: int = 9) -> ColdStartResult:
    """Medians over ``runs`` alternating fresh processes per script (after one warm-up each)."""
    names = list(SCRIPTS)
    samples: dict[str, list[float]] = {name: [] for name in names}
    failed: dict[str, str] = {}
    byte_compile_packages()  # run from byte code, as installed (bench.importtime says why)
    for name in names:  # warm the file cache once; a failing script is dropped
        try:
            cold_start_seconds(name, base_url)
        except ColdStartError as exc:
            failed[name] = str(exc)
    live = [name for name in names if name not in failed]
    for run in range(runs):
        for name in live if run % 2 == 0 else live[::-1]:
            samples[name].append(cold_start_seconds(name, base_url))
    medians = {n: statistics.median(v) * 1000 if v else None for n, v in samples.items()}
    return ColdStartResult(medians, runs, "; ".join(failed.values()))
