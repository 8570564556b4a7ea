"""Progress of a catalog run: counts, credits, rate and ETA, and a terminal progress bar.

The callback gets a :class:`CatalogProgress` after every finished job, on every poll where
an active job moved, and every few thousand rows skipped as already done; not once per row,
so a callback that draws costs nothing measurable. Rate and ETA use the run's own clock.
With several jobs in flight, ``job`` adds up their last polls.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from .._workflow.waiting import Progress
from .outcomes import ItemOutcome

__all__ = [
    "CatalogProgress",
    "ProgressBar",
    "ProgressLines",
    "ProgressTracker",
    "progress_bar",
    "progress_line",
]

_SKIPS_PER_REPORT = 2000


@dataclass(frozen=True)
class CatalogProgress:
    """One snapshot of a run; ``total`` and ``eta`` are None when the input's length is unknown
    (``eta`` also when it would not be finite: a run-long stall on an odd clock)."""

    completed: int
    failed: int  # failed by the API or refused as invalid
    skipped: int  # finished in an earlier run (completed or failed then; not re-sent)
    total: int | None
    jobs_done: int
    jobs_active: int
    credits_used: int
    elapsed: float  # seconds
    rate: float  # images per second processed by the API in this run
    eta: float | None  # seconds
    job: Progress | None  # the active jobs' last polls, added up (status: the latest poll's)

    @property
    def done(self) -> int:
        """Rows with a final outcome: ``completed + failed + skipped``, as the line and the bar
        show them (the active jobs' images, even processed, count once their job is recorded:
        ``job`` holds those)."""
        return self.completed + self.failed + self.skipped


class ProgressTracker:
    """Counts outcomes and jobs, and hands snapshots to the caller's callback."""

    def __init__(
        self,
        callback: Callable[[CatalogProgress], object] | None,
        total: int | None,
        clock: Callable[[], float],
    ) -> None:
        self._callback = callback
        self._clock = clock
        self._started = clock()
        self.total = total
        self.completed = self.failed = self.skipped = 0
        self.jobs_done = self.jobs_active = self.credits_used = 0
        self._jobs: dict[int, Progress] = {}  # batch number -> its job's last poll
        self._unreported_skips = 0

    def outcome(self, outcome: ItemOutcome) -> None:
        if outcome.earlier:
            self.skipped += 1
            self._unreported_skips += 1
            if self._unreported_skips >= _SKIPS_PER_REPORT:
                self.report()
        elif outcome.status == "completed":
            self.completed += 1
        else:
            self.failed += 1

    def job_started(self, batch: int = 0) -> None:
        self.jobs_active += 1
        self._jobs.pop(batch, None)

    def job_progress(self, progress: Progress, batch: int = 0) -> None:
        self._jobs.pop(batch, None)  # re-inserted last: its status is the latest
        self._jobs[batch] = progress
        self.report()

    def job_finished(self, credits: int, batch: int = 0) -> None:
        self.jobs_active = max(self.jobs_active - 1, 0)
        self.jobs_done += 1
        self.credits_used += credits
        self._jobs.pop(batch, None)
        self.report()

    def _job(self) -> Progress | None:
        if not self._jobs:
            return None
        polls = list(self._jobs.values())
        return Progress(
            sum(p.completed for p in polls),
            sum(p.failed for p in polls),
            sum(p.total for p in polls),
            polls[-1].status,
        )

    def report(self) -> None:
        self._unreported_skips = 0
        if self._callback is not None:
            self._callback(self.snapshot())

    def snapshot(self) -> CatalogProgress:
        elapsed = max(self._clock() - self._started, 0.0)
        processed = self.completed + self.failed
        # A caller's clock may tick in sub-nanosecond steps (1 / 5e-324 is inf) or run for
        # ages (n / 1e-308 is inf): a rate or ETA that is not finite is reported as unknown.
        rate = processed / elapsed if elapsed > 0 else 0.0
        rate = rate if math.isfinite(rate) else 0.0
        eta = None
        if self.total is not None and rate > 0:
            eta = max(self.total - processed - self.skipped, 0) / rate
            eta = eta if math.isfinite(eta) else None
        return CatalogProgress(
            self.completed,
            self.failed,
            self.skipped,
            self.total,
            self.jobs_done,
            self.jobs_active,
            self.credits_used,
            elapsed,
            rate,
            eta,
            self._job(),
        )


