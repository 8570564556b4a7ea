"""Shared paths and a runner for the `make diff` CLI; every report goes to tmp_path."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tools.apidiff import cli

ROOT = Path(__file__).resolve().parents[2]
REPO_SPEC = ROOT / "openapi.yaml"
NEXT_SPEC = ROOT / "tests" / "fixtures" / "specs" / "next-split-tags.yaml"
# The vendor's 1.0.0 spec as vendored first: tests about that pair must not depend on which
# spec openapi.yaml holds after the next regeneration.
V1_SPEC = ROOT / "tests" / "fixtures" / "specs" / "openapi-1.0.0.yaml"
FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Run:
    code: int
    out: str
    err: str
    report: Path


@pytest.fixture
def run_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Call the CLI in-process (fast) with the report written under tmp_path."""

    def run(*args: str) -> Run:
        report = tmp_path / "reports" / "api-diff.md"
        code = cli.main([*args, "--output", str(report)])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, report)

    return run


def run_script(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The CLI exactly as `make diff` runs it: as a script, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "apidiff" / "cli.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
