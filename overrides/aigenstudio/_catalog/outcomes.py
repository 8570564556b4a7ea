"""What a catalog run tells its caller: one outcome per row, as it happens, and a small summary.

Outcomes are streamed (a callback, a results file, an iterator) instead of being kept: a
million-image run must not hold a million reports. The summary keeps counts, credits and
the failed items only, so printing it stays cheap whatever the catalog's size.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

__all__ = [
    "CatalogSummary",
    "ItemOutcome",
    "ResultsFileError",
    "ResultsWriter",
    "Status",
    "aside_path",
    "utf8_text",
]

# completed / failed: the API's verdict (``earlier=True``: in an earlier run, read from the
# journal; neither is re-sent). invalid: the row was refused before sending (only with
# on_invalid="skip").
Status = Literal["completed", "failed", "invalid"]
# A results-file cell a spreadsheet would read as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def utf8_text(text: str) -> str:
    """``text`` as UTF-8 can carry it: a lone surrogate (from a JSON ``\\ud800``, in a row or
    in the server's text) becomes the six characters ``\\ud800``; any other text is unchanged."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """The outcome of one catalog row."""

    external_id: str | None
    status: Status
    job_id: uuid.UUID | None = None
    batch: int | None = None  # the journal's batch number
    result_url: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    thumbnail_url: str | None = None
    source_url: str | None = None
    row: int | None = None  # 0-based position in this run's input
    credits_used: int | None = None
    earlier: bool = False  # the verdict of an earlier run, read from the journal (not re-sent)

    @property
    def key(self) -> str:
        """What the journal knows the item by: its external_id, else its source_url."""
        return self.external_id or self.source_url or ""

    def to_input(self) -> ProductPhotoImageInput:
        """The image to send again (for a retry)."""
        image = ProductPhotoImageInput(source_url=self.source_url or "")
        if self.external_id is not None:
            image.external_id = self.external_id
        return image

    def to_record(self) -> dict[str, Any]:
        """A flat, JSON-ready dict (the results file's columns)."""
        record = dataclasses.asdict(self)
        record["job_id"] = str(self.job_id) if self.job_id is not None else None
        return record


FIELDS = [f.name for f in dataclasses.fields(ItemOutcome)]
# A results file's columns: the outcome's, with the row's ``line`` (see ResultsWriter) after ``row``.
RESULT_FIELDS = [*FIELDS[: FIELDS.index("row") + 1], "line", *FIELDS[FIELDS.index("row") + 1 :]]


@dataclass
class CatalogSummary:
    """Counts, credits and the failed items of one run (``repr`` stays small).

    ``failed`` holds the items the API failed and the rows refused as invalid, including the
    items that failed in an earlier run on the same journal (``earlier=True``; counted in
    ``failed_count`` and ``failed_earlier_count``): they are not re-sent, so ``ok`` stays
    False and ``retry_inputs()`` keeps returning them until they are retried.
    """

    rows: int = 0
    completed_count: int = 0  # completed in this run
    failed_count: int = 0
    skipped_count: int = 0  # completed in an earlier run (not re-sent)
    invalid_count: int = 0
    jobs: int = 0
    credits_used: int = 0
    failed: list[ItemOutcome] = field(default_factory=list)
    journal: str | None = None  # None when the run used a temporary journal
    failed_earlier_count: int = 0  # of failed_count: failed in an earlier run (journal)

    def add(self, outcome: ItemOutcome) -> None:
        self.rows += 1
        if outcome.status == "completed" and outcome.earlier:
            self.skipped_count += 1
        elif outcome.status == "completed":
            self.completed_count += 1
        else:
            self.failed.append(outcome)
            if outcome.status == "invalid":
                self.invalid_count += 1
            else:
                self.failed_count += 1
                self.failed_earlier_count += outcome.earlier

    @property
    def ok(self) -> bool:
        """True when no row failed (in this run or an earlier one) or was refused."""
        return not self.failed

    def retry_inputs(self) -> list[ProductPhotoImageInput]:
        """The original images of every failed item, ready for another run."""
        return [outcome.to_input() for outcome in self.failed]

    def __repr__(self) -> str:
        earlier = f", failed_earlier={self.failed_earlier_count}" if self.failed_earlier_count else ""
        return (
            f"{type(self).__name__}(rows={self.rows}, completed={self.completed_count}, "
            f"failed={self.failed_count}{earlier}, skipped={self.skipped_count}, "
            f"invalid={self.invalid_count}, jobs={self.jobs}, credits_used={self.credits_used})"
        )


class ResultsWriter:
    """Outcomes to a ``.csv`` or ``.jsonl`` file, without ever losing the ones it holds.

    The outcomes go to a file beside it (``<results>.partial``, flushed after every job),
    which replaces it on :meth:`close` (whatever ended the run), followed by the lines of the
    old file whose item this run did not report: a rerun that stops before sending anything
    leaves the file as it was, and a rerun that reports every row (earlier ones as
    ``completed``/``failed`` with ``earlier`` true) leaves one line per row. An existing file
    that is not such a results file is refused before anything is written. Lines come in the
    order the outcomes happen (rows skipped or refused as read, a job's items when it finishes),
    then the old file's: ``row`` (0-based, this run's input) and ``line`` (``line_of(row)``:
    the catalog file's line, as messages name it) say where each row is; sort by them.

    In a CSV, a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'`` so that a spreadsheet shows it instead of running it as a
    formula (an external_id or error message is the catalog's or the API's text, not ours);
    ``earlier`` is ``true``/``false``. JSON Lines keep every value as is.
    """

    def __init__(
        self, path: str | os.PathLike[str], line_of: Callable[[int], int | None] | None = None
    ) -> None:
        self.path = os.fspath(path)
        self._line_of = line_of
        self._jsonl = not self.path.lower().endswith(".csv")
        self._earlier = _read_results(self.path, self._jsonl)  # refused here if not ours
        self._aside = aside_path(self.path)
        self._file: IO[str] = open(self._aside, "w", encoding="utf-8", errors="backslashreplace", newline="")  # noqa: SIM115 (closed by close())
        self._csv = None if self._jsonl else csv.DictWriter(self._file, fieldnames=RESULT_FIELDS)
        if self._csv is not None:
            self._csv.writeheader()
        self._reported: set[bytes] = set()  # digests of the items written by this run
        self._written = 0

    def write(self, outcome: ItemOutcome) -> None:
        record = self._record(outcome)
        if self._csv is not None:
            record = {name: _cell(value) for name, value in record.items()}
            self._csv.writerow(record)
        else:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
        self._reported.add(_digest(record))
        self._written += 1

    def _record(self, outcome: ItemOutcome) -> dict[str, Any]:
        """The outcome's fields, with ``line`` after ``row``: ``line_of(row)``, else None."""
        line = None if self._line_of is None or outcome.row is None else self._line_of(outcome.row)
        record = outcome.to_record()
        return {name: line if name == "line" else record[name] for name in RESULT_FIELDS}

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        """Swap the file in, the old file's other lines after this run's; with nothing written
        by this run, the old file stays as it was."""
        try:
            if self._written:
                for record in self._earlier():
                    if _digest(record) not in self._reported:
                        self._write_record(record)
            self._file.close()
        except BaseException:
            self._file.close()
            raise
        if self._written or not os.path.exists(self.path):
            os.replace(self._aside, self.path)
        else:
            os.unlink(self._aside)

    def _write_record(self, record: dict[str, Any]) -> None:
        if self._csv is not None:  # as read (already inert); an older version's True/False as true/false
            self._csv.writerow({name: _flag(record.get(name)) for name in RESULT_FIELDS})
        else:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")


def aside_path(results: str) -> str:
    """Where a run writes its results before swapping them in (see ResultsWriter)."""
    return results + ".partial"


def _digest(record: dict[str, Any]) -> bytes:
    """Who a results line is about (as written): its external_id, else source_url, else row."""
    who = record.get("external_id") or record.get("source_url") or f"row {record.get('row')}"
    return hashlib.blake2b(str(who).encode("utf-8", "backslashreplace"), digest_size=8).digest()


def _read_results(path: str, jsonl: bool) -> Callable[[], Iterator[dict[str, Any]]]:
    """The records of an existing results file, read again when called (checked now:
    ResultsFileError if it is not one); nothing for a missing or empty file."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return lambda: iter(())

    def records() -> Iterator[dict[str, Any]]:
        with open(path, encoding="utf-8", errors="backslashreplace", newline="") as handle:
            if not jsonl:
                reader = csv.DictReader(handle)
                if reader.fieldnames is None or not {"status", "earlier"} <= set(reader.fieldnames):
                    raise ResultsFileError(path)
                yield from reader
                return
            for line in handle:
                record = _json_object(line)
                if record is None or "status" not in record:
                    raise ResultsFileError(path)
                yield record

    try:
        for _ in records():
            pass
    except (csv.Error, UnicodeError):
        raise ResultsFileError(path) from None
    return records


def _json_object(line: str) -> dict[str, Any] | None:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


class ResultsFileError(ValueError):
    """The results path names a file that is not a results file: it is never overwritten."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path} exists and is not a results file (one outcome per line); it was left as it "
            "was: give the results another file name"
        )


def _flag(value: Any) -> Any:
    return value.lower() if value in ("True", "False") else value


def _cell(value: Any) -> Any:
    """A CSV cell: ``true``/``false`` for a flag, and text a spreadsheet will not evaluate."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _inert(value)


def _inert(value: Any) -> Any:
    """A CSV cell a spreadsheet will not evaluate (see ResultsWriter)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
