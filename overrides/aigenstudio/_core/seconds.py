"""What counts as a number of seconds an option may hold."""

from __future__ import annotations

from threading import TIMEOUT_MAX

__all__ = ["is_seconds"]


def is_seconds(value: object, low: float = 0.0) -> bool:
    """A real number (not bool) from ``low`` to the longest wait the platform can express.

    NaN compares false with everything (a NaN timeout never expires) and values past
    ``TIMEOUT_MAX`` overflow when a wait is finally made, so both are refused up front.
    """
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= TIMEOUT_MAX
