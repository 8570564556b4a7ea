"""A client generated from another spec, in a temp copy: for runtime tests of spec features
today's openapi.yaml does not use (query arrays, form bodies).

``regenerate`` runs the pipeline (tools/generate.py) on a copy of the repo's inputs;
``run_with_client`` runs a script with that generated package and this checkout's overrides on
the path, and returns what it printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.pipeline.conftest import copy_pipeline

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "tests" / "fixtures" / "specs" / "v1.1"


def regenerate(spec: Path, workdir: Path) -> Path:
    """The ``generated`` folder of a copy of the repo regenerated from ``spec``."""
    copy = workdir / "repo"
    copy_pipeline(copy)  # the pipeline's inputs, as every regenerating test copies them
    done = subprocess.run(
        [sys.executable, "tools/generate.py", "generate", "--spec", str(spec)],
        cwd=copy,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return copy / "generated"


def run_with_client(generated: Path, script: str) -> str:
    """What ``script`` printed, run with the regenerated package and our overrides importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGENSTUDIO_")}
    env["PYTHONPATH"] = os.pathsep.join([str(generated), str(ROOT / "overrides")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    ran = subprocess.run(
        [sys.executable, "-c", script],
        cwd=generated.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    return ran.stdout
