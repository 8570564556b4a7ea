"""The ``Retry-After`` header (RFC 9110 10.2.3): delta-seconds or an HTTP date, in seconds.

A leaf module: the retry layer, the waiting helpers and ``RateLimitError.retry_after`` share
one parser without importing each other.
"""

from __future__ import annotations

import email.utils
import time
from datetime import UTC

__all__ = ["parse_retry_after"]


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date), or None."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
