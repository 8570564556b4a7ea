"""One Prism mock server per test session, and clients that count what reaches it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from aigenstudio import AsyncClient, Client

from tests.contract.clients import SANDBOX_KEY, AsyncSetup, SyncSetup
from tests.servers.counting import AsyncCountingTransport, CountingTransport
from tests.servers.prism import prism_for_tests
from tools.prism import PrismServer


@pytest.fixture(scope="session")
def prism() -> Iterator[PrismServer]:
    with prism_for_tests() as server:
        yield server


@pytest.fixture
def sync_setup(prism: PrismServer) -> Iterator[SyncSetup]:
    wire = CountingTransport()
    # No retries: a contract failure must show up as the one answer Prism gave.
    with Client(SANDBOX_KEY, base_url=prism.base_url, transport=wire, max_retries=0) as client:
        yield SyncSetup(client, wire)


@pytest.fixture
async def async_setup(prism: PrismServer) -> AsyncIterator[AsyncSetup]:
    wire = AsyncCountingTransport()
    async with AsyncClient(SANDBOX_KEY, base_url=prism.base_url, transport=wire, max_retries=0) as client:
        yield AsyncSetup(client, wire)
