"""Regeneration cost: ``tools/generate.py`` against the bare ``openapi-python-client`` call.

Everything runs in a temporary copy of the inputs (tools/*.py, openapi.yaml, the
generator config and templates, generated/): the working tree is never written, because
other engineers use it at the same time. ``tools/generate.py`` locates its inputs from its
own path, so the copy behaves like a checkout of its own (its stamp lands in the copy's
.venv/). Each command runs in a fresh child process; its wall time and its peak RSS (the
largest descendant's, from ``RUSAGE_CHILDREN`` of a wrapper process) are measured.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tools.generate import generator_command

__all__ = [
    "RegenResult",
    "RepoCopy",
    "Run",
    "ScaleResult",
    "measure_regeneration",
    "measure_scale",
    "run_measured",
]

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
VENV_BIN = PYTHON.parent

# Runs one command and reports its wall time and the peak RSS of its largest descendant.
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, check=False)
elapsed = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak_kib, "code": done.returncode,
                  "output": (done.stdout + done.stderr)[-2000:]}))
"""


@dataclass
class Run:
    seconds: float
    peak_mib: float
    code: int
    output: str


def run_measured(command: Sequence[str | os.PathLike[str]], cwd: Path, timeout: float = 120) -> Run:
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run(
        [str(PYTHON), "-c", _WRAPPER, *map(str, command)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    data = json.loads(done.stdout)
    return Run(data["seconds"], data["peak_kib"] / 1024, data["code"], data["output"])


class RepoCopy:
    """A throwaway copy of what regeneration reads and writes; a context manager."""

    _PARTS = ("openapi.yaml", "generator-config.yaml", "overrides/templates", "tools")

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="aigen-bench-"))
        # tools/generate.py imports its siblings (tools.contract, tools.apidiff...): all of tools/.
        for part in self._PARTS:
            source, target = ROOT / part, self.root / part
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, target)
        shutil.copytree(
            ROOT / "generated" / "aigenstudio_client",
            self.root / "generated" / "aigenstudio_client",
            ignore=shutil.ignore_patterns("__pycache__"),
        )

    @property
    def stamp(self) -> Path:
        return self.root / ".venv" / "generate.stamp"

    def generate(self, spec: Path | None = None) -> list[str]:
        command = [str(PYTHON), str(self.root / "tools" / "generate.py"), "generate"]
        return command + (["--spec", str(spec)] if spec is not None else [])

    def check(self) -> list[str]:
        return [str(PYTHON), str(self.root / "tools" / "generate.py"), "check"]

    def bare_generate(self, spec: Path, output: Path) -> list[str]:
        """The plain generator call with the same config and templates as tools/generate.py."""
        return generator_command(spec, output, self.root)

    def __enter__(self) -> RepoCopy:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def fresh_output(root: Path) -> Path:
    """An output path that does not exist yet (the generator refuses to overwrite)."""
    return Path(tempfile.mkdtemp(dir=root, prefix="bare-")) / "out"


def _ok(run: Run, what: str) -> Run:
    if run.code != 0:
        raise RuntimeError(f"{what} failed (exit {run.code}):\n{run.output}")
    return run


@dataclass
class RegenResult:
    generate_cold: float
    generate_unchanged: float
    check: float
    bare: float
    repeats: int


def measure_regeneration(repeats: int = 3) -> RegenResult:
    """Medians over ``repeats`` interleaved rounds on the vendored spec."""
    times: dict[str, list[float]] = {"cold": [], "unchanged": [], "check": [], "bare": []}
    with RepoCopy() as repo:
        spec = repo.root / "openapi.yaml"
        for _ in range(repeats):
            repo.stamp.unlink(missing_ok=True)
            times["cold"].append(_ok(run_measured(repo.generate(), repo.root), "generate").seconds)
            times["unchanged"].append(_ok(run_measured(repo.generate(), repo.root), "generate").seconds)
            times["check"].append(_ok(run_measured(repo.check(), repo.root), "check").seconds)
            bare = repo.bare_generate(spec, fresh_output(repo.root))
            times["bare"].append(_ok(run_measured(bare, repo.root), "bare generator").seconds)
    med = {name: statistics.median(values) for name, values in times.items()}
    return RegenResult(med["cold"], med["unchanged"], med["check"], med["bare"], repeats)


@dataclass
class ScaleResult:
    operations: int
    schemas: int
    spec_kib: float
    generate: Run
    bare: Run
    diff: Run | None  # None: tools/apidiff/cli.py is not there


APIDIFF = ROOT / "tools" / "apidiff" / "cli.py"


def measure_scale(operations: int = 200, schemas: int = 400) -> ScaleResult:
    """One cold regeneration (ours and bare) and one ``make diff`` on a synthetic spec."""
    from bench.make_large_spec import write_spec

    with RepoCopy() as repo:
        spec = write_spec(repo.root / "large.yaml", operations, schemas)
        generate = _ok(run_measured(repo.generate(spec), repo.root, timeout=300), "generate (large)")
        bare_command = repo.bare_generate(spec, fresh_output(repo.root))
        bare = _ok(run_measured(bare_command, repo.root, timeout=300), "bare generator (large)")
        diff = None
        if APIDIFF.is_file():
            # Read-only on the working tree: it compares the given spec with openapi.yaml.
            diff = run_measured([str(PYTHON), str(APIDIFF), "--new", str(spec)], ROOT, timeout=300)
        return ScaleResult(operations, schemas, spec.stat().st_size / 1024, generate, bare, diff)
