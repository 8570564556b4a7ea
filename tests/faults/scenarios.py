"""The fault scenarios: what is injected (a fault of aigenstudio.testing), and what the caller must see."""

from __future__ import annotations

import email.utils
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from aigenstudio import APIConnectionError, APIResponseValidationError, APITimeoutError, InternalServerError
from aigenstudio.testing import Fault, Reply
from aigenstudio_client.models.product_photo_job_create_response import ProductPhotoJobCreateResponse

MAX_RETRIES = 2
MODES = ("sync", "async")
CREATE = "createProductPhotoJob"
# The longest a late answer waits for its release (a test that forgets it fails, never hangs).
HOLD_LIMIT = 10.0
HTML = {"Content-Type": "text/html"}  # a gateway page: no request id header, no JSON
GATEWAY_PAGE = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
ERROR_ENVELOPE = json.dumps(
    {"error": {"code": "internal_error", "message": "Something went wrong"}, "request_id": "req_envelope_200"}
)


@dataclass(frozen=True)
class Scenario:
    name: str  # the fault's name in reports/faults.json
    make_fault: Callable[[], Fault]  # a fresh one per run: a fault counts the requests it meets
    expected: type  # ProductPhotoJobCreateResponse, or the exception class the caller must see
    requests: int  # requests the one faulted call sends
    jobs_after_call: int  # jobs on the server when the call returns or raises
    replay: bool = False  # the answer is the job an earlier attempt created (HTTP 200)

    @property
    def id(self) -> str:
        return self.name + ("-persistent" if self.make_fault().times is None else "")


def cut_short(reply: Reply) -> Reply:
    """The performed answer's JSON cut in half on the wire (status and headers intact)."""
    whole = reply.content()
    reply.raw = whole[: len(whole) // 2]
    return reply


class AnsweredLate:
    """A rewrite that holds each performed answer until ``release`` is set: the job exists at
    once, its answer leaves only after the caller has given up waiting (no race with a clock).
    ``held`` counts the requests it holds or held (the fake records an exchange once answered)."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.held = 0
        self._lock = threading.Lock()

    def __call__(self, reply: Reply) -> Reply:
        with self._lock:
            self.held += 1
        if not self.release.wait(HOLD_LIMIT):
            raise TimeoutError("a late answer was never released")
        return reply


def answered_late(times: int | None = 1) -> Fault:
    return Fault.rewrite(AnsweredLate(), operation=CREATE, times=times)


def without_job(reply: Reply) -> Reply:
    del reply.body["job"]  # required by ProductPhotoJobCreateResponse
    return reply


def with_unknown_status(reply: Reply) -> Reply:
    reply.body["job"]["status"] = "awaiting_moderation"
    return reply


def http_date_429() -> Fault:
    # An HTTP date one second in the past: "retry now", in the date form.
    when = email.utils.formatdate(time.time() - 1, usegmt=True)
    return Fault.status(429, retry_after=when, operation=CREATE)


SCENARIOS = [
    # Transient transport faults on create: retried with the same Idempotency-Key.
    Scenario(
        "reset_before_create", lambda: Fault.reset(operation=CREATE), ProductPhotoJobCreateResponse, 2, 1
    ),
    Scenario(
        "reset_after_create",
        lambda: Fault.lost_response(operation=CREATE),
        ProductPhotoJobCreateResponse,
        2,
        1,
        replay=True,
    ),
    Scenario(
        "slow_response",
        answered_late,
        ProductPhotoJobCreateResponse,
        2,
        1,
        replay=True,
    ),
    # The same faults on every attempt: the caller gets the typed transport error; the job
    # the first attempt created is the one a later call with the same key finds.
    Scenario(
        "reset_after_create",
        lambda: Fault.lost_response(operation=CREATE, times=None),
        APIConnectionError,
        MAX_RETRIES + 1,
        1,
    ),
    Scenario(
        "slow_response",
        lambda: answered_late(times=None),
        APITimeoutError,
        MAX_RETRIES + 1,
        1,
    ),
    # A gateway that stays down: every attempt fails, the caller gets the typed 5xx.
    Scenario(
        "html_502",
        lambda: Fault.reply(502, GATEWAY_PAGE, headers=HTML, operation=CREATE, times=None),
        InternalServerError,
        MAX_RETRIES + 1,
        0,
    ),
    # Throttling with Retry-After in both forms (0 s / a past HTTP date: retry at once).
    Scenario(
        "retry_after_503",
        lambda: Fault.status(503, retry_after="0", operation=CREATE),
        ProductPhotoJobCreateResponse,
        2,
        1,
    ),
    Scenario("http_date_429", http_date_429, ProductPhotoJobCreateResponse, 2, 1),
    # Broken 2xx bodies: never retried (the job may exist), surfaced as a typed error.
    Scenario(
        "truncated_json",
        lambda: Fault.rewrite(cut_short, operation=CREATE),
        APIResponseValidationError,
        1,
        1,
    ),
    Scenario(
        "missing_required_field",
        lambda: Fault.rewrite(without_job, operation=CREATE),
        APIResponseValidationError,
        1,
        1,
    ),
    Scenario(
        "error_envelope_200",
        lambda: Fault.reply(200, ERROR_ENVELOPE, operation=CREATE),
        APIResponseValidationError,
        1,
        0,
    ),
    # A status value this client does not know yet: parsed, not an error.
    Scenario(
        "unknown_enum_value",
        lambda: Fault.rewrite(with_unknown_status, operation=CREATE),
        ProductPhotoJobCreateResponse,
        1,
        1,
    ),
]
