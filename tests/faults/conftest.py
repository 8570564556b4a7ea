"""Fixtures for the fault-injection suite: the server, fast retries, and the figures file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import aigenstudio._retries as retries
import pytest

from tests.faults.report import FaultReport
from tests.faults.scenarios import MODES, SCENARIOS
from tests.servers.fault_server import FaultServer, running_fault_server

REPORT_PATH = Path(__file__).resolve().parents[2] / "reports" / "faults.json"


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    with running_fault_server() as server:
        yield server


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # The Client builds its RetryPolicy from max_retries alone; shrink the backoff so a
    # retried fault costs milliseconds (which faults are retried, and how often, is unchanged;
    # Retry-After hints are honoured as sent).
    def tiny_backoff(self: retries.RetryPolicy, retry_number: int, rand: float) -> float:
        return 0.005 * retry_number

    monkeypatch.setattr(retries.RetryPolicy, "backoff", tiny_backoff)


@pytest.fixture(scope="session")
def fault_report() -> Iterator[FaultReport]:
    report = FaultReport()
    yield report
    if len(report.rows) == len(SCENARIOS) * len(MODES):  # figures only from a complete run
        REPORT_PATH.parent.mkdir(exist_ok=True)
        REPORT_PATH.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
