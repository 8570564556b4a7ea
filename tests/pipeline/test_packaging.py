"""`pip install .` ships both packages, the py.typed markers and the vendored spec."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("aigenstudio-*.whl")
    return built


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in [
        "aigenstudio/__init__.py",
        "aigenstudio/py.typed",
        "aigenstudio_client/contract.json",
        "aigenstudio_client/__init__.py",
        "aigenstudio_client/py.typed",
    ]:
        assert required in names
    assert any(name.endswith("/create_product_photo_job.py") for name in names)  # whatever the tag
    assert not any(name.startswith(("tests/", "tools/", "bench/", "templates/")) for name in names)
    contract = ROOT / "generated" / "aigenstudio_client" / "contract.json"
    assert contract.read_bytes() == zipfile.ZipFile(wheel).read("aigenstudio_client/contract.json")
    assert not any(name.endswith((".yaml", ".yml")) for name in names)  # the runtime reads no YAML


def test_installed_wheel_imports_from_its_own_files(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
    )
    probe = "import aigenstudio as a, aigenstudio_client as b; print(a.__file__); print(b.__file__)"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={"PYTHONPATH": str(target)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert all(line.startswith(str(target)) for line in result.stdout.splitlines())
