"""What a catalog run tells its caller: one outcome per row, as it happens, and a small summary.

Outcomes are streamed (a callback, a results file, an iterator) instead of being kept: a
million-image run must not hold a million reports. The summary keeps counts, credits and
the failed items only, so printing it stays cheap whatever the catalog's size.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import uuid
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput

__all__ = ["CatalogSummary", "ItemOutcome", "ResultsWriter", "Status", "utf8_text"]

# completed / failed: the API's verdict (``earlier=True``: in an earlier run, read from the
# journal; a failed item is not re-sent). skipped: completed in an earlier run (journal).
# invalid: the row was refused before sending (only with on_invalid="skip").
Status = Literal["completed", "failed", "skipped", "invalid"]
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


@dataclass
class CatalogSummary:
    """Counts, credits and the failed items of one run (``repr`` stays small).

    ``failed`` holds the items the API failed and the rows refused as invalid, including the
    items that failed in an earlier run on the same journal (``earlier=True``; counted in
    ``failed_count`` and ``failed_earlier_count``): they are not re-sent, so ``ok`` stays
    False and ``retry_inputs()`` keeps returning them until they are retried.
    """

    rows: int = 0
    completed_count: int = 0
    failed_count: int = 0
    skipped_count: int = 0
    invalid_count: int = 0
    jobs: int = 0
    credits_used: int = 0
    failed: list[ItemOutcome] = field(default_factory=list)
    journal: str | None = None  # None when the run used a temporary journal
    failed_earlier_count: int = 0  # of failed_count: failed in an earlier run (journal)

    def add(self, outcome: ItemOutcome) -> None:
        self.rows += 1
        if outcome.status == "completed":
            self.completed_count += 1
        elif outcome.status == "skipped":
            self.skipped_count += 1
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
    """Append outcomes to a ``.csv`` or ``.jsonl`` file, flushed after every job.

    In a CSV, a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return gets a leading ``'`` so that a spreadsheet shows it instead of running it as a
    formula (an external_id or error message is the catalog's or the API's text, not ours).
    JSON Lines keep every value as is.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        name = os.fspath(path)
        self._jsonl = not name.lower().endswith(".csv")
        self._file: IO[str] = open(name, "w", encoding="utf-8", errors="backslashreplace", newline="")  # noqa: SIM115 (closed by close())
        self._csv = None if self._jsonl else csv.DictWriter(self._file, fieldnames=FIELDS)
        if self._csv is not None:
            self._csv.writeheader()

    def write(self, outcome: ItemOutcome) -> None:
        record = outcome.to_record()
        if self._csv is not None:
            self._csv.writerow({name: _inert(value) for name, value in record.items()})
        else:
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


def _inert(value: Any) -> Any:
    """A CSV cell a spreadsheet will not evaluate (see ResultsWriter)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
