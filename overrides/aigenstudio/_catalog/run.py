"""The state of one catalog run, shared by the sync and async drivers (which only do the I/O).

``steps()`` reads the input lazily and yields either an outcome (a row skipped or refused)
or a batch to send; the journal has recorded the batch and its key before it is yielded.
Batches a previous run left open come first, so a rerun re-attaches before it sends anything
new; each goes only to the API key it was sent with (checked before anything is sent). A new
batch is recorded with the key of the slot that will send it (``next_key``, asked by the
driver). ``finish()`` records a terminal job and turns it into per-item outcomes.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job import ProductPhotoJob

from .._core.errors import RequestValidationError
from .journal import (
    Journal,
    JournalRecord,
    OpenBatch,
    check_open_keys,
    same_file,
)
from .outcomes import CatalogSummary, ItemOutcome, ResultsWriter, aside_path, utf8_text
from .planner import (
    EXTERNAL_ID,
    SOURCE_URL,
    BodyTemplate,
    InvalidRowError,
    checked_image,
    images_per_job,
    item_key,
)
from .progress import CatalogProgress, ProgressTracker

__all__ = ["Batch", "CatalogRun", "KeySlots", "OnInvalid", "Recorder", "Sinks"]

OnInvalid = Literal["raise", "skip"]
StepHook = Callable[[str, int], object]


@dataclass
class Batch:
    """One batch on its way: recorded in the journal, maybe created, not yet terminal."""

    seq: int
    key: str
    body: dict[str, Any]
    images: list[ProductPhotoImageInput]
    rows: list[int | None]
    job_id: str | None = None
    fingerprint: str | None = None  # the API key it goes to (key_fingerprint); None: any key


class KeySlots(Protocol):
    """The run's API keys as the driver's slots see them (slots.SlotTable)."""

    @property
    def fingerprints(self) -> Sequence[str | None]: ...

    def next_key(self) -> str | None:
        """The key of the slot the next new batch goes to."""
        ...


@dataclass
class Sinks:
    """Where outcomes and progress go, besides the iterator."""

    on_item: Callable[[ItemOutcome], object] | None = None
    results: str | os.PathLike[str] | None = None
    on_progress: Callable[[CatalogProgress], object] | None = None
    on_step: StepHook | None = None  # called after each durable step (tests kill the process here)
    line_of: Callable[[int], int | None] | None = None  # a row's ``line`` in the results file


class Recorder:
    """The results side of a run: journal writes after each call, and the outcome sinks."""

    def __init__(
        self, journal: Journal, sinks: Sinks, summary: CatalogSummary, progress: ProgressTracker
    ) -> None:
        self.journal = journal
        self.summary = summary
        self.progress = progress
        self._sinks = sinks
        self._writer = ResultsWriter(sinks.results, sinks.line_of) if sinks.results is not None else None

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def step(self, name: str, batch: Batch) -> None:
        if self._sinks.on_step is not None:
            self._sinks.on_step(name, batch.seq)

    def assigned(self, batch: Batch, fingerprint: str | None) -> None:
        """An open batch with no key is about to be sent with this one: recorded first."""
        if batch.job_id is None and batch.fingerprint is None and fingerprint is not None:
            self.journal.set_key(batch.seq, fingerprint)
            batch.fingerprint = fingerprint

    def refused(self, batch: Batch) -> None:
        """Its create was refused with nothing created: any key may send it again."""
        if batch.job_id is None and batch.fingerprint is not None:
            self.journal.set_key(batch.seq, None)
            batch.fingerprint = None

    def created(self, batch: Batch, job_id: uuid.UUID) -> None:
        if batch.job_id != str(job_id):
            batch.job_id = str(job_id)
            self.journal.set_job(batch.seq, batch.job_id)
        self.progress.job_started(batch.seq)
        self.step("created", batch)

    def finish(self, batch: Batch, job: ProductPhotoJob) -> list[ItemOutcome]:
        """Record the terminal job and its items (one transaction); the outcomes to emit."""
        outcomes = _item_outcomes(batch, job)
        credits = _credits(job, outcomes)
        status = str(job.status) if job.status is not None else "completed"
        self.journal.finish_batch(batch.seq, status, credits, outcomes)
        self.summary.jobs += 1
        self.summary.credits_used += credits
        self.step("finished", batch)
        for outcome in outcomes:
            self.emit(outcome)
        if self._writer is not None:
            self._writer.flush()
        self.progress.job_finished(credits, batch.seq)
        return outcomes

    def emit(self, outcome: ItemOutcome) -> ItemOutcome:
        self.summary.add(outcome)
        self.progress.outcome(outcome)
        if self._writer is not None:
            self._writer.write(outcome)
        if self._sinks.on_item is not None:
            self._sinks.on_item(outcome)
        return outcome


class CatalogRun:
    """One run over a journal (the caller's file, or a temporary one): the planning side."""

    def __init__(
        self,
        images: Iterable[object],
        template: BodyTemplate,
        journal: str | os.PathLike[str] | None,
        sinks: Sinks,
        on_invalid: OnInvalid,
        clock: Callable[[], float],
        key_kind: str | None = None,
    ) -> None:
        if on_invalid not in ("raise", "skip"):
            raise RequestValidationError("on_invalid", "'raise' or 'skip'")
        self._images = images
        self.template = template
        self._tempdir = tempfile.mkdtemp(prefix="aigenstudio-catalog-") if journal is None else None
        path = os.path.join(self._tempdir, "journal.sqlite") if self._tempdir else os.fspath(journal or "")
        _check_results(sinks.results, path)
        summary = CatalogSummary(journal=None if self._tempdir else path)
        progress = ProgressTracker(
            sinks.on_progress, len(images) if isinstance(images, Sized) else None, clock
        )
        recorder = functools.partial(Recorder, sinks=sinks, summary=summary, progress=progress)
        self.record = _started(path, template, key_kind, self._tempdir, recorder)
        self.journal = self.record.journal
        self._on_invalid = on_invalid
        # Items of batches re-attached in this run -> (batch, position): the row this run
        # reads each at replaces the one recorded (the catalog may have been re-exported).
        self._resumed: dict[str, tuple[Batch, int]] = {}

    def close(self, failed: bool) -> CatalogSummary:
        """Release the journal (a temporary one is deleted) and hand back the summary."""
        if not failed:
            self.record.progress.report()  # the rows refused after the last job count too
        self.journal.close(commit=not failed)  # a failed run keeps only what it committed
        self.record.close()
        _discard(self._tempdir)
        return self.record.summary

    def steps(self, keys: KeySlots) -> Iterator[ItemOutcome | Batch]:
        """Open batches first (their keys checked before anything is sent), then the input's
        rows: outcomes to emit and batches to send (each recorded with its slot's key)."""
        for open_batch in _check_keys(self.journal, keys.fingerprints):
            batch = _reopened(self.template, open_batch)
            self._resumed.update((item_key(image), (batch, n)) for n, image in enumerate(batch.images))
            yield batch
        buffer: dict[str, tuple[ProductPhotoImageInput, int]] = {}
        size = images_per_job()
        seen_any = False
        for row, raw in enumerate(self._images):
            seen_any = True
            outcome = self._read_row(row, raw, buffer)
            if outcome is not None:
                yield self.record.emit(outcome)
            if len(buffer) >= size:
                yield from self._planned(buffer, keys.next_key)
                buffer = {}
        if buffer:
            yield from self._planned(buffer, keys.next_key)
        if not seen_any and not self._resumed:
            raise RequestValidationError("images", "at least 1 image")

    def _read_row(
        self, row: int, raw: Any, buffer: dict[str, tuple[ProductPhotoImageInput, int]]
    ) -> ItemOutcome | None:
        try:
            image = checked_image(row, raw)
        except RequestValidationError as error:
            return self._invalid(row, raw, error)
        key = item_key(image)
        record = None if key in buffer else self.journal.lookup(key)
        if key in buffer or (record is not None and record.run == self.journal.run):
            name = EXTERNAL_ID if isinstance(image.external_id, str) else SOURCE_URL
            repeated = RequestValidationError(f"images[{row}].{name}", f"unique (repeats {key!r})")
            return self._invalid(row, raw, repeated)
        if record is None:
            buffer[key] = (image, row)
            return None
        self.journal.seen(key, row)
        resumed = self._resumed.get(key)
        if resumed is None:
            return _skipped(record, row)
        batch, position = resumed
        batch.rows[position] = row  # read before its job finished: its outcome names this row
        return None

    def _planned(
        self, buffer: dict[str, tuple[ProductPhotoImageInput, int]], next_key: Callable[[], str | None]
    ) -> Iterator[ItemOutcome | Batch]:
        images = [image for image, _ in buffer.values()]
        rows = [row for _, row in buffer.values()]
        while images:
            try:
                body, key = self.template.body(images, rows)
            except InvalidRowError as refused:
                outcome = self._invalid(rows[refused.position], images[refused.position], refused)
                del images[refused.position], rows[refused.position]
                yield self.record.emit(outcome)
                continue
            records = [(i.source_url, _text(i.external_id), r) for i, r in zip(images, rows, strict=True)]
            fingerprint = next_key()  # the key of the slot this batch goes to
            seq = self.journal.add_batch(key, records, fingerprint)  # write-ahead: before the create call
            batch = Batch(seq, key, body, images, list(rows), fingerprint=fingerprint)
            self.record.step("planned", batch)
            yield batch
            return

    def _invalid(self, row: int, raw: Any, error: RequestValidationError) -> ItemOutcome:
        if self._on_invalid == "raise":
            raise error  # the buffered rows are dropped unsent; the journal keeps what is done
        return _refused(row, raw, error)


def _started(
    path: str,
    template: BodyTemplate,
    key_kind: str | None,
    tempdir: str | None,
    recorder: Callable[[Journal], Recorder],
) -> Recorder:
    """The run's journal, open and started, with its recorder; if any of it fails, nothing is
    left behind: neither the journal's lock (the caller may fix the settings and retry) nor
    the temporary directory."""
    try:
        journal = Journal(path)
    except BaseException:
        _discard(tempdir)
        raise
    try:
        journal.start(template.namespace, template.options, key_kind)
        return recorder(journal)
    except BaseException:
        journal.close(commit=False)
        _discard(tempdir)
        raise


def _discard(tempdir: str | None) -> None:
    if tempdir is not None:
        shutil.rmtree(tempdir, ignore_errors=True)


def _check_keys(journal: Journal, fingerprints: Sequence[str | None]) -> list[OpenBatch]:
    """The open batches, once every key they were sent with is among the run's clients'."""
    reopened = journal.open_batches()
    check_open_keys(journal.path, [(b.seq, b.key_fingerprint) for b in reopened], fingerprints)
    return reopened


def _reopened(template: BodyTemplate, open_batch: OpenBatch) -> Batch:
    """A batch a previous run recorded, rebuilt from the journal (its body and key as sent)."""
    images = [_image(url, ext) for url, ext in open_batch.images]
    body = template.body_of_record(images)
    seq, key, job_id = open_batch.seq, open_batch.idempotency_key, open_batch.job_id
    rows: list[int | None] = [*open_batch.rows] if open_batch.rows else [None] * len(images)
    return Batch(seq, key, body, images, rows, job_id, open_batch.key_fingerprint)


def _refused(row: int, raw: Any, error: RequestValidationError) -> ItemOutcome:
    source, external = (_printable(text) for text in _identity(raw))
    message = str(error)
    return ItemOutcome(
        external, "invalid", error_code="invalid_row", error_message=message, source_url=source, row=row
    )


def _item_outcomes(batch: Batch, job: ProductPhotoJob) -> list[ItemOutcome]:
    """One outcome per image sent: matched by external_id, else by position in the job."""
    items = job.items or []
    by_external = {i.external_id: i for i in items if isinstance(i.external_id, str)}
    outcomes = []
    for position, (image, row) in enumerate(zip(batch.images, batch.rows, strict=True)):
        external = _text(image.external_id)
        item = by_external.get(external) if external is not None else None
        if item is None and external is None and position < len(items):
            item = items[position]
        if item is None:  # a terminal job that does not mention an input never processed it
            message = "the job reported no item for this image"
            outcomes.append(
                ItemOutcome(
                    external, "failed", job.id, batch.seq, None, None, message, None, image.source_url, row
                )
            )
        elif isinstance(item.result_url, str) and item.result_url and not item.error_code:
            outcomes.append(
                ItemOutcome(
                    external,
                    "completed",
                    job.id,
                    batch.seq,
                    item.result_url,
                    None,
                    None,
                    _text(item.thumbnail_url),
                    image.source_url,
                    row,
                    _int(item.credits_used),
                )
            )
        else:
            message = _text(item.error_message) or "no result"
            outcomes.append(
                ItemOutcome(
                    external,
                    "failed",
                    job.id,
                    batch.seq,
                    None,
                    _text(item.error_code),
                    message,
                    None,
                    image.source_url,
                    row,
                    _int(item.credits_used),
                )
            )
    return outcomes


def _credits(job: ProductPhotoJob, outcomes: list[ItemOutcome]) -> int:
    if isinstance(job.credits_used, int):
        return job.credits_used
    return sum(o.credits_used or 0 for o in outcomes)


def _skipped(record: JournalRecord, row: int) -> ItemOutcome:
    """An item finished in an earlier run: its verdict then (``completed`` or ``failed``), ``earlier``."""
    o = record.outcome
    return ItemOutcome(
        o.external_id,
        "failed" if record.status == "failed" else "completed",
        o.job_id,
        o.batch,
        o.result_url,
        o.error_code,
        o.error_message,
        o.thumbnail_url,
        o.source_url,
        row,
        o.credits_used,
        earlier=True,
    )


def _identity(raw: Any) -> tuple[str | None, str | None]:
    if isinstance(raw, Mapping):
        return _text(raw.get(SOURCE_URL)), _text(raw.get(EXTERNAL_ID))
    if isinstance(raw, ProductPhotoImageInput):
        return _text(raw.source_url), _text(raw.external_id)
    return None, None


def _image(url: str, external: str | None) -> ProductPhotoImageInput:
    return ProductPhotoImageInput(source_url=url, external_id=external)


def _printable(text: str | None) -> str | None:
    """A refused row's text as UTF-8 can carry it (a lone surrogate becomes ``\\udXXX``)."""
    return None if text is None else utf8_text(text)


def _check_results(results: str | os.PathLike[str] | None, journal: str) -> None:
    if results is None:
        return
    for written in (os.fspath(results), aside_path(os.fspath(results))):
        if same_file(written, journal):
            raise RequestValidationError("results", "another file than the journal (it would be overwritten)")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None
