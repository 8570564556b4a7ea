"""The pytest plugin (entry point ``pytest11``, loaded when aigenstudio is installed).

Fixtures: ``aigenstudio_fake`` and ``aigenstudio_fake_async`` yield a ``FakeSession`` on the
``FakeAPI`` of ``aigenstudio_fake_api`` (``.client`` / ``.async_client``, ``.api`` for the
fake's state). Override ``aigenstudio_fake_api`` in a conftest.py to configure the fake, e.g.
``return FakeAPI(timing=Timing.after_polls(3))``. Nothing is imported from aigenstudio until a
fixture is used.

At the end of a test the fixtures release every held request and fail the test if a fault it
injected never met a request (as pytest-httpx does for responses never requested): a fault
that never applies tests nothing. ``api.clear_faults()`` drops one you meant not to use.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ._api import FakeAPI
    from ._faults import Fault
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
    yield from _session(aigenstudio_fake_api)


@pytest.fixture
def aigenstudio_fake_async(aigenstudio_fake_api: FakeAPI) -> Iterator[FakeSession]:
    """The same; use ``session.async_client`` (an ``AsyncClient``) in async tests."""
    yield from _session(aigenstudio_fake_api)


def _session(api: FakeAPI) -> Iterator[FakeSession]:
    """A session on ``api`` for one test: closed after it (held requests released), then the
    test fails if a fault it injected never met a request."""
    from ._session import FakeSession

    session = FakeSession(api)
    try:
        yield session
    finally:
        session.close()
    _fail_on_unused_faults(api)


def _fail_on_unused_faults(api: FakeAPI) -> None:
    unused = api.unused_faults()
    api.clear_faults()  # reported once (both fixtures share the fake), never again in a later test
    if unused:
        listed = "; ".join(_describe(fault) for fault in unused)
        pytest.fail(f"aigenstudio fake: a fault injected in this test never met a request: {listed}")


def _describe(fault: Fault) -> str:
    where = {"operation": fault.operation, "api_key": fault.api_key and "…" + fault.api_key[-4:]}
    shown = ", ".join(f"{k}={v!r}" for k, v in where.items() if v)
    return f"Fault.{fault.kind}({shown}{', ' if shown else ''}after={fault.after})"
