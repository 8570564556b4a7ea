"""The catalog's credit sums count what the API reported, whatever JSON form the numbers take."""

from __future__ import annotations

import time

from aigenstudio import Client
from aigenstudio._workflow.catalog import process_catalog

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
