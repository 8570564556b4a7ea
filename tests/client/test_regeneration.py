"""Regeneration: the overrides survive a fresh client generated from today's spec and from the
vendor's next spec (operations regrouped under new tags), byte-identical and still passing.

Works on a copy in tmp_path: the checkout's generated/ and openapi.yaml are never touched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("spec", "tag_package"),
    [
        ("tests/fixtures/specs/openapi-1.0.0.yaml", "product_photo_api"),
        ("tests/fixtures/specs/next-split-tags.yaml", "product_photo_jobs"),
    ],
    ids=["spec-1.0.0", "next-split-tags"],
)
def test_overrides_survive_regeneration(tmp_path: Path, spec: str | None, tag_package: str) -> None:
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("openapi.yaml", "generator-config.yaml", "pyproject.toml"):
        shutil.copy2(ROOT / name, copy / name)
    for name in ("overrides", "tools", "tests"):
        shutil.copytree(ROOT / name, copy / name, ignore=_IGNORE)
    assert not (copy / "generated").exists()
    before = _digest(copy / "overrides")
    assert before == _digest(ROOT / "overrides")

    env = {k: v for k, v in os.environ.items() if not k.startswith("AIGENSTUDIO_")}
    env["PYTHONPATH"] = os.pathsep.join([str(copy / "generated"), str(copy / "overrides")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    command = [sys.executable, "tools/generate.py", "generate"]
    if spec is not None:
        command += ["--spec", spec]
    generated = _run(command, copy, env)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    package = copy / "generated" / "aigenstudio_client"
    assert (package / "api" / tag_package).is_dir(), sorted(p.name for p in (package / "api").iterdir())

    where = _run(
        [
            sys.executable,
            "-c",
            "import aigenstudio, aigenstudio_client; print(aigenstudio.__file__); "
            "print(aigenstudio_client.__file__)",
        ],
        copy,
        env,
    )
    assert where.returncode == 0, where.stderr
    assert all(line.startswith(str(copy)) for line in where.stdout.split()), where.stdout

    tests = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow", "tests/client"],
        copy,
        env,
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout
    assert _digest(copy / "overrides") == before
