"""The clients the contract tests use, each paired with the transport that counts its requests."""

from __future__ import annotations

from dataclasses import dataclass

from aigenstudio import AsyncClient, Client

from tests.servers.counting import AsyncCountingTransport, CountingTransport

# A sandbox key: Prism accepts any bearer token, and sandbox keys never spend credits.
SANDBOX_KEY = "aigen_test_contract0123456789"


@dataclass
class SyncSetup:
    client: Client
    wire: CountingTransport


@dataclass
class AsyncSetup:
    client: AsyncClient
    wire: AsyncCountingTransport
