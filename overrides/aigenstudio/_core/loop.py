"""The running asyncio event loop, without importing asyncio for callers that never use it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

__all__ = ["running_asyncio_loop"]


def running_asyncio_loop() -> asyncio.AbstractEventLoop | None:
    """The asyncio loop running in this thread, else None (no loop, or another async library)."""
    loaded = sys.modules.get("asyncio")
    if loaded is None:  # never imported: no asyncio loop can be running
        return None
    try:
        running: asyncio.AbstractEventLoop = loaded.get_running_loop()
    except RuntimeError:
        return None
    return running
