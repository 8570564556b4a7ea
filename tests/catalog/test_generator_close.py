"""Closing ``iter_catalog`` early stops the run at once, even with an API call in flight.

A signal that lands while the generator is suspended at a ``yield`` (the caller printing an
outcome) reaches the generator as ``GeneratorExit`` when the caller's loop unwinds; the run
must then stop as it does for Ctrl-C (workers left to return on their own), not wait for a
held create (the CLI's SIGTERM with two keys hung on this, now and then, under load).
"""

from __future__ import annotations

import threading
from pathlib import Path

from aigenstudio import iter_catalog
from aigenstudio.testing import FakeServer
from aigenstudio_client.client import AuthenticatedClient

from .conftest import API_KEY, finish_after, hold_creates, rows

OTHER_KEY = "aigen_test_other0123456789"


def test_closing_the_generator_with_a_create_in_flight_returns_at_once(
    server: FakeServer, tmp_path: Path
) -> None:
    finish_after(server, 1)
    release, held = hold_creates(server, after=2)  # the third create waits until released
    clients = [
        AuthenticatedClient(base_url=server.base_url, token=API_KEY),
        AuthenticatedClient(base_url=server.base_url, token=OTHER_KEY),
    ]
    outcomes = iter_catalog(
        clients,
        rows(range(100)),
        namespace="close",
        journal=tmp_path / "journal.sqlite",
        operation="marketplace_clean",
        poll_interval=0.01,
    )
    rescued = threading.Event()

    def watchdog() -> None:  # if the close waits on the held create, free it (and fail below)
        if not closed.wait(20):
            rescued.set()
            release.set()

    closed = threading.Event()
    try:
        for seen, _ in enumerate(outcomes, start=1):
            if seen == 40:
                break
        assert held.wait(60)  # a create is in flight, held by the server
        threading.Thread(target=watchdog, daemon=True).start()
        outcomes.close()  # in the iterating thread, as a caller's loop unwinding does
        closed.set()
        assert not rescued.is_set(), "closing the catalog waited for the API call in flight"
    finally:
        release.set()
