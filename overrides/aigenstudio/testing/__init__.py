"""``aigenstudio.testing``: a stateful fake of the AI Gen Studio API for your application's tests.

Driven by the compiled contract (requests the spec refuses are answered 422; every answer
passes the spec's response schemas), with jobs that finish on a clock you control, per-image
outcomes by documented rules, the credit ledger, idempotency, the account's limits, signed
webhooks and injectable faults. Three ways in: ``FakeAPI().transport()`` for
``Client(transport=...)`` (no socket), ``FakeServer`` on 127.0.0.1 (``make mock``,
``python -m aigenstudio mock``) and the pytest fixtures ``aigenstudio_fake`` /
``aigenstudio_fake_async``. README: "Testing your app against the mock".
"""

from __future__ import annotations

from ._api import FakeAPI
from ._faults import Fault, Where
from ._jobs import FakeItem, FakeJob, Ledger, LedgerEntry
from ._reply import Reply
from ._rules import FAIL_MARKER, OPERATION_CREDITS, Failure, Timing, failure_by_rule
from ._server import FakeServer
from ._session import SANDBOX_KEY, FakeSession
from ._state import Exchange
from ._transport import AsyncFakeTransport, FakeTransport
from ._webhook_delivery import Delivery, WebhookTarget

__all__ = [
    "FAIL_MARKER",
    "OPERATION_CREDITS",
    "SANDBOX_KEY",
    "AsyncFakeTransport",
    "Delivery",
    "Exchange",
    "Failure",
    "FakeAPI",
    "FakeItem",
    "FakeJob",
    "FakeServer",
    "FakeSession",
    "FakeTransport",
    "Fault",
    "Ledger",
    "LedgerEntry",
    "Reply",
    "Timing",
    "WebhookTarget",
    "Where",
    "failure_by_rule",
]
