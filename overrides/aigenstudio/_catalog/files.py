"""Catalog files for the command line: CSV or JSON Lines rows, read lazily; and a dry run.

A CSV needs a ``source_url`` column (``external_id`` is optional; other columns are
ignored). A JSONL file has one object per line with the same fields (other keys are
ignored). Both are UTF-8 text; a file that is not (or a CSV field over the csv module's
size limit) stops the run with a CatalogFileError naming the file, a line that is not a
JSON object (nested too deep to parse, too) is an invalid row. A dry run checks every
row like a real run would (required fields, the spec's formats, duplicates) and counts what
is left to send, without creating anything.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

from .._core.errors import RequestValidationError
from .journal import open_read_only
from .planner import (
    IMAGE_FIELDS,
    SOURCE_URL,
    BodyTemplate,
    InvalidRowError,
    checked_image,
    images_per_job,
    item_key,
)

__all__ = ["CatalogFileError", "DryRun", "count_rows", "dry_run", "read_rows"]

_MAX_LISTED = 20


class CatalogFileError(ValueError):
    """The catalog file cannot be read as rows (missing column, unknown extension...)."""


def _is_csv(path: str) -> bool:
    name = path.lower()
    if name.endswith(".csv"):
        return True
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return False
    raise CatalogFileError(f"{path}: use a .csv or a .jsonl file")


def read_rows(path: str | os.PathLike[str]) -> Iterator[dict[str, Any] | None]:
    """The file's rows as image mappings (None for a line that is not a JSON object)."""
    name = os.fspath(path)
    csv_file = _is_csv(name)
    with open(name, encoding="utf-8-sig", newline="") as handle:
        try:
            yield from _csv_rows(name, handle) if csv_file else _jsonl_rows(handle)
        except UnicodeDecodeError:
            raise CatalogFileError(f"{name}: not UTF-8 text; save it as UTF-8 and run again") from None
        except csv.Error as error:
            raise CatalogFileError(f"{name}: not a readable CSV file ({error})") from None


def _csv_rows(name: str, handle: IO[str]) -> Iterator[dict[str, Any] | None]:
    reader = csv.DictReader(handle)
    if SOURCE_URL not in (reader.fieldnames or []):
        raise CatalogFileError(f"{name}: the first line must name the columns, including {SOURCE_URL}")
    try:
        for row in reader:
            yield {k: row[k] or None for k in IMAGE_FIELDS if k in row}
    except csv.Error as error:
        raise CatalogFileError(f"{name}, line {reader.line_num}: not readable as CSV ({error})") from None


def _jsonl_rows(handle: IO[str]) -> Iterator[dict[str, Any] | None]:
    for line in handle:
        if line.strip():
            yield _json_row(line)


def _json_row(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return None
    return value if isinstance(value, dict) else None


def count_rows(path: str | os.PathLike[str]) -> int:
    """How many rows the file holds (one cheap pass, for the progress bar's total)."""
    return sum(1 for _ in read_rows(path))


@dataclass
class DryRun:
    rows: int = 0
    valid: int = 0
    done: int = 0  # already finished according to the journal
    invalid: list[str] = field(default_factory=list)  # the first problems, in plain words
    invalid_count: int = 0

    @property
    def to_send(self) -> int:
        return self.valid - self.done

    @property
    def jobs(self) -> int:
        return -(-self.to_send // images_per_job())


def dry_run(rows: Iterator[Any], template: BodyTemplate, journal: str | None) -> DryRun:
    """Check every row as a run would, and count what a run would send; sends nothing."""
    report = DryRun()
    seen: set[bytes] = set()  # 8-byte digests of item keys: duplicates, in bounded-ish memory
    batch: list[tuple[ProductPhotoImageInput, int]] = []
    lookup = _journal_lookup(journal)
    for row, raw in enumerate(rows):
        report.rows += 1
        try:
            image = checked_image(row, raw)
            digest = hashlib.blake2b(item_key(image).encode(), digest_size=8).digest()
            if digest in seen:
                raise RequestValidationError(f"images[{row}]", f"unique (repeats {item_key(image)!r})")
        except RequestValidationError as error:
            _refuse(report, error)
            continue
        seen.add(digest)
        batch.append((image, row))
        if len(batch) == images_per_job():
            _check_batch(report, template, batch, lookup)
            batch = []
    if batch:
        _check_batch(report, template, batch, lookup)
    return report


def _check_batch(
    report: DryRun, template: BodyTemplate, batch: list[tuple[ProductPhotoImageInput, int]], lookup: Any
) -> None:
    while batch:
        try:
            template.body([image for image, _ in batch], [row for _, row in batch])
        except InvalidRowError as error:
            _refuse(report, error)
            del batch[error.position]
            continue
        break
    report.valid += len(batch)
    report.done += sum(1 for image, _ in batch if lookup(item_key(image)))


def _refuse(report: DryRun, error: RequestValidationError) -> None:
    report.invalid_count += 1
    if len(report.invalid) < _MAX_LISTED:
        report.invalid.append(str(error))


def _journal_lookup(journal: str | None) -> Any:
    if journal is None or not os.path.exists(journal):
        return lambda _key: False
    db = open_read_only(journal)

    def finished(key: str) -> bool:
        found = db.execute("SELECT status FROM items WHERE item_key = ?", (key,)).fetchone()
        return found is not None and found[0] in ("completed", "failed")

    return finished
