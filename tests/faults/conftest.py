"""Fixtures for the fault-injection suite: the server, fast retries, and the figures file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.report import FaultReport
from tests.faults.scenarios import MODES, SCENARIOS
from tests.servers.fault_server import FaultServer, running_fault_server

REPORT_PATH = Path(__file__).resolve().parents[2] / "reports" / "faults.json"


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    with running_fault_server() as server:
        yield server


@pytest.fixture(scope="session")
def fault_report() -> Iterator[FaultReport]:
    report = FaultReport()
    yield report
    if len(report.rows) == len(SCENARIOS) * len(MODES):  # figures only from a complete run
        REPORT_PATH.parent.mkdir(exist_ok=True)
        REPORT_PATH.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
