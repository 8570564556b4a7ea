"""`make demo`: what a user does with the SDK, as a short printed transcript.

With AIGENSTUDIO_API_KEY and AIGENSTUDIO_BASE_URL both set, it runs against that API (a
sandbox ``aigen_test_`` key is required: the demo creates a job). Otherwise it starts the
stateful fake API of ``aigenstudio.testing`` on 127.0.0.1 (every request checked against the
spec, every answer against its schemas), with a webhook receiver of its own on 127.0.0.1, and
stops both at the end.

Steps: list operations and presets, create a sandbox job with an idempotency key and repeat it
(the fake's ledger proves it was charged once), see a bad request refused before sending, wait
for the job to finish and read its results (one image fails by the fake's ``fail`` rule), verify
the webhook the job's end sent, page through jobs, and show the request ids. Exits non-zero if
any step fails.
"""

from __future__ import annotations

import itertools
import os
import sys
import threading
from collections.abc import Generator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aigenstudio import (
    AigenStudioError,
    Client,
    JobWaitTimeout,
    PaginationLoopError,
    Progress,
    RequestValidationError,
    WebhookEvent,
    job_results,
    new_idempotency_key,
    verify_webhook,
    wait_for_job,
)
from aigenstudio.testing import FakeAPI, FakeServer, Timing
from aigenstudio_client.models.product_photo_image_input import ProductPhotoImageInput
from aigenstudio_client.models.product_photo_job_create_request import (
    ProductPhotoJobCreateRequest,
)

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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
        source_url="https://client.example/images/yogurt-002-fail.jpg", external_id="yogurt-002"
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


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: every delivery verified with verify_webhook."""

    api_key: str
    events: list[WebhookEvent] = field(default_factory=lambda: list[WebhookEvent]())
    arrived: threading.Event = field(default_factory=threading.Event)

    def receive(self, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            self.events.append(verify_webhook(body, headers, self.api_key))
        except AigenStudioError as refused:
            say(f"    webhook refused: {refused}")
            return 400
        self.arrived.set()
        return 204


@contextmanager
def receiving(receiver: Receiver) -> Generator[str]:
    """Serve ``receiver`` on a free loopback port; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(receiver.receive(body, dict(self.headers.items())))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/webhooks/aigenstudio"
    finally:
        server.shutdown()
        server.server_close()


def create_twice(transcript: Transcript, fake: FakeAPI | None) -> str:
    """Create the job, send the same create again; returns the job id."""
    client = transcript.client
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
        say(f"    HTTP {again.status_code}: {'the same job' if replay.id == job.id else 'a DIFFERENT job'}")
        if replay.id != job.id:
            raise AigenStudioError("the API created a second job for one idempotency key")
        if fake is not None:
            charges = {image.external_id: fake.ledger.charges(str(image.external_id)) for image in IMAGES}
            reserves = [e for e in fake.ledger.entries if e.kind == "reserve"]
            say(f"    the fake's ledger: {len(reserves)} reservation, charges per image {charges}")
            if set(charges.values()) != {1} or len(reserves) != 1:
                raise AigenStudioError("the ledger shows a second charge")
            say("    charged once: nothing charged twice")

    with transcript.step("A bad request is refused by the client before it is sent", sends=False):
        try:
            too_many = ProductPhotoJobCreateRequest(images=IMAGES * 11)
            client.product_photo_jobs.create(body=too_many, idempotency_key=key)
        except RequestValidationError as error:
            say(f"    RequestValidationError: {error}")
        else:
            raise AigenStudioError("22 images were accepted; the 20-image limit was not enforced")
    return str(job.id)


