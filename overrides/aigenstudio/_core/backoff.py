"""The one backoff policy: how long to wait before trying again, and what a server's
``Retry-After`` changes about it.

Used by the retry layer (``_http/retries.py``: x2 per retry, equal jitter, ``Retry-After``
instead of the step), ``wait_for_job``'s polling (``_workflow/waiting.py``: x1.5 per poll,
no jitter, ``Retry-After`` as a floor) and the catalog's back-pressure on create
(``_catalog/submit.py``: the same as polling). Pure arithmetic: callers draw the random
number and own the clock, so tests never sleep.
"""

from __future__ import annotations

from dataclasses import dataclass

from .retry_after import MAX_RETRY_AFTER, parse_retry_after

__all__ = ["Backoff"]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Waits that grow from ``initial`` by ``factor`` per step up to ``maximum``.

    ``jitter`` is the share of each wait drawn at random (0: exact waits; 0.5: "equal
    jitter", half fixed and half random, so a retry never follows a failure at once).
    A server's ``Retry-After`` is capped at ``max_retry_after``; with ``hint_is_floor`` it
    only lengthens a step (a poll never comes sooner than the schedule), else it replaces it.
    """

    initial: float
    maximum: float
    factor: float = 2.0
    jitter: float = 0.0
    max_retry_after: float = MAX_RETRY_AFTER
    hint_is_floor: bool = False

    def step(self, number: int, rand: float = 0.0) -> float:
        """The scheduled wait before step ``number`` (1-based); ``rand`` in [0, 1)."""
        # The exponent is capped: 2.0 ** 1024 overflows, and 2 ** 62 seconds is forever anyway.
        ceiling = min(self.maximum, self.initial * self.factor ** min(number - 1, 62))
        return ceiling * (1 - self.jitter) + ceiling * self.jitter * rand

    def retry_after(self, value: str | None) -> float | None:
        """A ``Retry-After`` header value in seconds, capped; None when absent or unreadable."""
        hint = parse_retry_after(value)
        return None if hint is None else min(hint, self.max_retry_after)

    def wait(self, number: int, retry_after: str | None = None, rand: float = 0.0) -> float:
        """The wait before step ``number``, given the server's ``Retry-After`` (if any)."""
        hint = self.retry_after(retry_after)
        if hint is None:
            return self.step(number, rand)
        return max(hint, self.step(number, rand)) if self.hint_is_floor else hint
