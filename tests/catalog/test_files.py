"""Catalog files from the command line: a file that is not UTF-8, a CSV field over the csv
module's limit or a JSON line nested too deep is exit 2 in plain words, nothing sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from aigenstudio._catalog.cli import EXIT_CODES
from aigenstudio.testing import FakeServer

from .conftest import creates
from .test_cli import cli

HOSTILE = {
    "latin1.csv": (b"external_id,source_url\nsku-\xe9,https://img.test/1.jpg\n", "not UTF-8"),
    "huge.csv": (b"external_id,source_url\nsku-1,https://img.test/" + b"a" * 200_000 + b"\n", "CSV"),
    "deep.jsonl": (
        b'{"source_url": "https://img.test/1.jpg"}\n' + b"[" * 100_000 + b"\n",
        "line 2: not a JSON object",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("dry", [False, True])
def test_hostile_catalog_files_are_exit_2_in_plain_words(
    server: FakeServer, tmp_path: Path, name: str, dry: bool
) -> None:
    data, said = HOSTILE[name]
    catalog = tmp_path / name
    catalog.write_bytes(data)
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean",
            "--journal", str(tmp_path / "j.sqlite"), "--no-progress",
            *(["--dry-run"] if dry else [])]  # fmt: skip
    code, out = cli(server, *args)
    assert code == EXIT_CODES["input"] == 2
    assert said in out
    assert "Traceback" not in out
    assert creates(server) == 0
