"""The ``Retry-After`` header (RFC 9110 10.2.3): delta-seconds or an HTTP date, in seconds.

A leaf module: the retry layer, the waiting helpers and ``RateLimitError.retry_after`` share
one parser without importing each other.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from datetime import UTC

from .api_facts import RETRY_AFTER_HEADER

__all__ = ["MAX_RETRY_AFTER", "parse_retry_after", "response_retry_after"]

# The longest wait a hint can ask for: one day. A server asking for longer (a 400-digit
# delay, a year-9999 date) gets this, never inf or a wait time.sleep cannot make.
MAX_RETRY_AFTER = 86400.0


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date), or None.

    The result is None when the value is neither (``-5``, ``1.5``, ``NaN``, ``1e400``), else
    a finite float from 0 (a date in the past) to :data:`MAX_RETRY_AFTER` (one day: longer
    waits, however written, are clamped to it), so ``time.sleep(hint)`` always works.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)  # float() of 400 digits is inf: clamped too
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return min(max(0.0, when.timestamp() - current), MAX_RETRY_AFTER)


def response_retry_after(headers: Mapping[str, str]) -> float | None:
    """:func:`parse_retry_after` of the ``Retry-After`` a response's ``headers`` carry."""
    return parse_retry_after(headers.get(RETRY_AFTER_HEADER))
