"""The README's Python blocks type-check as a user's code would: mypy --strict and pyright strict.

Each ```python block is written to a file of its own and checked against the installed
packages; a block that fails is a README that lies about the API.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYRIGHT = ROOT / "node_modules" / ".bin" / "pyright"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def readme_blocks() -> list[str]:
    return _BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("readme")
    files = []
    for index, block in enumerate(readme_blocks()):
        path = folder / f"readme_example_{index}.py"
        path.write_text(block, encoding="utf-8")
        files.append(path)
    return files


def test_the_readme_has_python_examples(examples: list[Path]) -> None:
    assert len(examples) >= 2


@pytest.mark.slow
def test_readme_examples_pass_mypy_strict(examples: list[Path]) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            *map(str, examples),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("node") is None or not PYRIGHT.exists(), reason="pyright needs Node (npm ci)"
)
def test_readme_examples_pass_pyright_strict(examples: list[Path]) -> None:
    folder = examples[0].parent
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.11",
        "extraPaths": [str(ROOT / "generated"), str(ROOT / "overrides")],
        "reportMissingTypeStubs": False,
    }
    (folder / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [str(PYRIGHT), "--pythonpath", sys.executable, "--project", str(folder), *map(str, examples)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
