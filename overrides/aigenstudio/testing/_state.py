"""The fake API's state: jobs, ledger, webhooks, faults and its clock (``FakeAPI``'s base)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import NamedTuple

import httpx

from .._contract.spec import load_spec
from .._core.api_facts import ACTIVE_JOBS_PER_ACCOUNT, REQUEST_ID_HEADER, REQUEST_ID_MAX_LENGTH
from ._faults import Fault, FaultKind
from ._jobs import FakeJob, Ledger
from ._rules import ACTIVE, Failure, Timing
from ._webhook_delivery import Delivery, WebhookTarget, deliver, event_for

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_LIVE_CREDITS", "Exchange", "FakeState", "bearer", "request_id"]

DEFAULT_BASE_URL = "https://api.aigenstudio.fake/api/v1"
# What an account holding live keys starts with, when the fake lets them in.
DEFAULT_LIVE_CREDITS = 10_000


class Exchange(NamedTuple):
    """One request the fake received, as ``FakeAPI.requests`` keeps it."""

    method: str
    operation: str  # the operation id, or the path when no operation matched
    status: int | None  # the answer's status (a lost answer's too); None for a reset (not performed)
    request: httpx.Request  # as received, body read
    active_jobs: int  # jobs queued or processing (every key) once it was answered
    fault: FaultKind | None  # the fault it met, if any


class FakeState:
    """What ``FakeAPI`` keeps; see ``FakeAPI`` for the arguments."""

    def __init__(
        self,
        *,
        timing: Timing | None = None,
        allow_live_keys: bool = False,
        live_credits: int = DEFAULT_LIVE_CREDITS,
        base_url: str = DEFAULT_BASE_URL,
        clock: Callable[[], float] = time.monotonic,
        jobs_per_account: int = ACTIVE_JOBS_PER_ACCOUNT,
    ) -> None:
        if jobs_per_account < 1:
            raise ValueError("jobs_per_account must be >= 1")
        self.timing = timing or Timing()
        self.allow_live_keys = allow_live_keys
        self.live_credits = live_credits
        self.base_url = base_url.rstrip("/")
        self.jobs_per_account = jobs_per_account
        self.jobs: dict[str, FakeJob] = {}
        self.ledger = Ledger()
        self.deliveries: list[Delivery] = []
        self.requests: list[Exchange] = []
        self.faults: list[Fault] = []  # injected and not yet spent
        self._injected: list[Fault] = []
        self.scripts: list[tuple[str, Failure]] = []
        self._webhooks: list[WebhookTarget] = []
        self._idempotency: dict[tuple[str, str], tuple[str, str]] = {}  # -> (body digest, job id)
        self._clock = clock
        self._offset = 0.0
        self._lock = threading.RLock()
        self._spec = load_spec()
        self._base_path = httpx.URL(self.base_url).path.rstrip("/")

    def now(self) -> float:
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock on (jobs timed by ``Timing.after_seconds`` finish sooner)."""
        with self._lock:
            self._offset += seconds
        self._finish_due()

    def active_jobs(self, api_key: str | None = None) -> int:
        """Jobs ``queued`` or ``processing`` now (of ``api_key`` if given)."""
        with self._lock:
            return self._active_locked(api_key)

    def _active_locked(self, api_key: str | None = None) -> int:
        now = self.now()
        return sum(
            1 for job in self.jobs.values() if job.status(now) in ACTIVE and api_key in (None, job.api_key)
        )

    def remaining_paid_credits(self) -> int:
        live = [e for e in self.ledger.entries if not e.simulated]
        spent = sum(e.credits for e in live if e.kind == "reserve")
        back = sum(e.credits for e in live if e.kind == "release")
        return self.live_credits - spent + back

    def _finish_due(self) -> None:
        with self._lock:
            pending = self._finish_due_locked()
        self._deliver(pending)

    def _finish_due_locked(self) -> list[Delivery]:
        """Mark every job whose time has come as final; the webhook events that makes."""
        now = self.now()
        pending = []
        for job in self.jobs.values():
            if job.final_status is None and job.status(now) not in ACTIVE:
                job.final_status = job.status(now)
                pending.append(self._ended(job))
        return pending

    def _ended(self, job: FakeJob) -> Delivery:
        self.ledger.settle(job)
        return event_for(job, list(self._webhooks))

    def _deliver(self, pending: list[Delivery]) -> None:
        for delivery in pending:
            deliver(delivery)
            with self._lock:
                self.deliveries.append(delivery)

    def _record(self, request: httpx.Request, name: str, status: int | None, fault: FaultKind | None) -> None:
        with self._lock:
            exchange = Exchange(request.method, name, status, request, self._active_locked(), fault)
            self.requests.append(exchange)

    def max_active_jobs(self) -> int:
        """The most jobs that were active at once when a request was answered."""
        with self._lock:
            return max((e.active_jobs for e in self.requests), default=0)


def bearer(request: httpx.Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def request_id(request: httpx.Request) -> str:
    given: str | None = request.headers.get(REQUEST_ID_HEADER)
    if given and len(given) <= REQUEST_ID_MAX_LENGTH and given.isprintable():
        return given
    return f"req_{uuid.uuid4().hex[:16]}"
