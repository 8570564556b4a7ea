"""The import-time and cold-start rows measure our packages as an installed wheel runs them:
from byte code (pip compiles every module at install, as it did httpx's), whatever
PYTHONDONTWRITEBYTECODE says for the source checkout the bench runs from."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bench import importtime
from bench.run import import_rows

PACKAGES = ("aigenstudio", "aigenstudio_client")


def _byte_code(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None
    assert spec.origin is not None
    return Path(importlib.util.cache_from_source(spec.origin))


def test_the_import_rows_measure_our_packages_from_byte_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")  # a fresh interpreter writes no .pyc
    for package in PACKAGES:
        _byte_code(package).unlink(missing_ok=True)
    importtime.measure_imports(runs=1)
    for package in PACKAGES:
        assert _byte_code(package).is_file(), package


def test_issue_21_import_target() -> None:
    result = {"import aigenstudio": 1.0, "from aigenstudio import Client": 1.0, "import httpx": 1.0}
    limits = {row.metric: row.limit for row in import_rows(result, runs=1)}
    assert limits["from aigenstudio import Client / import httpx"] == 1.5
    assert limits["import aigenstudio / import httpx"] == 1.3
