"""``FakeAPI``: a stateful fake of the AI Gen Studio API, checked against the compiled contract.

Every request goes through the client's own request checks for its operation (the contract in
``aigenstudio_client/contract.json``): one the spec does not allow is answered 422
``invalid_request``. Every answer with a declared schema is checked against it before it is
sent: a fake that breaks the spec raises ``AssertionError`` in the test, never a lie on the wire.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from .._core.api_facts import REQUEST_ID_HEADER, RETRY_AFTER_HEADER
from ._routes import JobRoutes
from ._rules import CANCELLED, Failure, Fault, Timing
from ._state import DEFAULT_BASE_URL, DEFAULT_LIVE_CREDITS, Reply, error, request_id
from ._webhook_delivery import WebhookTarget

__all__ = ["FakeAPI", "Reply"]


class FakeAPI(JobRoutes):
    """The fake API's state: jobs, credit ledger, idempotency keys, webhooks and faults.

    ``timing`` decides when jobs finish (by default ``Timing()``: at the first read);
    ``allow_live_keys`` lets ``aigen_live_`` keys in (refused with 401 otherwise), spending
    ``live_credits``; ``clock`` is the fake's time (``advance`` moves it on).
    """

    def __init__(
        self,
        *,
        timing: Timing | None = None,
        allow_live_keys: bool = False,
        live_credits: int = DEFAULT_LIVE_CREDITS,
        base_url: str = DEFAULT_BASE_URL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            timing=timing,
            allow_live_keys=allow_live_keys,
            live_credits=live_credits,
            base_url=base_url,
            clock=clock,
        )

    def transport(self) -> httpx.BaseTransport:
        """An in-process transport for ``Client(base_url=api.base_url, transport=...)``."""
        from ._transport import FakeTransport

        return FakeTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """The same for ``AsyncClient``."""
        from ._transport import AsyncFakeTransport

        return AsyncFakeTransport(self)

    def register_webhook(self, target: WebhookTarget) -> None:
        """Deliver every job event, signed as ``verify_webhook`` expects, to ``target``: a URL
        (loopback allowed) POSTed with the raw body, or a callable ``(body, headers)``."""
        with self._lock:
            self._webhooks.append(target)

    def inject(self, fault: Fault) -> None:
        """Apply ``fault`` to the next ``fault.times`` requests (of ``fault.operation`` if set)."""
        with self._lock:
            self.faults.append(fault)

    def script_failure(self, match: str, failure: Failure | None = None) -> None:
        """Fail every image whose external_id is ``match`` or whose source_url contains it."""
        with self._lock:
            self.scripts.append((match, failure or Failure()))

    def cancel(self, job_id: str) -> None:
        """Cancel a job still running (as an operator would): ``cancelled``, nothing charged."""
        with self._lock:
            job = self.jobs[str(job_id)]
            if job.final_status is None:
                job.final_status = CANCELLED
                pending = [self._ended(job)]
            else:
                pending = []
        self._deliver(pending)

    def take_fault(self, request: httpx.Request) -> Fault | None:
        """The fault the next request meets, if any (its count goes down by one)."""
        matched = self._operation(request)
        operation_id = matched[0].operation_id if matched else None
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.operation in (None, operation_id):
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def respond(self, request: httpx.Request, fault: Fault | None = None) -> httpx.Response:
        """Answer ``request`` as the API would, after ``fault`` (latency is the caller's: it sleeps)."""
        if fault is not None and fault.kind == "reset":
            raise httpx.ConnectError("connection reset (a fault injected in the fake)", request=request)
        if fault is not None and fault.kind == "status":
            rid = request_id(request)
            extra = {RETRY_AFTER_HEADER: fault.retry_after} if fault.retry_after is not None else {}
            reply = error(fault.status_code, "injected_fault", "a fault injected in the fake", rid, **extra)
        else:
            reply = self.handle(request)
        if fault is not None and fault.kind == "lost_response":
            raise httpx.ReadError("the answer was lost (a fault injected in the fake)", request=request)
        headers = {
            "Content-Type": "application/json",
            REQUEST_ID_HEADER: reply.body["request_id"],
            **reply.headers,
        }
        return httpx.Response(reply.status, headers=headers, content=reply.content(), request=request)

    def handle(self, request: httpx.Request) -> Reply:
        """The answer to one request (no faults), checked against the spec's response schemas."""
        self._finish_due()
        rid = request_id(request)
        matched = self._operation(request)
        if matched is None:
            reply = self._not_found(request, rid)
            self._record(request, request.url.path, reply)
            return reply
        op, arguments = matched
        refused = self._checked_request(op, arguments, request, rid)
        if refused is None:
            with self._lock:
                reply, pending = self._route(op, arguments, request, rid)
            self._deliver(pending)
        else:
            reply = refused
        self._check_reply(op, reply)
        self._record(request, op.operation_id, reply)
        return reply
