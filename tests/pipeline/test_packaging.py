"""`pip install .` ships both packages, the py.typed markers and the vendored spec."""

from __future__ import annotations

import subprocess
import sys
import tempfile
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


def test_the_editable_install_type_checks_a_program_outside_the_repository(tmp_path: Path) -> None:
    """mypy run from the user's own folder (not the repo's mypy_path) sees the typed facade:
    no marker-only aigenstudio_client folder in site-packages hides the generated package."""
    program = tmp_path / "app.py"
    program.write_text(
        "from aigenstudio import Client\n\n"
        "with Client() as client:\n"
        "    client.product_photo_jobs.create(\n"
        '        images=[{"source_url": "https://shop.example/a.jpg"}], colour="red"\n'
        "    )\n",
        encoding="utf-8",
    )
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "app.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert typed.returncode == 1, typed.stdout + typed.stderr
    assert 'No overload variant of "create"' in typed.stdout or '"colour"' in typed.stdout, typed.stdout


def test_mypy_run_from_a_folder_inside_the_checkout_reads_the_generated_package(tmp_path: Path) -> None:
    """The repo's mypy_path is relative to its pyproject.toml, not to the folder mypy runs in:
    a program in a subfolder of the checkout (where the editable install points) is checked
    against the facade, not against Any."""
    with tempfile.TemporaryDirectory(prefix=".tmp-", dir=ROOT) as folder:  # .gitignore: .tmp-*/
        (Path(folder) / "app.py").write_text(
            "from aigenstudio import Client\n\n"
            "with Client() as client:\n    client.product_photo_jobs.get(42)\n",
            encoding="utf-8",
        )
        typed = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "app.py"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
    assert typed.returncode == 1, typed.stdout + typed.stderr
    assert 'Argument 1 to "get"' in typed.stdout, typed.stdout
