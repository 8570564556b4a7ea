"""`make diff --http-only` on the 200-operation synthetic spec: wall time and peak memory.

The old side is bench/make_large_spec.py's spec; the new side changes three shared components
(a property removed, an enum value added, a bound tightened), so the differ has findings to
group. The CLI runs in a fresh interpreter (bench.regen.run_measured: wall time and the
child's peak RSS); the differ's own peak Python allocation is measured in-process with
tracemalloc. Everything is written to a temp dir.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.make_large_spec import build_spec
from bench.regen import run_measured
from bench.report import Row

ROOT = Path(__file__).resolve().parent.parent
APIDIFF = ROOT / "tools" / "apidiff" / "cli.py"


@dataclass
class DiffResult:
    operations: int
    spec_kib: float
    seconds: float  # the CLI, wall, in a fresh interpreter (parse, validate, resolve, diff)
    peak_mib: float  # the CLI's peak RSS
    diff_seconds: float  # load + resolve + diff in-process (no validation)
    diff_peak_mib: float  # tracemalloc peak of that
    rows: int
    code: int


def changed_spec(operations: int, schemas: int) -> dict[str, Any]:
    spec = build_spec(operations, schemas)
    models = spec["components"]["schemas"]
    del models["Model0000"]["properties"]["ratio"]
    models["Model0009"]["enum"].append("value_9_new")
    models["Model0001"]["properties"]["name"]["maxLength"] = 100
    return spec


def _in_process(old: Path, new: Path) -> tuple[float, float]:
    """Seconds of an untraced run, then the peak of a traced one (tracemalloc slows it)."""
    from tools.apidiff.http_diff import diff_http
    from tools.apidiff.loader import load_spec

    started = time.perf_counter()
    diff_http(load_spec(old), load_spec(new))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    diff_http(load_spec(old), load_spec(new))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / 1024 / 1024


def measure_diff(operations: int = 200, schemas: int = 400) -> DiffResult:
    with tempfile.TemporaryDirectory(prefix="aigen-bench-diff-") as work:
        folder = Path(work)
        old, new, report = folder / "old.yaml", folder / "new.yaml", folder / "report.json"
        old.write_text(yaml.safe_dump(build_spec(operations, schemas), sort_keys=False), encoding="utf-8")
        new.write_text(yaml.safe_dump(changed_spec(operations, schemas), sort_keys=False), encoding="utf-8")
        command = [sys.executable, str(APIDIFF), "--old", str(old), "--new", str(new), "--http-only"]
        run = run_measured([*command, "--format", "json", "--output", str(report)], ROOT, timeout=120)
        rows = len(json.loads(report.read_text(encoding="utf-8"))["http"]) if report.is_file() else 0
        diff_seconds, diff_peak = _in_process(old, new)
        return DiffResult(
            operations,
            old.stat().st_size / 1024,
            run.seconds,
            run.peak_mib,
            diff_seconds,
            diff_peak,
            rows,
            run.code,
        )


def diff_rows(result: DiffResult) -> list[Row]:
    size = f"{result.operations} ops, {result.spec_kib:.0f} KiB; {result.rows} rows, exit {result.code}"
    return [
        Row(
            "make diff --http-only (synthetic spec)",
            result.seconds,
            None,
            "s",
            note=f"wall, fresh process; {size}",
        ),
        Row("make diff --http-only peak RSS", result.peak_mib, None, "MiB", note=size),
        Row(
            "API diff without validation (load, resolve, diff)",
            result.diff_seconds,
            None,
            "s",
            note=f"in-process; tracemalloc peak {result.diff_peak_mib:.1f} MiB",
        ),
    ]


if __name__ == "__main__":
    print(measure_diff())
