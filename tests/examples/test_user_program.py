"""The user's program (tests/examples/user_program.py), written from the README only in the
style of an openai-python user, type-checks (mypy --strict, pyright strict) and runs against
the mock with every request passing Prism's validation."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.test_readme_examples import (
    _PRISM_ERROR,
    _PRISM_PROBE,
    _PRISM_REQUEST,
    PYRIGHT,
    _prism_log_since,
    _run_block,
    _settled_log_size,
)
from tools.prism import PrismServer

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).with_name("user_program.py")
pytestmark = pytest.mark.slow


@pytest.fixture
def program(tmp_path: Path) -> Path:
    path = tmp_path / "user_program.py"  # outside the repository: the installed packages only
    path.write_text(PROGRAM.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_the_user_program_passes_mypy_strict(program: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            str(program),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(
    shutil.which("node") is None or not PYRIGHT.exists(), reason="pyright needs Node (npm ci)"
)
def test_the_user_program_passes_pyright_strict(program: Path) -> None:
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT), str(ROOT / "generated"), str(ROOT / "overrides")],
        "reportMissingTypeStubs": False,
    }
    (program.parent / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    done = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "--project", str(program.parent), str(program)],
        cwd=program.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.prism
def test_the_user_program_runs_against_prism(program: Path, prism: PrismServer) -> None:
    offset = _settled_log_size(prism)
    code, out, err = _run_block(program, prism, 30.0)
    log = _prism_log_since(prism, offset)
    requests = [" ".join(found.groups()) for found in _PRISM_REQUEST.finditer(log)]
    refused = [line for line in log.splitlines() if _PRISM_ERROR in line and _PRISM_PROBE not in line]
    report = f"\nPrism saw: {requests}\nstdout:\n{out}\nstderr:\n{err}"
    assert not refused, "\n".join(refused) + report
    assert code == 0, report
    assert [r.split()[0].upper() for r in requests] == ["POST", "GET", "GET"], report
