"""Rows checked one by one: a lone surrogate makes an invalid row, and only the image fields are
sent and hashed into the batch's idempotency key."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import attrs
import pytest
from aigenstudio._catalog.cli import EXIT_CODES
from aigenstudio._catalog.planner import IMAGE_FIELDS, checked_image
from aigenstudio._catalog.process import ItemOutcome, process_catalog
from aigenstudio._core.errors import RequestValidationError
from aigenstudio.testing import FakeServer
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

from .conftest import creates, no_sleep, rows
from .test_cli import cli


def run(client: Any, images: Any, journal: Path | None, **extra: Any) -> Any:
    extra.setdefault("sleep", no_sleep)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


@pytest.mark.parametrize("field", ["external_id", "source_url"])
def test_a_lone_surrogate_is_an_invalid_row(server: FakeServer, client: Any, field: str) -> None:
    bad = {"source_url": "https://img.test/x.jpg", "external_id": "sku-x"}
    bad[field] += "\ud800"
    with pytest.raises(RequestValidationError, match=rf"images\[0\]\.{field}"):
        checked_image(0, bad)
    seen: list[ItemOutcome] = []
    summary = run(client, [*rows(range(3)), bad], None, on_invalid="skip", on_item=seen.append)
    assert (summary.completed_count, summary.invalid_count) == (3, 1)
    (refused,) = [o for o in seen if o.status == "invalid"]
    json.dumps(refused.to_record(), ensure_ascii=False).encode("utf-8")  # printable, writable


def test_cli_jsonl_with_a_lone_surrogate_and_skip_invalid(server: FakeServer, tmp_path: Path) -> None:
    catalog = tmp_path / "c.jsonl"
    lines = [json.dumps(r) for r in rows(range(3))]
    lines.append('{"source_url": "https://img.test/x.jpg", "external_id": "sku-\\ud800"}')
    catalog.write_text("\n".join(lines) + "\n")
    results = tmp_path / "r.jsonl"
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal",
            str(tmp_path / "j.sqlite"), "--no-progress", "--skip-invalid",
            "--results", str(results)]  # fmt: skip
    for _ in range(2):
        code, out = cli(server, *args)
        assert code == EXIT_CODES["failed_items"], out
        assert "line 4 (sku-\\ud800): invalid_row: external_id: valid Unicode text" in out
    assert creates(server) == 1


def test_only_the_image_fields_are_sent_and_hashed(server: FakeServer, client: Any, tmp_path: Path) -> None:
    model_fields = {f.name for f in attrs.fields(ProductPhotoImageInput)} - {"additional_properties"}
    assert set(IMAGE_FIELDS) == model_fields  # what a row sends is what the journal records
    image = ProductPhotoImageInput.from_dict({"source_url": "https://img.test/m.jpg", "extra": 1})
    assert checked_image(0, image).to_dict() == {"source_url": "https://img.test/m.jpg"}
    journal = tmp_path / "j.sqlite"
    extra = [{**r, "title": "Yogurt 500g", "price": 3} for r in rows(range(2))]

    class Crash(BaseException):
        pass

    def crash(step: str, _batch: int) -> None:
        if step == "created":
            raise Crash

    with pytest.raises(Crash):
        run(client, extra, journal, on_step=crash)
    db = sqlite3.connect(journal)
    db.execute("UPDATE batches SET status = 'planned', job_id = NULL")  # as if the answer was lost
    db.commit()
    db.close()
    assert run(client, extra, journal).completed_count == 2
    assert creates(server) == 1  # the re-sent body matched the key: the same job
    (job,) = server.api.jobs.values()
    assert job.body["images"] == [
        {"source_url": r["source_url"], "external_id": r["external_id"]} for r in extra
    ]
