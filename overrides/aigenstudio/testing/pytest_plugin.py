"""The pytest plugin (entry point ``pytest11``, loaded when aigenstudio is installed).

Fixtures: ``aigenstudio_fake`` and ``aigenstudio_fake_async`` yield a ``FakeSession`` on the
``FakeAPI`` of ``aigenstudio_fake_api`` (``.client`` / ``.async_client``, ``.api`` for the
fake's state). Override ``aigenstudio_fake_api`` in a conftest.py to configure the fake, e.g.
``return FakeAPI(timing=Timing.after_polls(3))``. Nothing is imported from aigenstudio until a
fixture is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._api import FakeAPI
    from ._session import FakeSession

__all__ = ["aigenstudio_fake", "aigenstudio_fake_api", "aigenstudio_fake_async"]


@pytest.fixture
def aigenstudio_fake_api() -> FakeAPI:
    """The fake the session fixtures use: a new ``FakeAPI()`` per test (override to configure it)."""
    from ._api import FakeAPI

    return FakeAPI()


@pytest.fixture
def aigenstudio_fake(aigenstudio_fake_api: FakeAPI) -> Iterator[FakeSession]:
    """The fake API and a sandbox ``Client`` on it (``session.client``)."""
    from ._session import FakeSession

    session = FakeSession(aigenstudio_fake_api)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def aigenstudio_fake_async(aigenstudio_fake_api: FakeAPI) -> Iterator[FakeSession]:
    """The same; use ``session.async_client`` (an ``AsyncClient``) in async tests."""
    from ._session import FakeSession

    session = FakeSession(aigenstudio_fake_api)
    try:
        yield session
    finally:
        session.close()
