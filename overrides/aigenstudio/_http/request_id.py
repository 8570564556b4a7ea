"""Request ids: generation, the rules a caller's id must meet, and per-context tracking."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._core.api_facts import REQUEST_ID_MAX_LENGTH
from .._core.errors import RequestValidationError

if TYPE_CHECKING:
    from .._contract.spec import Operation

__all__ = [
    "CONTROL_CHARACTERS",
    "HEADER_CONTROL_LIMIT",
    "Exchange",
    "RequestIdState",
    "check_request_id",
    "header_value_problem",
    "new_request_id",
]

# Control characters in any header value we send (CR/LF would split or inject headers).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
HEADER_CONTROL_LIMIT = "no control characters (CR/LF would inject headers)"


def header_value_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as an HTTP header value as given, or None.

    HTTP itself imposes these (RFC 9110 5.5): control characters would split or inject
    headers, non-ASCII has no defined encoding (httpx cannot send it), and servers strip
    edge whitespace, so the value they see would differ from the one the caller chose.
    """
    if CONTROL_CHARACTERS.search(value):
        return HEADER_CONTROL_LIMIT
    if not value.isascii():
        return "ASCII characters only (HTTP header values have no defined encoding for others)"
    if value != value.strip(" \t"):
        return "no leading or trailing whitespace (servers strip it from header values)"
    return None


def new_request_id() -> str:
    # 128 random bits, like uuid4 but without the UUID object (this runs on every request).
    return "req_" + os.urandom(16).hex()


def check_request_id(value: object, field: str = "x_request_id") -> str:
    """Return the id if it may be sent; otherwise raise RequestValidationError (nothing is sent)."""
    if not isinstance(value, str):
        raise RequestValidationError(field, "must be a string", f"{field}: must be a string")
    if len(value) > REQUEST_ID_MAX_LENGTH:
        limit = f"at most {REQUEST_ID_MAX_LENGTH} characters"
        raise RequestValidationError(field, limit, f"{field}: {limit} (got {len(value)})")
    problem = header_value_problem(value)
    if problem is not None:
        raise RequestValidationError(field, problem, f"{field}: {problem}")
    return value


@dataclass(slots=True)
class Exchange:
    """One call's record, from the request hook (``request.extensions``) to the raw response."""

    operation: Operation  # the hook never prepares a request that is no operation
    request_id: str  # the id sent
    started: float  # time.perf_counter() when the request was prepared
    state: RequestIdState
    answer_id: str | None = None  # the answer's id: the body's, else the header's, else the sent one
    attempts: int = 1


class RequestIdState:
    """A client's request-id defaults and its last exchange.

    ``last`` is tracked client-wide and per context (thread or asyncio task), so concurrent
    tasks each see the id (and the raw response the facts) of their own last call.
    """

    __slots__ = ("_last", "_last_in_context", "_scoped", "default")

    def __init__(self, default: str | None) -> None:
        self.default = check_request_id(default, "request_id") if default is not None else None
        self._last: str | None = None
        # One ContextVar pair per client: contexts of different clients never mix.
        self._last_in_context: ContextVar[Exchange | None] = ContextVar("aigenstudio_last", default=None)
        self._scoped: ContextVar[str | None] = ContextVar("aigenstudio_scoped_rid", default=None)

    def outgoing(self) -> str:
        """The id for a request that carries none: scope, else client default, else fresh."""
        return self._scoped.get() or self.default or new_request_id()

    def record(self, exchange: Exchange, request_id: str) -> None:
        """The exchange was answered, under ``request_id``: the call's last."""
        exchange.answer_id = self._last = request_id
        # Setting a ContextVar copies the context: once per exchange.
        if self._last_in_context.get() is not exchange:
            self._last_in_context.set(exchange)

    @property
    def last(self) -> str | None:
        exchange = self._last_in_context.get()
        return exchange.answer_id if exchange is not None else self._last

    @property
    def last_exchange(self) -> Exchange | None:
        """This context's last answered exchange."""
        return self._last_in_context.get()

    @contextmanager
    def scope(self, request_id: str) -> Iterator[str]:
        token = self._scoped.set(check_request_id(request_id, "request_id"))
        try:
            yield request_id
        finally:
            self._scoped.reset(token)
