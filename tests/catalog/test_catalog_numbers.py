"""Numbers the catalog hands callers: credit sums count what the API reported, whatever JSON
form the numbers take, and progress rates and ETAs are finite whatever the clock says."""

from __future__ import annotations

import math
import time

from aigenstudio import Client
from aigenstudio._catalog.outcomes import ItemOutcome
from aigenstudio._catalog.process import process_catalog
from aigenstudio._catalog.progress import CatalogProgress, ProgressTracker

from .conftest import API_KEY, rows
from .fake_server import FakeServer


def test_credits_sent_as_integral_floats_are_counted(server: FakeServer) -> None:
    # JSON Schema accepts 10.0 as an integer; the summary used to skip it and report 0.
    server.state.credits_per_item = 10.0
    server.state.polls_to_finish = 1
    with Client(api_key=API_KEY, base_url=server.base_url, max_retries=0) as client:
        summary = process_catalog(
            client,
            rows(range(3)),
            namespace="credits",
            operation="marketplace_clean",
            poll_interval=0.001,
            max_interval=0.001,
            sleep=time.sleep,
        )
    assert summary.completed_count == 3
    assert type(summary.credits_used) is int
    assert summary.credits_used == 30


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
