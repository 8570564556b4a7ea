"""The maintainer's commands fail in one line naming the file, never with a traceback:
a missing or unreadable SPEC=, a spec that is not OpenAPI 3.0/3.1, a dirty generated/.

tools/generate.py exits 2 for input it cannot use (1 is ``check``'s "generated/ has drifted",
each drifted file on its own line); ``make`` stops on a bad SPEC= before running anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pipeline.conftest import RepoCopy
from tests.pipeline.conftest import repo as repo

ROOT = Path(__file__).resolve().parents[2]
REST = "info: {title: t, version: '1'}\npaths: {}\n"  # the rest of a minimal document
pytestmark = pytest.mark.slow


def _one_line_error(result: subprocess.CompletedProcess[str], *names: str) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def _unusable_spec(kind: str, folder: Path) -> Path:
    if kind == "missing":
        return folder / "missing.yaml"
    if kind == "directory":
        return folder
    if kind == "number-key":  # unquoted `200:` is an int to YAML; the generator takes strings only
        return _write(
            folder / "intkey.yaml",
            b"openapi: 3.1.0\n" + REST.replace("paths: {}", "paths: {}\nx-codes: {200: ok}").encode(),
        )
    if kind == "control-character":  # a YAML ReaderError: no line/column mark, a 2-line message
        return _write(folder / "nul.yaml", b"openapi: 3.1.0\ninfo: {title: x\x00}\n")
    return _write(folder / "latin1.yaml", b"openapi: 3.1.0\ninfo: {title: caf\xe9}\n")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("missing", "cannot read the spec: no such file"),
        ("directory", "cannot read the spec: it is a directory"),
        ("not-utf8", "not UTF-8"),
        ("control-character", "invalid YAML: unacceptable character #x0000"),
        ("number-key", "at $['x-codes']: the key 200 is not a string (YAML reads it as int); quote it"),
    ],
)
def test_an_unusable_spec_file_is_one_line(repo: RepoCopy, tmp_path: Path, kind: str, expected: str) -> None:
    before, spec_before = repo.snapshot(), (repo.root / "openapi.yaml").read_bytes()
    spec = _unusable_spec(kind, tmp_path)
    result = repo.run("generate", "--spec", str(spec))
    assert result.returncode == 2
    assert expected in _one_line_error(result, str(spec))
    assert repo.snapshot() == before
    assert (repo.root / "openapi.yaml").read_bytes() == spec_before


def test_an_empty_spec_argument_is_one_line(repo: RepoCopy) -> None:
    result = repo.run("generate", "--spec", "")
    assert result.returncode == 2
    assert "no spec given" in _one_line_error(result)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_spec_is_one_line(repo: RepoCopy, tmp_path: Path) -> None:
    spec = _write(tmp_path / "secret.yaml", (ROOT / "openapi.yaml").read_bytes())
    spec.chmod(0)
    result = repo.run("generate", "--spec", str(spec))
    assert result.returncode == 2
    assert "cannot read the spec" in _one_line_error(result, str(spec))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (f'swagger: "2.0"\n{REST}', "a Swagger 2.0 document, not OpenAPI 3.x"),
        (f"openapi: 4.0.0\n{REST}", "'openapi: 4.0.0' is not OpenAPI 3.0 or 3.1"),
        (f"openapi: 3.2.0\n{REST}", "'openapi: 3.2.0' is not OpenAPI 3.0 or 3.1"),
        (f"openapi: 3.1\n{REST}", "is a number; write the full version"),
        ("title: not a spec\n", "no top-level 'openapi' field"),
        ("- a\n- list\n", "top level is not a mapping"),
    ],
    ids=["swagger-2", "openapi-4", "openapi-3.2", "unquoted-number", "no-openapi-field", "a-list"],
)
def test_a_spec_that_is_not_openapi_3_is_one_line(
    repo: RepoCopy, tmp_path: Path, document: str, expected: str
) -> None:
    before = repo.snapshot()
    spec = tmp_path / "other.yaml"
    spec.write_text(document, encoding="utf-8")
    result = repo.run("generate", "--spec", str(spec))
    assert result.returncode == 2
    assert expected in _one_line_error(result, str(spec))
    assert repo.snapshot() == before


def test_check_without_the_vendored_spec_is_one_line(repo: RepoCopy) -> None:
    (repo.root / "openapi.yaml").unlink()
    result = repo.run("check")
    assert result.returncode == 2
    assert "cannot read the spec: no such file" in _one_line_error(result, "openapi.yaml")


def test_a_stray_entry_beside_the_package_is_drift_named_on_its_line(repo: RepoCopy) -> None:
    (repo.root / "generated" / "helpers.py").write_text("# hand-written, importable in a checkout\n")
    result = repo.run("check")
    assert result.returncode == 1
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "stray:    ../helpers.py (in generated/, outside aigenstudio_client)" in lines
    assert result.stderr == ""


def test_every_drift_line_names_one_file(repo: RepoCopy) -> None:
    (repo.package / "types.py").write_text("# edited\n")
    (repo.package / "api" / "extra.py").write_text("# stray\n")
    (repo.package / "errors.py").unlink()
    result = repo.run("check")
    assert result.returncode == 1
    drift = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert drift == ["missing:  errors.py", "stray:    api/extra.py", "modified: types.py"]
    assert "Traceback" not in result.stdout + result.stderr


def test_a_package_path_that_is_a_file_is_one_line(repo: RepoCopy) -> None:
    shutil.rmtree(repo.package)
    repo.package.write_text("not a package\n")
    result = repo.run("generate")
    assert result.returncode == 2
    assert "is not a directory" in _one_line_error(result, "generated/aigenstudio_client")


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "--no-print-directory", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("generate", "SPEC=no/such.yaml"), "SPEC=no/such.yaml: cannot read the spec: no such file"),
        (("diff", "SPEC=tests"), "SPEC=tests: cannot read the spec: it is a directory, not a file"),
        (("generate", "SPEC="), "SPEC= is empty"),
    ],
    ids=["generate-missing", "diff-directory", "generate-empty"],
)
def test_make_stops_on_a_bad_spec_in_one_line(args: tuple[str, ...], expected: str) -> None:
    result = _make(*args)
    assert result.returncode == 2
    assert expected in _one_line_error(result)
    assert result.stdout == ""  # nothing ran: not even the virtualenv bootstrap
