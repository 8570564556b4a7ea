"""The pytest plugin (entry point ``pytest11``, loaded when aigenstudio is installed).

Fixtures: ``aigenstudio_fake`` and ``aigenstudio_fake_async`` yield a ``FakeSession`` on a new
``FakeAPI`` (``.client`` / ``.async_client``, ``.api`` for the fake's state). Nothing is
imported from aigenstudio until a fixture is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._session import FakeSession

__all__ = ["aigenstudio_fake", "aigenstudio_fake_async"]


@pytest.fixture
def aigenstudio_fake() -> Iterator[FakeSession]:
    """A fresh fake API and a sandbox ``Client`` on it (``session.client``)."""
    from ._session import FakeSession

    session = FakeSession()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def aigenstudio_fake_async() -> Iterator[FakeSession]:
    """The same; use ``session.async_client`` (an ``AsyncClient``) in async tests."""
    from ._session import FakeSession

    session = FakeSession()
    try:
        yield session
    finally:
        session.close()
