"""Import time of ``aigenstudio`` against ``httpx``, each in a fresh interpreter.

A sample times the import statement inside a new ``python -c`` process with
``perf_counter`` (the interpreter's own start-up is excluded). This counts lazily loaded
modules too: ``aigenstudio`` loads ``Client`` on first attribute access through
``importlib``, which ``-X importtime`` does not attribute to the statement (use that flag
to see *where* the time goes). The statements alternate so that machine noise hits all
alike, and medians are compared. ``aigenstudio``'s time includes the httpx import it needs.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

__all__ = ["STATEMENTS", "import_seconds", "measure_imports"]

STATEMENTS = ("import aigenstudio", "from aigenstudio import Client", "import httpx")
_TIMER = "import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"


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
    for statement in STATEMENTS:  # warm the file cache and .pyc files once
        import_seconds(statement)
    for _ in range(runs):
        for statement in STATEMENTS:
            samples[statement].append(import_seconds(statement))
    return {statement: statistics.median(values) * 1000 for statement, values in samples.items()}
