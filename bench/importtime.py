"""Import time of ``aigenstudio`` against ``httpx``, each in a fresh interpreter.

A sample times the import statement inside a new ``python -c`` process with
``perf_counter`` (the interpreter's own start-up is excluded). This counts lazily loaded
modules too: ``aigenstudio`` loads ``Client`` on first attribute access through
``importlib``, which ``-X importtime`` does not attribute to the statement (use that flag
to see *where* the time goes). The statements alternate so that machine noise hits all
alike, and medians are compared. ``aigenstudio``'s time includes the httpx import it needs.

Both sides run from byte code, as installed: pip compiled httpx's modules when it installed
them, and compiles ours from a wheel the same way. The editable checkout the bench runs from
has none unless Python writes them, which PYTHONDONTWRITEBYTECODE=1 forbids; each of our
modules would then be compiled from source in every sample (about 40 ms for the client), a
cost no installed user pays. ``byte_compile_packages`` writes them first.
"""

from __future__ import annotations

import compileall
import importlib.util
import statistics
import subprocess
import sys
from pathlib import Path

__all__ = ["PACKAGES", "STATEMENTS", "byte_compile_packages", "import_seconds", "measure_imports"]

PACKAGES = ("aigenstudio", "aigenstudio_client")

STATEMENTS = ("import aigenstudio", "from aigenstudio import Client", "import httpx")
_TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"


def byte_compile_packages() -> None:
    """Write (or refresh) the .pyc files of our packages, as ``pip install`` does for a wheel."""
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue  # not importable: the measurement itself reports that
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def import_seconds(statement: str) -> float:
    """Seconds ``statement`` takes in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _TIMER.format(statement=statement)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def measure_imports(runs: int = 9) -> dict[str, float]:
    """Median import time in milliseconds per statement, over ``runs`` alternating runs."""
    samples: dict[str, list[float]] = {statement: [] for statement in STATEMENTS}
    byte_compile_packages()
    for statement in STATEMENTS:  # warm the file cache once
        import_seconds(statement)
    for _ in range(runs):
        for statement in STATEMENTS:
            samples[statement].append(import_seconds(statement))
    return {statement: statistics.median(values) * 1000 for statement, values in samples.items()}
