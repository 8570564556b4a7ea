"""The fault scenarios: what is injected, and what the caller must see."""

from __future__ import annotations

from dataclasses import dataclass

from aigenstudio import APIConnectionError, APIResponseValidationError, APITimeoutError, InternalServerError
from aigenstudio_client.models.product_photo_job_create_response import ProductPhotoJobCreateResponse

from tests.servers.fault_server import Fault

MAX_RETRIES = 2
MODES = ("sync", "async")


@dataclass(frozen=True)
class Scenario:
    fault: Fault
    expected: type  # ProductPhotoJobCreateResponse, or the exception class the caller must see
    requests: int  # requests the one faulted call sends
    jobs_after_call: int  # jobs on the server when the call returns or raises
    replay: bool = False  # the answer is the job an earlier attempt created (HTTP 200)

    @property
    def id(self) -> str:
        return self.fault.name + ("-persistent" if self.fault.times > 1 else "")


SCENARIOS = [
    # Transient transport faults on create: retried with the same Idempotency-Key.
    Scenario(Fault("reset_before_create"), ProductPhotoJobCreateResponse, 2, 1),
    Scenario(Fault("reset_after_create"), ProductPhotoJobCreateResponse, 2, 1, replay=True),
    Scenario(Fault("slow_response", slow_seconds=0.5), ProductPhotoJobCreateResponse, 2, 1, replay=True),
    # The same faults on every attempt: the caller gets the typed transport error; the job
    # the first attempt created is the one a later call with the same key finds.
    Scenario(Fault("reset_after_create", times=99), APIConnectionError, MAX_RETRIES + 1, 1),
    Scenario(Fault("slow_response", times=99, slow_seconds=0.5), APITimeoutError, MAX_RETRIES + 1, 1),
    # A gateway that stays down: every attempt fails, the caller gets the typed 5xx.
    Scenario(Fault("html_502", times=99), InternalServerError, MAX_RETRIES + 1, 0),
    # Throttling with Retry-After in both forms (0 s / a past HTTP date: retry at once).
    Scenario(Fault("retry_after_503"), ProductPhotoJobCreateResponse, 2, 1),
    Scenario(Fault("http_date_429"), ProductPhotoJobCreateResponse, 2, 1),
    # Broken 2xx bodies: never retried (the job may exist), surfaced as a typed error.
    Scenario(Fault("truncated_json"), APIResponseValidationError, 1, 1),
    Scenario(Fault("missing_required_field"), APIResponseValidationError, 1, 1),
    Scenario(Fault("error_envelope_200"), APIResponseValidationError, 1, 0),
    # A status value this client does not know yet: parsed, not an error.
    Scenario(Fault("unknown_enum_value"), ProductPhotoJobCreateResponse, 1, 1),
]
