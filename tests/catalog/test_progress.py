"""Progress: totals, rate and ETA as a run goes (finite whatever the clock says), and a
progress bar that stays silent when not on a terminal."""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

from aigenstudio._catalog.outcomes import ItemOutcome
from aigenstudio._catalog.process import process_catalog
from aigenstudio._catalog.progress import (
    CatalogProgress,
    ProgressBar,
    ProgressLines,
    ProgressTracker,
    progress_line,
)

from ..workflow.conftest import FakeClock
from .conftest import no_sleep, rows


def run(client: Any, images: Any, journal: Path | None, **extra: Any) -> Any:
    extra.setdefault("sleep", no_sleep)
    return process_catalog(
        client, images, namespace="spring", journal=journal, operation="marketplace_clean", **extra
    )


def test_progress_has_totals_rate_and_eta(client: Any) -> None:
    clock = FakeClock()
    seen: list[CatalogProgress] = []

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)

    run(client, rows(range(45)), None, on_progress=seen.append, clock=clock, sleep=sleep, poll_interval=1.0)
    last = seen[-1]
    assert (last.completed, last.total, last.jobs_done, last.credits_used, last.done) == (45, 45, 3, 45, 45)
    assert last.rate > 0
    assert last.eta == 0
    middle = next(p for p in seen if p.jobs_done == 1)
    assert middle.eta is not None
    assert middle.eta > 0
    assert any(p.job is not None for p in seen)  # the active job's polls are passed through


def test_progress_without_a_length_has_no_total(client: Any) -> None:
    seen: list[CatalogProgress] = []
    run(client, iter(rows(range(3))), None, on_progress=seen.append)
    assert seen[-1].total is None
    assert seen[-1].eta is None


def test_progress_bar_is_silent_when_not_a_tty() -> None:
    stream = io.StringIO()
    with ProgressBar(10, file=stream) as bar:
        bar(CatalogProgress(5, 0, 0, 10, 1, 0, 5, 1.0, 5.0, 1.0, None))
    assert stream.getvalue() == ""


def test_progress_rate_and_eta_stay_finite_on_a_sub_nanosecond_clock() -> None:
    # A caller's clock may tick in subnormal steps: 1 / 5e-324 is inf, and inf reaches on_progress.
    ticks = iter([0.0, 5e-324, 5e-324])
    seen: list[CatalogProgress] = []
    tracker = ProgressTracker(seen.append, total=10, clock=lambda: next(ticks))
    tracker.outcome(ItemOutcome("a", "completed", None, 0, "https://cdn.test/a.png"))
    tracker.report()
    [progress] = seen
    assert math.isfinite(progress.elapsed)
    assert math.isfinite(progress.rate)
    assert progress.eta is None or math.isfinite(progress.eta)


def test_progress_eta_is_unknown_when_it_would_be_inf() -> None:
    ticks = iter([0.0, 1e308, 1e308])
    seen: list[CatalogProgress] = []
    tracker = ProgressTracker(seen.append, total=10**6, clock=lambda: next(ticks))
    tracker.outcome(ItemOutcome("a", "completed", None, 0, "https://cdn.test/a.png"))
    tracker.report()
    [progress] = seen
    assert progress.rate > 0
    assert progress.eta is None


def snapshot(done: int, total: int | None = 100) -> CatalogProgress:
    return CatalogProgress(done, 0, 0, total, done // 20, 1, done, 10.0, 2.0, 30.0, None)


def test_progress_lines_come_at_a_steady_pace_of_the_clock_and_end_with_the_last() -> None:
    clock = FakeClock()
    out = io.StringIO()
    with ProgressLines(out, 60.0, clock) as lines:
        for done in range(0, 100, 10):  # a report every 10 seconds
            clock.sleep(10.0)
            lines(snapshot(done))
    printed = out.getvalue().splitlines()
    assert [line.split()[1] for line in printed] == ["50/100", "90/100"]  # at 60 s, then the last at close
    assert printed[0] == (
        "progress: 50/100 rows done (50 completed, 0 failed, 0 earlier); 2 jobs done, 1 active; "
        "50 credits; 2.0 img/s; about 0:00:30 left"
    )


def test_progress_lines_say_nothing_for_a_run_shorter_than_the_pace() -> None:
    clock = FakeClock()
    out = io.StringIO()
    with ProgressLines(out, 60.0, clock) as lines:
        lines(snapshot(10, None))
    assert out.getvalue() == ""
    assert progress_line(snapshot(10, None)).startswith("progress: 10/? rows done")
