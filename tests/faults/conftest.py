"""Fixtures for the fault-injection suite: the fake API on loopback, and the figures file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aigenstudio.testing import FakeAPI, FakeServer

from tests.faults.report import FaultReport
from tests.faults.scenarios import MODES, SCENARIOS

REPORT_PATH = Path(__file__).resolve().parents[2] / "reports" / "faults.json"


@pytest.fixture
def fake_server() -> Iterator[FakeServer]:
    """aigenstudio.testing's fake on 127.0.0.1: real sockets, so resets and timeouts are real."""
    with FakeServer(FakeAPI()) as server:
        yield server


@pytest.fixture(scope="session")
def fault_report() -> Iterator[FaultReport]:
    report = FaultReport()
    yield report
    if len(report.rows) == len(SCENARIOS) * len(MODES):  # figures only from a complete run
        REPORT_PATH.parent.mkdir(exist_ok=True)
        REPORT_PATH.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