class ProgressBar:
    """A tqdm bar fed by :class:`CatalogProgress`; silent when tqdm is missing or not a TTY."""

    def __init__(
        self, total: int | None = None, file: IO[str] | None = None, disable: bool | None = None
    ) -> None:
        self._bar: Any = None
        stream = file if file is not None else sys.stderr
        try:
            from tqdm import tqdm  # type: ignore[import-untyped, unused-ignore]  # optional: aigenstudio[cli]
        except ImportError:
            return
        # disable=None: tqdm itself turns the bar off when the stream is not a terminal.
        self._bar = tqdm(
            total=total, file=stream, disable=disable, unit="img", dynamic_ncols=True, smoothing=0.1
        )

    def __call__(self, progress: CatalogProgress) -> None:
        bar = self._bar
        if bar is None:
            return
        if progress.total is not None and bar.total != progress.total:
            bar.total = progress.total
        bar.n = progress.done
        bar.set_postfix(
            failed=progress.failed,
            earlier=progress.skipped,
            jobs=progress.jobs_done,
            credits=progress.credits_used,
            refresh=False,
        )
        bar.refresh()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class ProgressLines:
    """Plain progress lines for logs (cron, CI, ``| tee``, no tqdm): one line when ``every``
    seconds of ``clock`` have passed since the last one (0: at every report), and the last
    snapshot once more on :meth:`close` if a line was printed and it was not. No ``\\r``, no
    escape sequences: each line stands alone in a log file."""

    def __init__(self, file: IO[str], every: float, clock: Callable[[], float]) -> None:
        self._file = file
        self._every = every
        self._clock = clock
        self._last = clock()
        self._printed = False
        self._pending: CatalogProgress | None = None

    def __call__(self, progress: CatalogProgress) -> None:
        now = self._clock()
        if now - self._last < self._every:
            self._pending = progress
            return
        self._last = now
        self._print(progress)

    def _print(self, progress: CatalogProgress) -> None:
        self._pending = None
        self._printed = True
        print(progress_line(progress), file=self._file, flush=True)

    def close(self) -> None:
        if self._printed and self._pending is not None:
            self._print(self._pending)

    def __enter__(self) -> ProgressLines:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def progress_line(progress: CatalogProgress) -> str:
    """``progress: 120/500 rows done (100 completed, 0 failed, 20 earlier); 5 jobs done, 1
    active; 100 credits; 2.5 img/s; about 0:02:32 left``."""
    total = "?" if progress.total is None else str(progress.total)
    eta = "" if progress.eta is None else f"; about {_clock_time(progress.eta)} left"
    return (
        f"progress: {progress.done}/{total} rows done ({progress.completed} completed, "
        f"{progress.failed} failed, {progress.skipped} earlier); {progress.jobs_done} jobs done, "
        f"{progress.jobs_active} active; {progress.credits_used} credits; {progress.rate:.1f} img/s{eta}"
    )


def _clock_time(seconds: float) -> str:
    whole = int(min(seconds, 99 * 3600))
    return f"{whole // 3600}:{whole // 60 % 60:02}:{whole % 60:02}"


def progress_bar(total: int | None = None, *, file: IO[str] | None = None) -> ProgressBar:
    """A ready ``on_progress`` for terminals: ``with progress_bar(len(rows)) as bar:`` then
    ``process_catalog(..., on_progress=bar)``."""
    return ProgressBar(total, file)
