"""Fixtures for the generation pipeline tests: every test works on a temp copy of the repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEXT_SPEC = ROOT / "tests" / "fixtures" / "specs" / "next-split-tags.yaml"
PIPELINE_FILES = ["openapi.yaml", "generator-config.yaml"]
# tools/ whole (tools/generate.py imports its siblings: contract, facade, apidiff's validation...)
# and the hand-written package too: a regenerated copy type-checks our helpers against its client.
PIPELINE_DIRS = ["tools", "overrides/templates", "overrides/aigenstudio", "generated"]


class RepoCopy:
    """The pipeline's inputs and output, copied so tests never touch the working tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.package = root / "generated" / "aigenstudio_client"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(self.root / "tools" / "generate.py"), *args],
            capture_output=True,
            text=True,
            check=False,
        )

    def assert_typed_and_runs(self, workdir: Path, script: str) -> None:
        """The generated package passes mypy --strict, and ``script`` prints ``ok`` against it."""
        typed = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--cache-dir",
                str(workdir / "mypy"),
                "aigenstudio_client",
            ],
            cwd=self.root / "generated",
            capture_output=True,
            text=True,
            check=False,
        )
        assert typed.returncode == 0, typed.stdout + typed.stderr
        env = {**os.environ, "PYTHONPATH": str(self.root / "generated"), "PYTHONDONTWRITEBYTECODE": "1"}
        ran = subprocess.run(
            [sys.executable, "-c", script], cwd=workdir, env=env, capture_output=True, text=True, check=False
        )
        assert (ran.returncode, ran.stdout) == (0, "ok\n"), ran.stdout + ran.stderr

    def typecheck_overrides(self, cache: Path) -> subprocess.CompletedProcess[str]:
        """``mypy --strict`` on the copy's hand-written package against the copy's generated one."""
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--explicit-package-bases",
                "--cache-dir",
                str(cache),
                "aigenstudio",
            ],
            cwd=self.root / "overrides",
            env={**os.environ, "MYPYPATH": str(self.root / "generated")},
            capture_output=True,
            text=True,
            check=False,
        )

    def snapshot(self) -> dict[str, bytes]:
        return {
            p.relative_to(self.package).as_posix(): p.read_bytes()
            for p in sorted(self.package.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts
        }


def copy_pipeline(root: Path, *extra_dirs: str) -> None:
    """The pipeline's inputs and output (and ``extra_dirs`` of the repo) copied under ``root``."""
    for name in PIPELINE_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, root / name)
    for name in [*PIPELINE_DIRS, *extra_dirs]:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))


@pytest.fixture
def repo(tmp_path: Path) -> RepoCopy:
    copy_pipeline(tmp_path / "repo")
    return RepoCopy(tmp_path / "repo")
