"""The faults a test injects into the fake (``FakeAPI.inject``): which requests one meets and
what it does to them."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypedDict, Unpack

import anyio

from ._reply import Reply

__all__ = ["Fault", "FaultKind", "Where", "wait", "wait_async"]

# A fault applies once unless told otherwise; a status fault is a 503 unless told otherwise.
ONCE = 1
DEFAULT_FAULT_STATUS = 503
NO_DELAY = 0.0
INJECTED_CODE = "injected_fault"  # a status fault's error.code unless told otherwise
# How long a held request waits for its release at most (a test that forgets to release it
# fails with a timeout instead of hanging).
HOLD_LIMIT = 300.0
RELEASE_POLL = 0.005  # how often an async held request looks at its release (seconds)

FaultKind = Literal["status", "latency", "reset", "lost_response", "reply", "rewrite", "hold"]


class Where(TypedDict, total=False):
    """Which requests a fault meets (every constructor of ``Fault`` takes these keywords)."""

    times: int | None  # how many matching requests it applies to (None: every one); default 1
    operation: str | None  # only requests of this operation id
    api_key: str | None  # only requests bearing this API key
    after: int  # skip this many matching requests first


@dataclass(slots=True, eq=False)  # a fault is an injection: compared by identity
class Fault:
    """A fault for the matching requests: those of ``operation`` (an operation id) and ``api_key``
    if given, after the first ``after`` of them, ``times`` times (``None``: every one).

    ``status``: answered with that status and the error envelope, not performed. ``latency``:
    answered ``seconds`` late (real seconds). ``reset``: the connection drops before the request
    is performed. ``lost_response``: performed (a create creates and reserves), then the answer
    is lost; the client's retry with the same idempotency key is a replay. ``reply``: answered
    with the bytes given, as a broken proxy or server might (never checked against the spec),
    not performed. ``rewrite``: performed, and its answer passed through a function before it is
    sent (unchecked: a server that drifts from the spec). ``hold``: waits until ``release`` is
    set (``held`` is set while it waits), then is answered normally: a slow API, for stopping
    a client at a known point without timing.
    """

    kind: FaultKind
    times: int | None = ONCE
    operation: str | None = None
    api_key: str | None = field(default=None, repr=False)  # a key is never shown
    after: int = 0
    status_code: int = DEFAULT_FAULT_STATUS
    seconds: float = NO_DELAY
    retry_after: str | None = None
    code: str = INJECTED_CODE
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict[str, str])
    transform: Callable[[Reply], Reply] | None = None
    release: threading.Event | None = None
    held: threading.Event | None = None
    applied: int = 0  # how many requests it has met so far

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise ValueError("times must be >= 1 (or None: every matching request)")
        if self.after < 0:
            raise ValueError("after must be >= 0")
        if not (math.isfinite(self.seconds) and self.seconds >= 0):
            raise ValueError("seconds must be a finite number >= 0")
        low = 400 if self.kind == "status" else 200  # a status fault sends the error envelope
        if not low <= self.status_code <= 599:
            raise ValueError(
                f"status_code must be {low}..599 for a {self.kind} fault (got {self.status_code})"
            )

    @classmethod
    def status(
        cls,
        status_code: int,
        *,
        code: str = INJECTED_CODE,
        retry_after: str | None = None,
        **where: Unpack[Where],
    ) -> Fault:
        """Answer with ``status_code`` in the error envelope (its ``error.code`` is ``code``;
        ``Retry-After`` if given), without performing the request."""
        return cls("status", status_code=status_code, code=code, retry_after=retry_after, **where)

    @classmethod
    def latency(cls, seconds: float, **where: Unpack[Where]) -> Fault:
        return cls("latency", seconds=seconds, **where)

    @classmethod
    def reset(cls, **where: Unpack[Where]) -> Fault:
        return cls("reset", **where)

    @classmethod
    def lost_response(cls, **where: Unpack[Where]) -> Fault:
        return cls("lost_response", **where)

    @classmethod
    def reply(
        cls,
        status_code: int,
        content: bytes | str,
        *,
        headers: dict[str, str] | None = None,
        **where: Unpack[Where],
    ) -> Fault:
        """Answer with exactly ``content`` and ``headers`` (``Content-Type`` JSON unless given)."""
        raw = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        return cls("reply", status_code=status_code, content=raw, headers=dict(headers or {}), **where)

    @classmethod
    def rewrite(cls, transform: Callable[[Reply], Reply], **where: Unpack[Where]) -> Fault:
        """Perform the request, then send ``transform(reply)`` (a ``Reply``: status, JSON body,
        headers; change it in place or return another) without checking it against the spec."""
        return cls("rewrite", transform=transform, **where)

    @classmethod
    def hold(
        cls, release: threading.Event, *, held: threading.Event | None = None, **where: Unpack[Where]
    ) -> Fault:
        """Hold the matching requests (every one unless ``times``) until ``release`` is set:
        at most ``HOLD_LIMIT`` (300) seconds, then the request fails with ``TimeoutError``. The
        pytest fixtures and ``FakeSession.close()`` release every hold at the end of a test."""
        where.setdefault("times", None)
        return cls("hold", release=release, held=held, **where)

    def matches(self, operation_id: str | None, api_key: str | None) -> bool:
        return self.operation in (None, operation_id) and self.api_key in (None, api_key)

    def skip(self) -> bool:
        """Count one matching request against ``after``: True when it is skipped."""
        if self.after > 0:
            self.after -= 1
            return True
        return False

    def apply(self) -> None:
        """Count one request the fault applies to."""
        if self.times is not None:
            self.times -= 1
        self.applied += 1

    @property
    def spent(self) -> bool:
        return self.times == 0


def wait(fault: Fault) -> None:
    """What ``fault`` costs in time before its request is answered (blocking): its latency, then
    a hold's wait (``held`` set first), at most ``HOLD_LIMIT`` seconds."""
    if fault.seconds:
        time.sleep(fault.seconds)
    if fault.release is None:
        return
    if fault.held is not None:
        fault.held.set()
    if not fault.release.wait(HOLD_LIMIT):
        raise TimeoutError(f"a request held by Fault.hold was not released within {HOLD_LIMIT:.0f} s")


async def wait_async(fault: Fault) -> None:
    """The same without blocking the event loop, and cancellable (no thread left waiting)."""
    if fault.seconds:
        await anyio.sleep(fault.seconds)
    if fault.release is None:
        return
    if fault.held is not None:
        fault.held.set()
    with anyio.fail_after(HOLD_LIMIT):
        while not fault.release.is_set():  # noqa: ASYNC110 (a threading.Event: set from any thread)
            await anyio.sleep(RELEASE_POLL)
