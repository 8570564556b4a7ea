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

import array
import csv
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

from .._core.errors import RequestValidationError
from .._core.server_text import server_text
from .journal import open_read_only
from .planner import (
    EXTERNAL_ID,
    IMAGE_FIELDS,
    SOURCE_URL,
    BodyTemplate,
    InvalidRowError,
    checked_image,
    images_per_job,
    item_key,
)

__all__ = [
    "FORMATS",
    "CatalogFile",
    "CatalogFileError",
    "CatalogState",
    "DryRun",
    "catalog_state",
    "count_rows",
    "dry_run",
    "read_rows",
]

_MAX_LISTED = 20


class CatalogFileError(ValueError):
    """The catalog file cannot be read as rows (missing, missing column, unknown format...)."""


FORMATS = ("csv", "jsonl")
_ROW_IN_FIELD = re.compile(r"images\[(\d+)\]\.?(.*)", re.DOTALL)


class CatalogFile:
    """A catalog file on disk: its rows, read lazily, and the file line each row starts on.

    ``file_format`` (``csv`` or ``jsonl``) reads any file name; without it the extension
    decides (``.csv``; ``.jsonl``, ``.ndjson``, ``.json``). Reading records the line of
    every row (8 bytes a row), so messages name file lines, not positions.
    """

    def __init__(self, path: str, file_format: str | None = None) -> None:
        self.path = path
        self.csv = _is_csv(path) if file_format is None else file_format == "csv"
        self._lines = array.array("q")

    def rows(self) -> Iterator[dict[str, Any] | None]:
        """The file's rows as image mappings (None for a line that is not a JSON object)."""
        self._lines = array.array("q")
        try:
            handle = open(self.path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
        except FileNotFoundError:
            raise CatalogFileError(f"no such file: {self.path}") from None
        except OSError as error:
            raise CatalogFileError(f"{self.path}: cannot be read ({error.strerror})") from None
        with handle:
            try:
                yield from self._csv_rows(handle) if self.csv else self._jsonl_rows(handle)
            except UnicodeDecodeError:
                raise CatalogFileError(
                    f"{self.path}: not UTF-8 text; save it as UTF-8 and run again"
                ) from None
            except csv.Error as error:
                raise CatalogFileError(f"{self.path}: not a readable CSV file ({error})") from None

    def _csv_rows(self, handle: IO[str]) -> Iterator[dict[str, Any] | None]:
        reader = csv.DictReader(handle)
        if SOURCE_URL not in (reader.fieldnames or []):
            raise CatalogFileError(
                f"{self.path}: the first line must name the columns, including {SOURCE_URL}"
            )
        ended = reader.line_num  # the header's last line
        try:
            for row in reader:
                self._lines.append(ended + 1)
                ended = reader.line_num
                yield {k: row[k] or None for k in IMAGE_FIELDS if k in row}
        except csv.Error as error:
            raise CatalogFileError(
                f"{self.path}, line {reader.line_num}: not readable as CSV ({error})"
            ) from None

    def _jsonl_rows(self, handle: IO[str]) -> Iterator[dict[str, Any] | None]:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                self._lines.append(number)
                yield _json_row(line)

    def count(self) -> int:
        """How many rows the file holds (one cheap pass, for the progress's total)."""
        return sum(1 for _ in self.rows())

    def line(self, row: int | None) -> int | None:
        """The file line row number ``row`` (0-based, as read) starts on."""
        if row is None or not 0 <= row < len(self._lines):
            return None
        return self._lines[row]

    def problem(self, error: RequestValidationError, raw: object = None) -> str:
        """A refused row in the operator's terms: ``line 42 (sku-40): source_url: required``."""
        found = _ROW_IN_FIELD.fullmatch(error.field)
        if found is None:
            return str(error)
        row, field_name = int(found.group(1)), found.group(2)
        external = _external_id(raw) if raw is not None else self._external_id_at(row)
        where = f"line {self.line(row) or row + 1}" + (f" ({external})" if external else "")
        if not field_name and not self.csv:  # the whole line refused: it is no JSON object
            return f"{where}: not a JSON object (one object a line, with {SOURCE_URL})"
        return f"{where}: {field_name + ': ' if field_name else ''}{error.limit}"

    def _external_id_at(self, row: int) -> str | None:
        """The external_id of row ``row`` (read again: for one message, not per row)."""
        lines = self._lines
        try:
            for position, raw in enumerate(self.rows()):
                if position == row:
                    return _external_id(raw)
        finally:
            self._lines = lines
        return None


def row_free(message: str) -> str:
    """A row's error message without its ``images[N].`` prefix (the line is named beside it)."""
    return _ROW_IN_FIELD.sub(r"\2", message, count=1) if message.startswith("images[") else message


def _external_id(raw: object) -> str | None:
    value = raw.get(EXTERNAL_ID) if isinstance(raw, dict) else None
    return server_text(value, 80) if isinstance(value, str) and value else None


def _is_csv(path: str) -> bool:
    name = path.lower()
    if name.endswith(".csv"):
        return True
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return False
    raise CatalogFileError(f"{path}: name the file .csv or .jsonl, or pass --format csv|jsonl")


def read_rows(path: str | os.PathLike[str]) -> Iterator[dict[str, Any] | None]:
    """The file's rows as image mappings (None for a line that is not a JSON object)."""
    return CatalogFile(os.fspath(path)).rows()


def _json_row(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):  # RecursionError: nested too deep to parse
        return None
    return value if isinstance(value, dict) else None


def count_rows(path: str | os.PathLike[str]) -> int:
    """How many rows the file holds (one cheap pass, for the progress bar's total)."""
    return CatalogFile(os.fspath(path)).count()


@dataclass
class DryRun:
    rows: int = 0
    valid: int = 0
    done: int = 0  # already finished according to the journal
    invalid: list[tuple[int, str]] = field(default_factory=list)  # the first problems: (row, words)
    invalid_count: int = 0

    @property
    def to_send(self) -> int:
        return self.valid - self.done

    @property
    def jobs(self) -> int:
        return -(-self.to_send // images_per_job())

    @property
    def problems(self) -> list[str]:
        """The first problems, in file order."""
        return [words for _, words in self.invalid]


def dry_run(catalog: CatalogFile, template: BodyTemplate, journal: str | None) -> DryRun:
    """Check every row as a run would, and count what a run would send; sends nothing."""
    report = DryRun()
    seen: set[bytes] = set()  # 8-byte digests of item keys: duplicates, in bounded-ish memory
    batch: list[tuple[ProductPhotoImageInput, int, object]] = []
    lookup = _journal_lookup(journal)
    for row, raw in enumerate(catalog.rows()):
        report.rows += 1
        try:
            image = checked_image(row, raw)
            digest = hashlib.blake2b(item_key(image).encode(), digest_size=8).digest()
            if digest in seen:
                name = EXTERNAL_ID if isinstance(image.external_id, str) else SOURCE_URL
                raise RequestValidationError(f"images[{row}].{name}", f"unique (repeats {item_key(image)!r})")
        except RequestValidationError as error:
            _refuse(report, catalog, row, error, raw)
            continue
        seen.add(digest)
        batch.append((image, row, raw))
        if len(batch) == images_per_job():
            _check_batch(report, catalog, template, batch, lookup)
            batch = []
    if batch:
        _check_batch(report, catalog, template, batch, lookup)
    return report


def _check_batch(
    report: DryRun,
    catalog: CatalogFile,
    template: BodyTemplate,
    batch: list[tuple[ProductPhotoImageInput, int, object]],
    lookup: Any,
) -> None:
    while batch:
        try:
            template.body([image for image, _, _ in batch], [row for _, row, _ in batch])
        except InvalidRowError as error:
            _, row, raw = batch[error.position]
            _refuse(report, catalog, row, error, raw)
            del batch[error.position]
            continue
        break
    report.valid += len(batch)
    report.done += sum(1 for image, _, _ in batch if lookup(item_key(image)))


def _refuse(
    report: DryRun, catalog: CatalogFile, row: int, error: RequestValidationError, raw: object
) -> None:
    """Count a refused row; keep the first few in file order (a batch's problems come late)."""
    report.invalid_count += 1
    report.invalid.append((row, catalog.problem(error, raw)))
    report.invalid.sort(key=lambda problem: problem[0])
    del report.invalid[_MAX_LISTED:]


@dataclass(frozen=True)
class CatalogState:
    """How far the journal is through a catalog: its rows, and those finished for good."""

    rows: int
    completed: int
    failed: int

    @property
    def remaining(self) -> int:
        return self.rows - self.completed - self.failed


def catalog_state(catalog: CatalogFile, journal: str) -> CatalogState:
    """Count the catalog's rows the journal finished (reads only; invalid rows remain)."""
    db = open_read_only(journal)
    counts = {"completed": 0, "failed": 0}
    rows = 0
    try:
        for row, raw in enumerate(catalog.rows()):
            rows += 1
            try:
                key = item_key(checked_image(row, raw))
            except RequestValidationError:
                continue
            found = db.execute("SELECT status FROM items WHERE item_key = ?", (key,)).fetchone()
            if found is not None and found[0] in counts:
                counts[found[0]] += 1
    finally:
        db.close()
    return CatalogState(rows, counts["completed"], counts["failed"])


def _journal_lookup(journal: str | None) -> Any:
    if journal is None or not os.path.exists(journal):
        return lambda _key: False
    db = open_read_only(journal)

    def finished(key: str) -> bool:
        found = db.execute("SELECT status FROM items WHERE item_key = ?", (key,)).fetchone()
        return found is not None and found[0] in ("completed", "failed")

    return finished
