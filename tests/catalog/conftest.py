"""Fixtures for the catalog tests: a fake API on 127.0.0.1 and a bare client for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aigenstudio_client.client import AuthenticatedClient

from .fake_server import FakeServer

API_KEY = "aigen_test_catalog0123456789"


def rows(ids: list[int] | range) -> list[dict[str, str]]:
    return [{"source_url": f"https://img.test/{i}.jpg", "external_id": f"sku-{i:03}"} for i in ids]


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer() as running:
        yield running


@pytest.fixture
def client(server: FakeServer) -> Any:
    return AuthenticatedClient(base_url=server.base_url, token=API_KEY)


def no_sleep(_seconds: float) -> None:
    pass
