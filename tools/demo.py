"""`make demo`: what a user does with the SDK, as a short printed transcript.

With AIGENSTUDIO_API_KEY and AIGENSTUDIO_BASE_URL both set, it runs against that API (a
sandbox ``aigen_test_`` key is required: the demo creates a job). Otherwise it starts the
Prism mock server on the vendored openapi.yaml -- every request is validated against the
spec -- and uses a sandbox key, then stops the server.

Steps: list operations and presets, create a sandbox job with an idempotency key (and repeat
it, to show the key at work), poll the job, page through jobs, and show the request ids.
Exits non-zero if any step fails.
"""

from __future__ import annotations

import itertools
import os
import sys
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

from aigenstudio import (
    AigenStudioError,
    Client,
    JobWaitTimeout,
    PaginationLoopError,
    Progress,
    RequestValidationError,
    new_idempotency_key,
    wait_for_job,
)
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job_create_request import (
    ProductPhotoJobCreateRequest,
)

if __package__ in (None, ""):  # run as a script: make the repo root importable for tools.prism
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools.prism import PrismError, running_prism

# The demo uses the resource facade (client.<resource>.<verb>), as application code would:
# its names come from paths and methods, so a vendor regrouping tags changes nothing here.

API_KEY_ENV = "AIGENSTUDIO_API_KEY"
BASE_URL_ENV = "AIGENSTUDIO_BASE_URL"
MOCK_KEY = "aigen_test_demo_0000000000000000"
IMAGES = [
    ProductPhotoImageInput(
        source_url="https://client.example/images/yogurt-001.jpg", external_id="yogurt-001"
    ),
    ProductPhotoImageInput(
        source_url="https://client.example/images/yogurt-002.jpg", external_id="yogurt-002"
    ),
]


def say(text: str = "") -> None:
    print(text, flush=True)


class Transcript:
    """Numbered steps, each sending its own X-Request-Id, collected for the closing table."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.number = 0
        self.ids: list[tuple[str, str, str | None]] = []

    @contextmanager
    def step(self, title: str, *, sends: bool = True) -> Generator[None]:
        self.number += 1
        say()
        say(f"[{self.number}] {title}")
        if not sends:
            yield
            say("    request id: none (nothing was sent)")
            return
        sent = f"req_demo_{self.number}_{os.urandom(4).hex()}"
        with self.client.request_id_scope(sent):
            yield
        returned = self.client.last_request_id
        self.ids.append((title, sent, returned))
        say(f"    request id: sent {sent}, API answered {returned}")


def run(client: Client, *, on_mock: bool) -> None:
    transcript = Transcript(client)

    with transcript.step("List the operations (public, no key needed)"):
        for op in client.product_photo_operations.list().operations:
            say(f"    {op.id.value:<24} {op.credits_per_image} credits/image  {op.name}")

    with transcript.step("List the presets (public)"):
        for preset in client.product_photo_presets.list().presets:
            say(f"    {preset.id:<24} {preset.name}")

    key = new_idempotency_key()
    body = ProductPhotoJobCreateRequest(images=IMAGES)
    with transcript.step("Create a sandbox job with an idempotency key"):
        say(f"    Idempotency-Key: {key}")
        created = client.product_photo_jobs.with_raw_response.create(body=body, idempotency_key=key)
        job = created.parse().job
        say(f"    HTTP {created.status_code}: job {job.id}, {job.total_items} item(s), sandbox={job.sandbox}")

    with transcript.step("Send the same create again with the same key (a retry, as after a network error)"):
        again = client.product_photo_jobs.with_raw_response.create(body=body, idempotency_key=key)
        replay = again.parse().job
        verdict = "the same job, nothing charged twice" if replay.id == job.id else "a DIFFERENT job"
        say(f"    HTTP {again.status_code}: {verdict} ({replay.id})")
        if replay.id != job.id:
            raise AigenStudioError("the API created a second job for one idempotency key")

    with transcript.step("A bad request is refused by the client before it is sent", sends=False):
        try:
            too_many = ProductPhotoJobCreateRequest(images=IMAGES * 11)
            client.product_photo_jobs.create(body=too_many, idempotency_key=key)
        except RequestValidationError as error:
            say(f"    RequestValidationError: {error}")
        else:
            raise AigenStudioError("22 images were accepted; the 20-image limit was not enforced")

    timeout = 3.0 if on_mock else 120.0
    with transcript.step(f"Poll the job until it finishes (wait_for_job, at most {timeout:g}s)"):

        def show(progress: Progress) -> None:
            status = progress.status.value if progress.status is not None else "?"
            counts = f"completed={progress.completed}/{progress.total} failed={progress.failed}"
            say(f"    status={status} {counts}")

        try:
            final = wait_for_job(client, job.id, timeout=timeout, poll_interval=0.5, on_progress=show)
            say(f"    finished: {final.status}")
        except JobWaitTimeout as waited:
            say(f"    still {waited.last_status} after {timeout:g}s")
            if not on_mock:
                raise
            say("    (expected on the mock: Prism answers with the spec's example job, which never moves)")

    with transcript.step("Page through the jobs (iter() follows next_cursor; first 15 shown)"):
        try:
            jobs = client.product_photo_jobs.iter(limit=5)
            for number, listed in enumerate(itertools.islice(jobs, 15), start=1):
                say(f"    {number:>2}. {listed.id}  {listed.status}  items={listed.total_items}")
        except PaginationLoopError as loop:
            say(f"    stopped: {loop}")
            if not on_mock:
                raise
            say("    (expected on the mock: Prism returns the same example cursor on every page)")

    say()
    say("Request ids, to quote to support (sent = our X-Request-Id, answered = the API's request_id):")
    for title, sent, returned in transcript.ids:
        say(f"    {sent}  {returned or '-':<14} {title}")
    if on_mock:
        say("    (Prism answers with the spec's example request_id values, such as 'string')")


@contextmanager
def demo_client() -> Generator[tuple[Client, bool]]:
    """(client, on_mock): the real API when both variables are set, else Prism on the spec."""
    if os.environ.get(API_KEY_ENV) and os.environ.get(BASE_URL_ENV):
        with Client() as client:
            say(f"Running against {client.base_url} ({BASE_URL_ENV}).")
            if not client.is_sandbox:
                raise AigenStudioError(
                    "The demo creates a job: use a sandbox key (aigen_test_...), not a live key."
                )
            yield client, False
        return
    say("AIGENSTUDIO_API_KEY/AIGENSTUDIO_BASE_URL not both set: starting Prism on openapi.yaml ...")
    with running_prism() as prism:
        say(f"Prism mock server ready at {prism.base_url} (validating every request against the spec).")
        try:
            with Client(MOCK_KEY, base_url=prism.base_url) as client:
                yield client, True
        finally:
            say()
            say("Stopping Prism.")


def main() -> int:
    try:
        with demo_client() as (client, on_mock):
            run(client, on_mock=on_mock)
    except (AigenStudioError, PrismError) as error:
        say(f"\nDemo failed: {type(error).__name__}: {error}")
        return 1
    say("\nDemo finished.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
