"""Fixtures for the catalog tests: the package's fake API (``aigenstudio.testing``) served on
127.0.0.1, a bare client for it, and the counts the tests assert on, read from the fake's records.

A job finishes at its second read unless a test sets ``server.api.timing`` (read when a job is
created). Jobs and idempotency keys belong to the API key that created them, as the vendor
documents.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from aigenstudio.testing import Exchange, Failure, FakeAPI, FakeServer, Fault, Reply, Timing
from aigenstudio_client.client import AuthenticatedClient
from aigenstudio_client.models.product_photo_job_status import ProductPhotoJobStatus

API_KEY = "aigen_test_catalog0123456789"
CREATE = "createProductPhotoJob"
READ = "getProductPhotoJob"
# A job is final at its second read: the first shows it processing.
POLLS_TO_FINISH = 2
# A job in one of these is still running.
ACTIVE = (ProductPhotoJobStatus.QUEUED.value, ProductPhotoJobStatus.PROCESSING.value)
# The images of jobs other programs hold (``start_other_job``): not the catalog's.
ELSEWHERE = "https://elsewhere.test/"
# The statuses the API refuses a create with when a limit is reached (409; 429 when throttled).
REFUSED = (409, 429)


def rows(ids: list[int] | range) -> list[dict[str, str]]:
    return [{"source_url": f"https://img.test/{i}.jpg", "external_id": f"sku-{i:03}"} for i in ids]


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer(FakeAPI(timing=Timing.after_polls(POLLS_TO_FINISH))) as running:
        yield running


@pytest.fixture
def client(server: FakeServer) -> Any:
    return AuthenticatedClient(base_url=server.base_url, token=API_KEY)


def no_sleep(_seconds: float) -> None:
    pass


def finish_after(server: FakeServer, polls: int) -> None:
    """Jobs created from now on finish at their ``polls``-th read."""
    server.api.timing = Timing.after_polls(polls)


def exchanges(server: FakeServer, operation: str, statuses: tuple[int, ...] | None = None) -> list[Exchange]:
    """The requests of ``operation`` the fake received (answered with one of ``statuses``)."""
    return [
        e
        for e in list(server.api.requests)
        if e.operation == operation and (statuses is None or e.status in statuses)
    ]


def creates(server: FakeServer, api_key: str | None = None) -> int:
    """How many jobs were created (of ``api_key`` if given); an idempotent replay creates none."""
    return sum(1 for job in list(server.api.jobs.values()) if api_key in (None, job.api_key))


def charges(server: FakeServer) -> Counter[str]:
    """How many created jobs included each of the catalog's images (external_id, else
    source_url); the images of other programs' jobs (``start_other_job``) left out."""
    images = server.api.ledger.images
    return Counter({image: n for image, n in images.items() if not image.startswith(ELSEWHERE)})


def refusals(server: FakeServer) -> int:
    """Creates refused at a limit (409) or throttled (429)."""
    return len(exchanges(server, CREATE, REFUSED))


def reads(server: FakeServer) -> list[tuple[str, str, bool]]:
    """Every job read: (job id, API key, found)."""
    return [
        (
            e.request.url.path.rsplit("/", 1)[-1],
            e.request.headers.get("Authorization", "").removeprefix("Bearer "),
            e.status == 200,
        )
        for e in exchanges(server, READ)
    ]


def polls_while_active(server: FakeServer) -> list[int]:
    """How many jobs were active when each job read arrived. The fake records the count once a
    read is answered: the read that finishes its job counted that job still active."""
    seen: Counter[str] = Counter()
    counts = []
    for exchange in exchanges(server, READ, (200,)):
        job_id = exchange.request.url.path.rsplit("/", 1)[-1]
        seen[job_id] += 1
        finished_here = server.api.jobs[job_id].timing.polls == seen[job_id]
        counts.append(exchange.active_jobs + finished_here)
    return counts


def refuse_with_429(reply: Reply) -> Reply:
    """A create refused at a limit answered 429 with ``Retry-After: 0`` instead of 409."""
    if reply.status == 409:
        return Reply(429, reply.body, {**reply.headers, "Retry-After": "0"})
    return reply


def send_in_jobs(
    server: FakeServer,
    finished: dict[str, Any] | None = None,
    items: dict[str, Any] | None = None,
    running: dict[str, Any] | None = None,
) -> None:
    """Merge ``finished`` into every finished job the fake sends and ``items`` into each of its
    items, ``running`` into every job still running: values a server may send that the fake's
    own answers never hold."""

    def merged(reply: Reply) -> Reply:
        sent = reply.body.get("job") if reply.status == 200 else None
        if sent is None:
            return reply
        if sent["status"] in ACTIVE:
            sent.update(running or {})
            return reply
        sent.update(finished or {})
        for item in sent["items"]:
            item.update(items or {})
        return reply

    server.api.inject(Fault.rewrite(merged, times=None, operation=READ))


def hold_creates(server: FakeServer, after: int) -> tuple[threading.Event, threading.Event]:
    """Hold every create after the first ``after`` until ``release`` is set (a slow API, to stop
    a client at a known point without timing); ``held`` is set once one waits. (release, held)"""
    release, held = threading.Event(), threading.Event()
    server.api.inject(Fault.hold(release, held=held, operation=CREATE, after=after))
    return release, held


def fail_every_image(server: FakeServer, code: str, message: str) -> None:
    """Every image of the jobs created from now on fails with this error."""
    server.api.script_failure("://", Failure(code, message))  # every source_url holds "://"


def start_other_job(server: FakeServer, api_key: str) -> str:
    """Another program's job, under ``api_key``: active (it counts against the account's limit)
    until ``server.api.cancel(job_id)`` ends it. Its job id."""
    timing = server.api.timing
    server.api.timing = Timing(polls=None)  # never final on its own
    try:
        with httpx.Client(transport=server.api.transport()) as http:
            answer = http.post(
                f"{server.api.base_url}/product-photo-jobs",
                json={"images": [{"source_url": f"{ELSEWHERE}{api_key}.jpg"}]},
                headers={"Authorization": f"Bearer {api_key}", "Idempotency-Key": f"elsewhere-{api_key}"},
            )
    finally:
        server.api.timing = timing
    assert answer.status_code == 201, answer.text
    job_id: str = answer.json()["job"]["id"]
    return job_id


def inject(server: FakeServer, fault: Fault) -> Fault:
    server.api.inject(fault)
    return fault


def withdraw(server: FakeServer, fault: Fault) -> None:
    """Stop a fault injected with ``times=None``."""
    server.api.withdraw(fault)
