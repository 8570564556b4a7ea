"""``FakeAPI``: a stateful fake of the AI Gen Studio API, checked against the compiled contract.

Every request goes through the client's own request checks for its operation (the contract in
``aigenstudio_client/contract.json``): one the spec does not allow is answered 422
``invalid_request``. Every answer with a declared schema is checked against it before it is
sent: a fake that breaks the spec raises ``AssertionError`` in the test, never a lie on the wire.
"""

from __future__ import annotations

import httpx

from .._http.settings import key_kind
from ._answers import Answers
from ._faults import Fault
from ._rules import CANCELLED, Failure
from ._webhook_delivery import WebhookTarget

__all__ = ["FakeAPI"]


class FakeAPI(Answers):
    """The fake API's state: jobs, credit ledger, idempotency keys, webhooks and faults.

    ``timing`` decides when jobs finish (by default ``Timing()``: at the first read);
    ``allow_live_keys`` lets ``aigen_live_`` keys in (refused with 401 otherwise), spending
    ``live_credits``; ``clock`` is the fake's time (``advance`` moves it on);
    ``jobs_per_account`` is the account's limit of active jobs (the vendor's is 2; one per key).
    ``requests`` keeps every request received (``Exchange``), ``max_active_jobs()`` the most
    jobs active at once.
    """

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
        """Apply ``fault`` to the matching requests (see ``Fault``). ``operation`` is an operation
        id of the spec (``createProductPhotoJob``) or its Python name (``create_product_photo_job``);
        one the spec does not have, or an ``api_key`` that is no API key, is refused: a fault
        that could never apply would let a resilience test pass without testing anything."""
        if fault.applied or fault in self._injected:  # faults compare by identity
            raise ValueError(
                "this Fault was injected already: inject a new one (a fault counts its requests)"
            )
        if fault.operation is not None:
            fault.operation = self._operation_id(fault.operation)
        if fault.api_key is not None and key_kind(fault.api_key) == "unknown":
            raise ValueError("Fault(api_key=...) is not an API key (aigen_test_... or aigen_live_...)")
        with self._lock:
            self.faults.append(fault)
            self._injected.append(fault)

    def unused_faults(self) -> list[Fault]:
        """The injected faults that no request has met (the pytest fixtures fail a test that
        leaves any: remove one you meant not to use with ``clear_faults()``)."""
        with self._lock:
            return [fault for fault in self._injected if fault.applied == 0 and fault in self.faults]

    def withdraw(self, fault: Fault) -> None:
        """Stop ``fault`` (one injected with ``times=None`` stays until withdrawn or cleared)."""
        with self._lock:
            if fault in self.faults:
                self.faults.remove(fault)

    def clear_faults(self) -> None:
        """Remove every fault not yet spent (those with ``times=None`` stay until this)."""
        with self._lock:
            self.faults.clear()

    def release_held(self) -> None:
        """Release every request a ``Fault.hold`` holds or would hold (the end of a test)."""
        with self._lock:
            for fault in self._injected:
                if fault.release is not None:
                    fault.release.set()

    def _operation_id(self, name: str) -> str:
        for op in self._spec.operations.values():
            if name in (op.operation_id, op.module):
                return op.operation_id
        known = ", ".join(sorted(self._spec.operations))
        raise ValueError(f"Fault(operation={name!r}): the spec has no such operation (known: {known})")

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
