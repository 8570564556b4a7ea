"""What the vendor documents about its API, each fact once: header names, limits, job statuses.

The spec (``openapi.yaml``, compiled into the contract by ``make generate``) states most of
these too, and a request is checked against the spec itself; these are the values the code
needs by name, and the fallback where the spec is silent. tests/architecture/test_facts.py
checks them against the compiled spec and fails if a copy is written anywhere else.
"""

from __future__ import annotations

__all__ = [
    "ACTIVE_JOBS_PER_ACCOUNT",
    "IDEMPOTENCY_KEY_HEADER",
    "IDEMPOTENCY_KEY_MAX_LENGTH",
    "IDEMPOTENCY_KEY_MIN_LENGTH",
    "IMAGES_PER_JOB",
    "REQUEST_ID_HEADER",
    "REQUEST_ID_MAX_LENGTH",
    "RETRY_AFTER_HEADER",
    "RETRY_ATTEMPT_HEADER",
    "TERMINAL_JOB_STATUSES",
    "WEBHOOK_EVENT_ID_HEADER",
    "WEBHOOK_SIGNATURE_HEADER",
    "WEBHOOK_TIMESTAMP_HEADER",
]

# -- headers (HTTP header names are case-insensitive; httpx compares them so) -----------------

# A create request repeating a key returns the job the first one created.
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
# The caller's id for a request, echoed by the API in the response and in error bodies.
REQUEST_ID_HEADER = "X-Request-Id"
# Seconds (or an HTTP date) to wait before asking again, on a 429, 503 or a retryable 409.
RETRY_AFTER_HEADER = "Retry-After"
# A webhook delivery's headers: the signature (``v1=<hex HMAC-SHA256>``, a credential: a
# valid one lets anyone replay the body), the unix time it was signed at, and the event's id.
WEBHOOK_SIGNATURE_HEADER = "X-Aigen-Signature"
WEBHOOK_TIMESTAMP_HEADER = "X-Aigen-Timestamp"
WEBHOOK_EVENT_ID_HEADER = "X-Aigen-Event-Id"
# Ours, not the vendor's (outside its X-Aigen-* namespace): the attempt number on a retry,
# a tracing aid for the server's logs.
RETRY_ATTEMPT_HEADER = "X-Retry-Attempt"

# -- limits ---------------------------------------------------------------------------------

# X-Request-Id: at most 160 characters, both ways (the spec's maxLength; the vendor docs).
REQUEST_ID_MAX_LENGTH = 160
# Idempotency-Key: 8 to 160 characters. A different fact from the request-id limit that
# happens to be the same number; used only if the spec stops declaring the header's schema.
IDEMPOTENCY_KEY_MIN_LENGTH = 8
IDEMPOTENCY_KEY_MAX_LENGTH = 160
# Images in one job (the create body's images.maxItems); used only if the spec omits it.
IMAGES_PER_JOB = 20
# Jobs an account may have queued or processing at once (one per API key).
ACTIVE_JOBS_PER_ACCOUNT = 2

# -- job statuses ---------------------------------------------------------------------------

# The spec's ProductPhotoJobStatus lists six; the vendor documents these four as final (queued
# and processing are not). Plain strings, compared by value: a status the spec does not list
# yet counts as still running, so a new intermediate state never ends a wait early.
TERMINAL_JOB_STATUSES = frozenset({"completed", "partially_completed", "failed", "cancelled"})
