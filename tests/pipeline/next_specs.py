"""The next-spec harness: does a plausible next version of the vendor's spec go in untouched?

For one fixture spec (``tests/fixtures/specs/v1.1/<name>.yaml``) and its user program
(``<name>_program.py`` beside it), on a temporary copy of the repository:

1. ``regenerate``: the copy's ``tools/generate.py generate --spec`` (the pipeline as
   ``make generate`` runs it), and the copy's hand-written ``overrides/aigenstudio`` is still
   byte for byte the repository's (the pipeline never writes there);
2. ``typecheck``: ``mypy --strict`` on the program, the copy's ``overrides/aigenstudio`` and its
   regenerated package (MYPYPATH names the copy's ``generated/`` and ``overrides/``, which come
   before the editable install of the working tree);
3. ``run_program``: the program against Prism serving the spec (``AIGENSTUDIO_BASE_URL``, a
   sandbox ``AIGENSTUDIO_API_KEY``, PYTHONPATH naming the copy);
4. ``run_differential``: tests/contract/differential.py on the spec, in a subprocess importing
   the copy's packages: the client must refuse exactly what Prism refuses.

Each step returns its problems as text (empty: it passed), so a test can assert that a sound
spec passes every step and that a broken copy is reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.contract.clients import SANDBOX_KEY
from tests.pipeline.conftest import ROOT, RepoCopy, copy_pipeline
from tools.generate import compare_trees

SPECS_DIR = ROOT / "tests" / "fixtures" / "specs" / "v1.1"
OVERRIDES = "overrides/aigenstudio"
GENERATED_PACKAGE = "generated/aigenstudio_client"
# Generated differential cases per fixture spec, on top of its boundary cases (the vendored
# spec's own differential test draws 900): enough to mix inputs, cheap enough for every spec.
DIFFERENTIAL_CASES = 200
# A bound for each subprocess, so a hung step fails the test instead of stalling the suite.
STEP_TIMEOUT = 300.0


def fixture_specs() -> list[Path]:
    return sorted(SPECS_DIR.glob("*.yaml"))


def program_for(spec: Path) -> Path:
    return spec.with_name(f"{spec.stem}_program.py")


class SpecCopy(RepoCopy):
    """A copy of the pipeline's inputs and of the hand-written package, for one spec."""

    @classmethod
    def make(cls, root: Path) -> SpecCopy:
        copy_pipeline(root)  # overrides/aigenstudio included
        return cls(root)

    def import_path(self, *extra: Path) -> str:
        """The copy's packages first (before the editable install of the working tree)."""
        return os.pathsep.join(str(p) for p in (self.root / "generated", self.root / "overrides", *extra))

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIGENSTUDIO_", "PYTHON", "MYPY"))}
        return {**env, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def _run(command: list[str], *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=STEP_TIMEOUT
        )
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(command, -1, str(exc.stdout or ""), f"timed out: {exc}")


def _failed(step: str, done: subprocess.CompletedProcess[str]) -> list[str]:
    if done.returncode == 0:
        return []
    output = (done.stdout + done.stderr).strip()
    return [f"{step} (exit {done.returncode}):\n{output[-6000:]}"]


def regenerate(copy: SpecCopy, spec: Path) -> list[str]:
    """The copy's pipeline regenerates from ``spec``; the hand-written package is untouched."""
    problems = _failed(f"make generate SPEC={spec.name}", copy.run("generate", "--spec", str(spec)))
    touched = compare_trees(ROOT / OVERRIDES, copy.root / OVERRIDES)
    if touched:
        problems.append(f"regeneration changed {OVERRIDES}: {touched}")
    return problems


def typecheck(copy: SpecCopy, program: Path, cache_dir: Path) -> list[str]:
    """``mypy --strict`` on ``program``, the copy's overrides and its regenerated package (as
    ``make typecheck`` checks the last two)."""
    command = [
        sys.executable, "-m", "mypy", "--strict", "--python-version", "3.11",
        "--cache-dir", str(cache_dir), "--no-error-summary", "--show-error-codes",
        str(program), OVERRIDES, GENERATED_PACKAGE,
    ]  # fmt: skip
    done = _run(command, cwd=copy.root, env=copy.env(MYPYPATH=copy.import_path()))
    return _failed(f"mypy --strict {program.name} {OVERRIDES} {GENERATED_PACKAGE}", done)


def run_program(copy: SpecCopy, program: Path, base_url: str, workdir: Path) -> list[str]:
    """The program, with the environment ``Client()`` reads, exits 0."""
    env = copy.env(
        PYTHONPATH=copy.import_path(),
        AIGENSTUDIO_BASE_URL=base_url,
        AIGENSTUDIO_API_KEY=SANDBOX_KEY,
    )
    return _failed(f"python {program.name}", _run([sys.executable, str(program)], cwd=workdir, env=env))


def run_differential(
    copy: SpecCopy, spec: Path, base_url: str, workdir: Path, generated: int = DIFFERENTIAL_CASES
) -> list[str]:
    """tests/contract/differential.py on ``spec`` against the copy's client: no disagreement."""
    report = workdir / f"differential-{spec.stem}.json"
    command = [
        sys.executable, "-m", "tests.contract.differential", "--spec", str(spec),
        "--base-url", base_url, "--generated", str(generated), "--report", str(report),
    ]  # fmt: skip
    done = _run(command, cwd=workdir, env=copy.env(PYTHONPATH=copy.import_path(ROOT)))
    if not report.is_file():  # it crashed before judging anything
        return _failed(f"differential on {spec.name}", done) or [f"differential on {spec.name}: no report"]
    problems: list[str] = json.loads(report.read_text(encoding="utf-8"))["problems"]
    return [f"differential on {spec.name}: {problem}" for problem in problems]
