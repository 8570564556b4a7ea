"""Error handling and retries: what the client retries for you, and what reaches your code.

    export AIGENSTUDIO_API_KEY=aigen_test_...       # a sandbox key: simulated, nothing charged
    export AIGENSTUDIO_BASE_URL=http://127.0.0.1:4010/api/v1  # optional: make mock prints one
    python examples/errors_and_retries.py [JOB_ID]

Retried by the client (``RetryPolicy``): connection errors, timeouts, 408, 429, 5xx, with
backoff and ``Retry-After``; GETs always, a POST only with an ``Idempotency-Key`` (so a retried
create can never pay twice). Each retry logs a WARNING on the ``aigenstudio`` logger, shown
here by ``logging.basicConfig``. What is left when retries run out, or was never worth
retrying, is raised as a typed error carrying the request id to quote to support.
"""

from __future__ import annotations

import logging
import sys
from uuid import UUID

from aigenstudio import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    Client,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    RetryPolicy,
    new_idempotency_key,
)
from aigenstudio_client.resources import ProductPhotoImageInputParam

UNKNOWN_JOB = UUID("00000000-0000-4000-8000-000000000000")
# Up to 3 retries, backoff from 0.5 s doubling to at most 4 s, 30 s for all attempts together.
POLICY = RetryPolicy(max_retries=3, initial_backoff=0.5, max_backoff=4.0, total_timeout=30.0)


def refused_before_sending(client: Client) -> None:
    """The client checks each request against the spec first: a bad one is never sent."""
    too_many: list[ProductPhotoImageInputParam] = [
        {"source_url": f"https://shop.example/{n}.jpg"} for n in range(21)
    ]
    try:
        client.product_photo_jobs.create(images=too_many)
    except RequestValidationError as error:  # nothing was sent, nothing was charged
        print(f"refused before sending: {error.field}: {error.limit}")


def create_safely(client: Client) -> None:
    """A create with an idempotency key: safe for the client (and you) to retry."""
    key = new_idempotency_key()  # keep it with your record, to send the same one after a crash
    try:
        created = client.product_photo_jobs.create(
            images=[{"source_url": "https://shop.example/a.jpg"}], idempotency_key=key
        )
    except (APIConnectionError, APITimeoutError) as error:
        # Retries ran out; the job may exist. Calling again with the same key returns it.
        print(f"network trouble, try again later with the same key: {error} (request id {error.request_id})")
        return
    print(f"created job {created.job.id} (request id {created.request_id})")


def fetch(client: Client, job_id: UUID | str) -> None:
    """Every failure a call can end in, from the most specific class to the most general."""
    try:
        answer = client.product_photo_jobs.get(job_id)
    except NotFoundError as error:
        print(f"no job {job_id} for this key (HTTP {error.status_code}, request id {error.request_id})")
    except AuthenticationError:
        print("the API key was refused: check AIGENSTUDIO_API_KEY")
    except RateLimitError as error:
        print(f"still rate limited after the retries; the API asks to wait {error.retry_after} s")
    except APIStatusError as error:  # any other error status: code and message from the API
        print(f"HTTP {error.status_code} {error.code}: {error.message} (request id {error.request_id})")
    except APIResponseValidationError as error:  # a 2xx whose body breaks the spec
        print(f"unexpected answer: {error.message} (request id {error.request_id})")
    except APIConnectionError as error:  # APITimeoutError included; retried already
        print(f"cannot reach the API: {error.message} (request id {error.request_id})")
    else:
        print(f"job {answer.job.id}: {answer.job.status} (request id {answer.request_id})")


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with Client(retry_policy=POLICY) as client:  # AIGENSTUDIO_API_KEY, AIGENSTUDIO_BASE_URL
        if not client.is_sandbox:
            print("This example creates a job: use a sandbox key (aigen_test_...).", file=sys.stderr)
            return 2
        refused_before_sending(client)
        create_safely(client)
        fetch(client, argv[0] if argv else UNKNOWN_JOB)  # a str id is fine
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