def wait_and_read(transcript: Transcript, job_id: str, timeout: float) -> None:
    with transcript.step(
        f"Poll the job until it finishes (wait_for_job, at most {timeout:g}s), read results"
    ):

        def show(progress: Progress) -> None:
            status = progress.status.value if progress.status is not None else "?"
            counts = f"completed={progress.completed}/{progress.total} failed={progress.failed}"
            say(f"    status={status} {counts}")

        try:
            final = wait_for_job(
                transcript.client, job_id, timeout=timeout, poll_interval=0.2, on_progress=show
            )
        except JobWaitTimeout as waited:
            raise AigenStudioError(f"the job is still {waited.last_status} after {timeout:g}s") from None
        results = job_results(final)
        say(f"    finished: {final.status}, credits used {final.credits_used}")
        for item in results.completed:
            say(f"    done   {item.external_id}: {item.result_url}")
        for item in results.failed:
            say(f"    failed {item.external_id}: {item.error_code} ({item.error_message})")


def show_webhook(receiver: Receiver, job_id: str) -> None:
    say()
    say("[*] The webhook the job's end sent to the receiver (verify_webhook)")
    if not receiver.arrived.wait(10):
        raise AigenStudioError("no webhook arrived")
    event = receiver.events[-1]
    say(f"    verified: event {event.event_id}, {event.payload.get('type')} for job {job_id}")


def run(client: Client, *, fake: FakeAPI | None = None, receiver: Receiver | None = None) -> None:
    transcript = Transcript(client)

    with transcript.step("List the operations (public, no key needed)"):
        for op in client.product_photo_operations.list().operations:
            say(f"    {op.id.value:<24} {op.credits_per_image} credits/image  {op.name}")

    with transcript.step("List the presets (public)"):
        for preset in client.product_photo_presets.list().presets:
            say(f"    {preset.id:<24} {preset.name}")

    job_id = create_twice(transcript, fake)
    wait_and_read(transcript, job_id, 10.0 if fake is not None else 120.0)
    if receiver is not None:
        show_webhook(receiver, job_id)

    with transcript.step("Page through the jobs (iter() follows next_cursor; first 15 shown)"):
        try:
            jobs = client.product_photo_jobs.iter(limit=5)
            for number, listed in enumerate(itertools.islice(jobs, 15), start=1):
                say(f"    {number:>2}. {listed.id}  {listed.status}  items={listed.total_items}")
        except PaginationLoopError as loop:
            raise AigenStudioError(f"paging looped: {loop}") from None

    say()
    say("Request ids, to quote to support (sent = our X-Request-Id, answered = the API's request_id):")
    for title, sent, returned in transcript.ids:
        say(f"    {sent}  {returned or '-':<14} {title}")


def run_on_the_configured_api() -> None:
    with Client() as client:
        say(f"Running against {client.base_url} ({BASE_URL_ENV}).")
        if not client.is_sandbox:
            raise AigenStudioError(
                "The demo creates a job: use a sandbox key (aigen_test_...), not a live key."
            )
        run(client)


def run_on_the_fake() -> None:
    say(f"{API_KEY_ENV}/{BASE_URL_ENV} not both set: starting the fake API (aigenstudio.testing) ...")
    receiver = Receiver(MOCK_KEY)
    fake = FakeAPI(timing=Timing.after_polls(2), base_url="http://127.0.0.1/api/v1")  # processing, then final
    with FakeServer(fake) as server, receiving(receiver) as hook_url:
        server.api.register_webhook(hook_url)
        say(f"Fake API ready at {server.base_url}; webhook receiver at {hook_url}.")
        try:
            with Client(MOCK_KEY, base_url=server.base_url) as client:
                run(client, fake=server.api, receiver=receiver)
        finally:
            say()
            say("Stopping the fake API.")


def main() -> int:
    try:
        if os.environ.get(API_KEY_ENV) and os.environ.get(BASE_URL_ENV):
            run_on_the_configured_api()
        else:
            run_on_the_fake()
    except AigenStudioError as error:
        say(f"\nDemo failed: {type(error).__name__}: {error}")
        return 1
    say("\nDemo finished.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
