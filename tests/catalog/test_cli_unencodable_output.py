"""The CLI's report reaches an output whose encoding lacks the server's characters.

Windows writes redirected output (a scheduled task's log file) in the ANSI code page;
``PYTHONIOENCODING=ascii`` does the same anywhere. Before: an item error message in Japanese
made ``catalog run`` die with a UnicodeEncodeError traceback after the run, with exit 1 (the
code for "some images failed"), and every rerun died the same way while printing the failed
items again.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aigenstudio import Client
from aigenstudio._catalog.cli import EXIT_CODES, main
from aigenstudio.testing import FakeServer

from .conftest import fail_every_image, finish_after, rows
from .test_cli import write_csv

KEY = "aigen_test_encoding0123456789"


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_run_reports_server_text_its_output_cannot_encode(
    server: FakeServer, tmp_path: Path, encoding: str
) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(3)))
    finish_after(server, 1)
    fail_every_image(server, "bad_image", "画像を読み込めません")
    argv = ["catalog", "run", str(catalog), "--operation", "marketplace_clean",
            "--journal", str(tmp_path / "state.sqlite"), "--no-progress"]  # fmt: skip
    for _ in range(2):  # the run, then a rerun that prints the same failures again
        raw = io.BytesIO()
        out = io.TextIOWrapper(raw, encoding=encoding)
        code = main(argv, lambda api_key=KEY: Client(api_key=api_key, base_url=server.base_url), out)
        out.flush()
        text = raw.getvalue().decode(encoding)
        assert code == EXIT_CODES["failed_items"], text
        assert "3 failed" in text
        assert "bad_image: \\u753b\\u50cf" in text  # shown escaped, not lost
