"""One version: _version.py is the only place it is written; the package, the installed
metadata and the User-Agent all say it (make distcheck checks the built distributions)."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import aigenstudio
import httpx
from aigenstudio import AsyncClient, Client
from aigenstudio import _version as version_module

ROOT = Path(__file__).resolve().parents[2]
VERSION_FILE = ROOT / "overrides" / "aigenstudio" / "_version.py"
KEY = "aigen_test_" + "v3rs10n" * 4
BASE_URL = "https://api.example.test/api/v1"


def operations(request: httpx.Request) -> httpx.Response:
    operation = {"id": "studio_packshot", "name": "Studio packshot", "credits_per_image": 5}
    return httpx.Response(200, json={"operations": [operation], "request_id": "req_version"})


def test_package_metadata_and_version_file_agree() -> None:
    assert aigenstudio.__version__ == importlib.metadata.version("aigenstudio") == version_module.__version__


def test_the_version_file_holds_one_version_line() -> None:
    text = VERSION_FILE.read_text(encoding="utf-8")
    assert re.findall(r'^__version__ = "([^"]+)"$', text, flags=re.MULTILINE) == [version_module.__version__]
    assert len(re.findall(r"\d+\.\d+\.\d+", text)) == 1  # written nowhere else in the file


def test_pyproject_reads_the_version_from_the_version_file() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "overrides/aigenstudio/_version.py"


def test_the_version_is_written_nowhere_else_in_the_runtime_code() -> None:
    version = re.escape(version_module.__version__)
    for path in (ROOT / "overrides" / "aigenstudio").rglob("*.py"):
        if path != VERSION_FILE:
            assert not re.search(rf"['\"/]{version}['\"]", path.read_text(encoding="utf-8")), path


def test_the_changelog_starts_with_this_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog\n")
    entries = re.findall(r"^## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})$", text, flags=re.MULTILINE)
    assert entries, "no '## [X.Y.Z] - YYYY-MM-DD' entry"
    assert entries[0][0] == version_module.__version__


def test_the_sync_client_sends_the_version_in_its_user_agent() -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return operations(request)

    with Client(KEY, base_url=BASE_URL, transport=httpx.MockTransport(record), max_retries=0) as client:
        client.product_photo_operations.list()
    (request,) = sent
    assert request.headers["User-Agent"] == f"aigenstudio-python/{aigenstudio.__version__}"


async def test_the_async_client_sends_the_version_in_its_user_agent() -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return operations(request)

    transport = httpx.MockTransport(record)
    async with AsyncClient(KEY, base_url=BASE_URL, transport=transport, max_retries=0) as client:
        await client.product_photo_operations.list()
    (request,) = sent
    assert request.headers["User-Agent"].endswith(f"/{version_module.__version__}")
