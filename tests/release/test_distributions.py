"""The sdist carries what the wheel build needs, and the wheel built from it carries the licence,
py.typed for both packages and the metadata (make distcheck also installs it in a fresh
virtualenv and smoke-tests it; this is the part that needs no network)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tools import distcheck

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return distcheck.build(tmp_path_factory.mktemp("dist"))


def test_the_wheel_is_built_from_the_sdist_and_both_are_complete(built: tuple[Path, Path]) -> None:
    sdist, wheel = built
    version = distcheck.source_version()
    assert sdist.name == f"aigenstudio-{version}.tar.gz"
    assert wheel.name == f"aigenstudio-{version}-py3-none-any.whl"
    assert distcheck.sdist_problems(sdist, version) == []
    assert distcheck.wheel_problems(wheel, version) == []


def test_the_checker_notices_a_missing_licence_or_marker(built: tuple[Path, Path], tmp_path: Path) -> None:
    _, wheel = built
    stripped = tmp_path / wheel.name
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(stripped, "w") as target:
        for item in source.infolist():
            if not item.filename.endswith(("licenses/LICENSE", "aigenstudio_client/py.typed")):
                target.writestr(item, source.read(item))
    problems = distcheck.wheel_problems(stripped, distcheck.source_version())
    assert any("licenses/LICENSE is missing" in problem for problem in problems)
    assert "wheel: aigenstudio_client/py.typed is missing" in problems


def test_the_metadata_names_every_tested_python() -> None:
    assert distcheck.TESTED_PYTHONS == ("3.11", "3.12", "3.13")
